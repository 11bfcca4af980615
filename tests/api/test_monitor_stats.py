"""`GET /monitor/stats`: the reconciled report on a hand-built month.

March 2026 has no public holiday. The procedure has one step and a statutory
time of 2 working days: received Mon 2 Mar 09:00, a dossier is due Wed 4 Mar
09:00 (6.5 working hours on Monday, 8 on Tuesday, 1.5 on Wednesday).

Before March: C1 (received Thu 26 Feb, due Mon 2 Mar 09:00, resolved Mon 10:00:
late), C3 (received Thu 26 Feb, sent for papers on Fri 27, back Tue 3 Mar
10:00: a new appointment Thu 5 Mar 10:00; resolved Wed 4: early), C2 (received
and resolved on Fri 27 Feb: not in March). In March: M1 online (received Mon 2
09:30, resolved Tue 3: early, its document digitised), M2 (resolved Wed 4
08:30: on time), M13 (resolved Wed 4 06:00, before office hours but on the due
day: on time, though Tuesday in UTC), M3 by post (resolved Wed 4 10:00: late),
M4 (Mon 9, apologised, resolved after its receipt's appointment: late), M5
withdrawn, M6 online refused, M7 stopped, M12 sent back at the desk and
refused, M10 (received Wed 25, due Fri 27: overdue at the end), M9 (received
Mon 30: within time), M14 (received Mon 30, resolved Tue 31 at 23:30, still
March in Vietnam: early), M8 (received Mon 30, sent for papers Tue 31, back Wed
1 Apr: a supplement at March's end), M11 online, not yet received (within
time). A1 is received on Wed 1 Apr."""
import csv
import io
from datetime import datetime

import pytest

from ..conftest import VN
from .conftest_data import create_and_deploy, minimal_bpmn
from .helpers import APPLICANT, claim_and_complete, open_dossier, open_task

URL = "/api/v1/monitor/stats"
CODE = "STATS.1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MARCH = {"carried_over": 2, "online": 3, "direct": 10, "post": 1, "total": 14}
RESOLVED = {"early": 3, "on_time": 2, "late": 3, "total": 8, "apologised": 1}


def at(day, hour, minute=0, month=3):
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


class Month:
    """Drives the dossiers through the API on the controllable clock."""

    def __init__(self, login_as, clock):
        self.clock, self.codes = clock, {}
        self.desk, self.officer = login_as("reception"), login_as("officer")
        self.leader = login_as("leader")

    def open(self, name, when, channel="direct", procedure=CODE, **extra):
        self.clock.set(when)
        self.codes[name] = code = open_dossier(self.desk, procedure, channel=channel)["code"]
        for action, body in extra.items():
            self.post(name, action, body)
        return code

    def send_back(self, name, when):
        self.clock.set(when)
        response = self.desk.post("/api/v1/dossiers", json={
            "procedure": CODE, "applicant": APPLICANT, "channel": "direct",
            "outcome": "supplement", "missing": ["Sổ hộ khẩu"]})
        assert response.status_code == 201, response.get_json()
        self.codes[name] = response.get_json()["code"]

    def post(self, name, action, body=None, when=None, caller=None):
        if when is not None:
            self.clock.set(when)
        response = (caller or self.desk).post(f"/api/v1/dossiers/{self.codes[name]}/{action}",
                                              json=body or {})
        assert response.status_code == 200, response.get_json()

    def resolve(self, name, when):
        self.clock.set(when)
        task = open_task(self.officer, self.codes[name], "Task_1")
        claim_and_complete(self.officer, task["id"], {})

    def upload(self, name, digitized):
        response = self.desk.post(f"/api/v1/dossiers/{self.codes[name]}/documents", data={
            "file": (io.BytesIO(PDF), "a.pdf"), "document_type": "don",
            "digitized": "true" if digitized else "false"}, content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()


@pytest.fixture
def designer(demo, login_as):
    return login_as("designer")


@pytest.fixture
def admin(demo, login_as):
    return login_as("admin")


@pytest.fixture
def month(designer, login_as, clock):
    create_and_deploy(designer, CODE, xml=minimal_bpmn(), forms=[],
                      statutory_time={"value": 2, "unit": "working_days"})
    m = Month(login_as, clock)
    m.open("C1", at(26, 9, month=2))
    m.open("C3", at(26, 9, month=2))
    m.post("C3", "supplement-request", {"missing": ["CCCD"]}, when=at(27, 9, month=2))
    m.open("C2", at(27, 9, month=2))
    m.resolve("C2", at(27, 10, month=2))
    m.resolve("C1", at(2, 10))
    m.open("M1", at(2, 9), channel="online")
    m.post("M1", "receive", when=at(2, 9, 30))
    m.upload("M1", digitized=True)
    m.open("M2", at(2, 9))
    m.upload("M2", digitized=False)
    m.open("M3", at(2, 9), channel="post")
    m.post("C3", "supplement-received", when=at(3, 10))
    m.resolve("M1", at(3, 15))
    m.open("M13", at(2, 9))
    m.resolve("M13", at(4, 6))
    m.resolve("M2", at(4, 8, 30))
    m.resolve("C3", at(4, 9))
    m.resolve("M3", at(4, 10))
    m.open("M4", at(9, 9))
    m.post("M4", "extension", {"new_due_at": at(12, 16).isoformat(), "reason": "xác minh"},
           when=at(9, 10), caller=m.leader)
    m.resolve("M4", at(12, 10))
    m.open("M5", at(10, 9))
    m.post("M5", "withdraw", {"reason": "người dân rút"}, when=at(11, 9))
    m.open("M6", at(12, 9), channel="online")
    m.post("M6", "refuse", {"reason": "sai thủ tục"}, when=at(12, 10))
    m.open("M7", at(16, 9))
    m.post("M7", "stop", {"reason": "bị khiếu nại"}, when=at(17, 9), caller=m.leader)
    m.send_back("M12", at(18, 9))
    m.post("M12", "refuse", {"reason": "không bổ sung"}, when=at(20, 9))
    m.open("M10", at(25, 9))
    m.open("M9", at(30, 9))
    m.open("M14", at(30, 9))
    m.resolve("M14", at(31, 23, 30))
    m.open("M8", at(30, 9))
    m.post("M8", "supplement-request", {"missing": ["CCCD"]}, when=at(31, 9))
    m.open("M11", at(31, 16), channel="online")
    m.post("M8", "supplement-received", when=at(1, 9, month=4))
    m.open("A1", at(1, 10, month=4))
    return m


def _get(caller, query, status=200):
    response = caller.get(URL + query)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def _reconciles(figures):
    came = figures["received"]["carried_over"] + figures["received"]["total"]
    went = (figures["resolved"]["total"] + figures["in_progress"]["total"]
            + sum(figures[name] for name in ("supplement", "stopped", "withdrawn", "refused")))
    return came == went


def test_a_hand_built_month_counts_every_outcome_and_reconciles(month, login_as):
    body = _get(login_as("supervisor"), "?from=2026-03-01&to=2026-03-31&group_by=channel").json
    total = body["total"]
    assert (body["from"], body["to"], body["group_by"]) == ("2026-03-01", "2026-03-31",
                                                            "channel")
    assert total["received"] == MARCH
    assert total["resolved"] == RESOLVED
    assert total["in_progress"] == {"within_time": 2, "overdue": 1, "total": 3}
    assert (total["supplement"], total["stopped"], total["withdrawn"], total["refused"]) == (
        1, 1, 1, 2)
    assert total["rates"] == {"on_time": 0.625, "online": round(3 / 14, 4), "digitised": 0.125}
    assert _reconciles(total) and all(_reconciles(row) for row in body["rows"])
    rows = {row["key"]: row for row in body["rows"]}
    assert sorted(rows) == ["direct", "online", "post"]
    assert rows["online"]["received"] == {"carried_over": 0, "online": 3, "direct": 0,
                                          "post": 0, "total": 3}
    assert rows["online"]["resolved"]["early"] == 1 and rows["online"]["refused"] == 1
    assert rows["post"]["resolved"] == {"early": 0, "on_time": 0, "late": 1, "total": 1,
                                        "apologised": 0}
    assert rows["direct"]["received"]["carried_over"] == 2
    assert rows["direct"]["resolved"] == {"early": 2, "on_time": 2, "late": 2, "total": 6,
                                          "apologised": 1}
    for name in ("carried_over", "online", "direct", "post", "total"):
        assert sum(row["received"][name] for row in rows.values()) == total["received"][name]


def test_the_open_dossiers_are_carried_into_the_next_month(month, login_as):
    total = _get(login_as("supervisor"), "?from=2026-04-01&to=2026-04-30").json["total"]
    assert total["received"] == {"carried_over": 4, "online": 0, "direct": 1, "post": 0,
                                 "total": 1}
    # April is not over: where they stand now (Wed 1 Apr 10:00), M9 and M10 are
    # late; M8 (its new appointment Fri 3 Apr 09:00), A1 and M11 are not yet
    assert total["in_progress"] == {"within_time": 3, "overdue": 2, "total": 5}
    assert total["resolved"]["total"] == 0 and total["supplement"] == 0
    assert _reconciles(total)


def test_a_past_period_gives_the_same_answer_after_later_changes(month, login_as, clock):
    supervisor = login_as("supervisor")
    before = _get(supervisor, "?from=2026-03-01&to=2026-03-31&group_by=unit").json
    month.resolve("M9", at(2, 9, month=4))
    month.post("M10", "withdraw", {"reason": "rút"}, when=at(2, 10, month=4))
    assert _get(supervisor, "?from=2026-03-01&to=2026-03-31&group_by=unit").json == before


def test_the_csv_says_what_the_json_says_with_vietnamese_intact(month, login_as):
    supervisor = login_as("supervisor")
    query = "?from=2026-03-01&to=2026-03-31&group_by=desk"
    body = _get(supervisor, query).json
    response = _get(supervisor, query + "&format=csv")
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [line["key"] for line in lines] == [row["key"] for row in body["rows"]] + ["TOTAL"]
    assert [line["name"] for line in lines[:-1]] == [row["name"] for row in body["rows"]]
    assert "Trung tâm Phục vụ hành chính công tỉnh" in lines[0]["name"]
    last = lines[-1]
    assert int(last["received_carried_over"]) == body["total"]["received"]["carried_over"]
    assert int(last["resolved_late"]) == body["total"]["resolved"]["late"]
    assert float(last["rates_on_time"]) == body["total"]["rates"]["on_time"]
    assert int(last["refused"]) == body["total"]["refused"]


def test_a_commune_supervisor_sees_only_its_communes(month, login_as, admin):
    for username, unit in (("kimlong_gs", "UBND.KIMLONG"), ("phuhoi_gs", "UBND.PHUHOI")):
        created = admin.post("/api/v1/users", json={
            "username": username, "password": "giam-sat-2026", "full_name": "Giám sát",
            "roles": ["supervisor"], "units": [unit]})
        assert created.status_code == 201, created.get_json()
    query = "?from=2026-03-01&to=2026-03-31"
    province = _get(login_as("supervisor"), query).json["total"]
    assert _get(login_as("phuhoi_gs", "giam-sat-2026"), query).json["total"] == province
    kimlong = _get(login_as("kimlong_gs", "giam-sat-2026"), query).json
    assert kimlong["rows"] == [] and kimlong["total"]["received"]["carried_over"] == 0


@pytest.mark.parametrize("query, field", [
    ("?from=2026-04-01&to=2026-03-01", "from"), ("?group_by=commune", "group_by"),
    ("?format=xlsx", "format"), ("?from=2026-13-01", "from")])
def test_bad_queries_name_their_field(month, login_as, query, field):
    body = _get(login_as("supervisor"), query, status=422).json
    assert [error["field"] for error in body["errors"]] == [field], body


def test_only_supervisors_read_the_report(month, login_as):
    for username in ("officer", "leader", "reception"):
        assert _get(login_as(username), "?from=2026-03-01&to=2026-03-31", status=403)


def test_the_migration_folds_existing_dossiers_as_the_services_did(month, app, db, login_as):
    """Dropping the facts and migrating again (as an older database would)
    refills every row from the stored events, equal to what the services wrote."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from api.setup import MIGRATIONS
    from engine.store.facts import DossierFacts

    def rows():
        db.expire_all()
        return [row._asdict() for row in db.execute(
            select(*DossierFacts.__table__.columns).order_by(DossierFacts.dossier_id))]

    written = rows()
    assert len(written) == len(month.codes)
    db.commit()
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="a7d4e2b91c3f")
        upgrade(directory=MIGRATIONS)
    assert rows() == written


def test_a_moved_dossier_counts_where_it_was_handled_at_each_period_end(
        month, login_as, admin, household, clock):
    for username, unit in (("kimlong_gs", "UBND.KIMLONG"), ("phuhoi_gs", "UBND.PHUHOI")):
        assert admin.post("/api/v1/users", json={
            "username": username, "password": "giam-sat-2026", "full_name": "Giám sát",
            "roles": ["supervisor"], "units": [unit]}).status_code == 201
    phuhoi, kimlong = (login_as(name, "giam-sat-2026") for name in ("phuhoi_gs", "kimlong_gs"))
    march, april = "?group_by=unit&from=2026-03-01&to=2026-03-31", "?group_by=unit&from=2026-04-01"

    def entered(caller, query):
        return {row["key"]: row["received"]["total"] + row["received"]["carried_over"]
                for row in _get(caller, query).json["rows"]}

    before = entered(phuhoi, march)["UBND.PHUHOI"]
    clock.set(at(2, 9))
    code = open_dossier(login_as("reception"), household)["code"]  # at the province desk
    clock.set(at(2, 10, month=4))
    moved = login_as("leader").post(f"/api/v1/dossiers/{code}/handling-unit",
                                    json={"unit": "UBND.KIMLONG", "reason": "gửi nhầm xã"})
    assert moved.status_code == 200, moved.get_json()
    assert entered(phuhoi, march)["UBND.PHUHOI"] == before + 1  # March's end: still Phú Hội's
    assert entered(kimlong, march) == {}
    assert entered(kimlong, april) == {"UBND.KIMLONG": 1}  # handled there at April's end
    assert "UBND.KIMLONG" not in entered(phuhoi, april)


def test_statements_per_report_do_not_grow_with_the_dossiers(month, app, login_as):
    from sqlalchemy import event

    from engine.store import db as _db
    supervisor, counted = login_as("supervisor"), []
    with app.app_context():
        engine = _db.engine

    def statements():
        counted.append(0)
        _get(supervisor, "?from=2026-03-01&to=2026-04-30&group_by=unit")
        return counted[-1]

    def count(*_args):
        if counted:
            counted[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        few = statements()
        for day in (6, 7):
            month.open(f"X{day}", at(day, 9, month=4))
        assert statements() == few
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few <= 8, few


def test_an_extension_before_a_paused_supplement_does_not_move_the_appointment(
        month, designer, login_as, clock):
    """Pause policy, 3 working days: received Mon 2 Mar 09:00, due Thu 5 09:00;
    extended to Fri 6 08:00; paused Tue 3 09:00 with 16 working hours left
    before the receipt's appointment; papers back Wed 4 09:00: the appointment
    is Fri 6 09:00, so resolving on Mon 9 at 07:45 is late (counting from the
    extended due time would make it Mon 9 08:00, and on time)."""
    create_and_deploy(designer, "STATS.P", xml=minimal_bpmn(), forms=[], clock_policy="pause")
    month.open("P1", at(2, 9), procedure="STATS.P")
    month.post("P1", "extension", {"new_due_at": at(6, 8).isoformat(), "reason": "xác minh"},
               when=at(2, 10), caller=month.leader)
    month.post("P1", "supplement-request", {"missing": ["CCCD"]}, when=at(3, 9))
    month.post("P1", "supplement-received", when=at(4, 9))
    month.resolve("P1", at(9, 7, 45))
    rows = _get(login_as("supervisor"), "?from=2026-03-01&to=2026-03-31").json["rows"]
    [paused] = [row for row in rows if row["key"] == "STATS.P"]
    assert paused["resolved"] == {"early": 0, "on_time": 0, "late": 1, "total": 1,
                                  "apologised": 1}
