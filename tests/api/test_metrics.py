"""`GET /metrics` in one process: request figures by route template, and the
domain figures counted in the database at scrape time.

The world, from Fri 24 Apr 2026 09:00 (Mon 27 Apr is Hùng Kings day): at Phú
Hội, households A and F received (each step's reminder at 13:30, its due time
at 14:30, the escalation on Tue 28 14:30, the dossier due Mon 4 May 09:00), S
sent for a supplement, O submitted online. The scheduler runs at 14:31:30 and
then after each backoff: every due timer fires but F's reminder, which fails
until it is given up (an incident). Now is Mon 4 May 10:00, when B is received:
A and F are overdue, as are their first steps, and their later timers wait.
Each figure is checked against a count made here from the rows."""
from collections import Counter
from datetime import datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event, select, update

from api.config import TestConfig
from engine.dossier import status
from engine.monitoring import gauges
from engine.scheduling import firing, mail, scheduler
from engine.store import db as _db
from engine.store.dossiers import Dossier, Task
from engine.store.events import Event
from engine.store.notifications import Notification
from engine.store.people import User
from engine.store.timers import KINDS, Timer

from ..conftest import VN
from .helpers import APPLICANT, open_dossier

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=VN)


def scrape(client) -> dict:
    """`{(sample name, frozenset of labels): value}` of one scrape."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def world(household, login_as, admin_ctx, db, clock, monkeypatch):
    db.execute(update(User).values(email="can-bo@example.vn"))  # e-mailed notifications
    db.commit()
    reception, codes = login_as("reception"), {}
    for name in "AFS":
        codes[name] = open_dossier(reception, household)["code"]
    asked = reception.post(f"/api/v1/dossiers/{codes['S']}/supplement-request",
                           json={"missing": ["Bản sao CCCD"]})
    assert asked.status_code == 200, asked.get_json()
    codes["O"] = open_dossier(reception, household, channel="online")["code"]
    remind = firing.HANDLERS["reminder"]

    def failing_for_f(ctx, timer, dossier):
        if dossier.code == codes["F"]:
            raise RuntimeError("mail server gone")
        remind(ctx, timer, dossier)
    monkeypatch.setitem(firing.HANDLERS, "reminder", failing_for_f)
    clock.set(datetime(2026, 4, 24, 14, 31, 30, tzinfo=VN))
    for attempt in range(scheduler.MAX_ATTEMPTS):
        scheduler.run_once(admin_ctx)
        clock.advance(timedelta(seconds=2 ** (attempt + 1) + 1))  # past the backoff
    clock.set(NOW)
    codes["B"] = open_dossier(reception, household)["code"]
    return codes


def test_domain_figures_are_the_counts_of_the_rows(world, client, db, clock):
    samples = scrape(client)
    db.expire_all()
    dossiers = db.scalars(select(Dossier)).all()
    name = {code: key for key, code in world.items()}
    by_status = Counter(dossier.status for dossier in dossiers)
    for state in status.STATUSES:
        assert value(samples, "motcua_dossiers", status=state) == by_status[state]
    assert value(samples, "motcua_dossiers_open") == sum(
        dossier.status in status.OPEN for dossier in dossiers) == 5
    overdue = {name[d.code] for d in dossiers if d.status in status.WORKING
               and d.clock_state == "running" and d.due_at < clock.now()}
    assert overdue == {"A", "F"}
    assert value(samples, "motcua_dossiers_overdue") == len(overdue)
    incidents = {name[d.code] for d in dossiers if d.incident}
    assert incidents == {"F"} and value(samples, "motcua_incidents_open") == 1

    tasks = [task for task in db.scalars(select(Task)).all() if task.status == "open"]
    name = {code: key for key, code in world.items()}
    late = {(name[t.dossier.code], t.element_id) for t in tasks
            if t.due_at < clock.now() and t.dossier.status in status.WORKING}
    assert late == {("A", "Task_Check"), ("F", "Task_Check")}
    assert value(samples, "motcua_steps_open") == len(tasks) == 4  # A, F, S, B
    assert value(samples, "motcua_steps_overdue") == len(late)


def test_timer_figures_are_the_counts_of_the_rows(world, client, db, clock):
    samples = scrape(client)
    db.expire_all()
    timers = db.scalars(select(Timer)).all()
    live = [t for t in timers if t.fired_at is None and t.cancelled_at is None]
    waiting = [t for t in live if t.due_at < clock.now()]
    assert {t.kind for t in waiting} >= {"escalation", "dossier_due"}
    assert value(samples, "motcua_timers_due_waiting") == len(waiting)
    oldest = (clock.now() - min(t.due_at for t in waiting)).total_seconds()
    assert value(samples, "motcua_timer_oldest_due_age_seconds") == pytest.approx(oldest)
    assert [t.kind for t in live if t.attempts] == ["reminder"]  # F's, given up
    assert value(samples, "motcua_timers_failing") == 1
    fired = Counter(t.kind for t in timers if t.fired_at is not None)
    assert fired["reminder"] >= 1 and fired["step_due"] >= 2
    for kind in KINDS:
        assert value(samples, "motcua_timers_fired_total", kind=kind) == fired[kind]
    failed = db.scalars(select(Event).where(Event.type == "timer.failed")).all()
    assert len(failed) == 1 and value(samples, "motcua_timer_failures_total") == 1


def test_timer_lag_is_a_histogram_of_due_to_fired(world, client, db):
    samples = scrape(client)
    db.expire_all()
    lags = [(t.fired_at - t.due_at).total_seconds()
            for t in db.scalars(select(Timer)).all() if t.fired_at is not None]
    assert 90.0 in lags  # the steps due at 14:30, fired at 14:31:30
    assert value(samples, "motcua_timer_lag_seconds_count") == len(lags)
    assert value(samples, "motcua_timer_lag_seconds_sum") == pytest.approx(sum(lags))
    for bound in gauges.LAG_BUCKETS:
        assert value(samples, "motcua_timer_lag_seconds_bucket", le=repr(bound)) == sum(
            lag <= bound for lag in lags), bound
    assert value(samples, "motcua_timer_lag_seconds_bucket", le="+Inf") == len(lags)


def test_mails_waiting_and_given_up(world, client, db):
    db.execute(update(Notification).where(Notification.id == select(
        Notification.id).where(Notification.email_to.is_not(None)).limit(1).scalar_subquery())
        .values(email_attempts=mail.MAX_ATTEMPTS))  # one the outbox gave up
    db.commit()
    samples = scrape(client)
    unsent = [n for n in db.scalars(select(Notification)).all()
              if n.email_to is not None and n.emailed_at is None]
    waiting = [n for n in unsent if n.email_attempts < mail.MAX_ATTEMPTS]
    assert waiting and value(samples, "motcua_mails_waiting") == len(waiting)
    assert value(samples, "motcua_mails_given_up") == len(unsent) - len(waiting) == 1


def test_an_empty_platform_counts_zero(app, client):
    samples = scrape(client)
    assert value(samples, "motcua_database_up") == 1
    for name in ("motcua_dossiers_open", "motcua_dossiers_overdue", "motcua_steps_open",
                 "motcua_timers_due_waiting", "motcua_timer_oldest_due_age_seconds",
                 "motcua_timer_failures_total", "motcua_timer_lag_seconds_count",
                 "motcua_mails_waiting", "motcua_incidents_open"):
        assert (name, frozenset()) in samples and samples[(name, frozenset())] == 0, name


def test_requests_and_latency_by_route_template_without_codes(household, login_as, client):
    reception = login_as("reception")
    codes = [open_dossier(reception, household)["code"] for _ in range(3)]
    for code in codes:
        assert reception.get(f"/api/v1/dossiers/{code}").status_code == 200
    assert reception.get(f"/api/v1/dossiers/{codes[0][:-4]}9999").status_code == 404
    assert client.get("/no/such/page/123456").status_code == 404
    assert client.open("/healthz", method="BREW").status_code == 405
    response = client.get("/metrics")
    text = response.get_data(as_text=True)
    samples = scrape(client)
    route = "/api/v1/dossiers/<code>"
    assert value(samples, "motcua_http_requests_total", method="GET", endpoint=route,
                 status="200") == 3
    assert value(samples, "motcua_http_requests_total", method="GET", endpoint=route,
                 status="404") == 1
    assert value(samples, "motcua_http_request_seconds_count", method="GET",
                 endpoint=route) == 4
    assert value(samples, "motcua_http_requests_total", method="POST",
                 endpoint="/api/v1/dossiers", status="201") == 3
    assert value(samples, "motcua_http_requests_total", method="GET",
                 endpoint="<unmatched>", status="404") == 1
    assert value(samples, "motcua_http_requests_total", method="other",
                 endpoint="<unmatched>", status="405") == 1
    assert value(samples, "motcua_http_requests_in_progress") == 1  # this scrape
    words = {label for _name, pairs in samples for _key, label in pairs if not _number(label)}
    assert words == {"GET", "POST", "other", route, "/api/v1/dossiers", "/api/v1/auth/token",
                     "<unmatched>", "/metrics", *status.STATUSES, *KINDS}
    for secret in (*codes, "BREW", "reception", *APPLICANT.values()):
        assert secret not in text, secret


def _number(label) -> bool:
    """A status code or a bucket's bound."""
    try:
        float(label)
    except ValueError:
        return False
    return True


def test_figures_take_the_same_statements_whatever_the_rows(household, login_as, app, client):
    with app.app_context():
        engine = _db.engine
    seen = []

    def count(*_args):
        seen.append(1)

    def statements():
        seen.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/metrics").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    few = statements()
    reception = login_as("reception")
    for _ in range(4):
        open_dossier(reception, household)
    assert statements() == few <= 10


def test_without_a_database_the_request_figures_still_answer(tmp_path, clock):
    """A database that cannot be opened: 200, `motcua_database_up 0`, no domain figures."""
    (tmp_path / "a-file").write_text("")
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'a-file' / 'motcua.db'}"
    config.DATA_DIR, config.CLOCK, config.AUTO_MIGRATE = tmp_path / "data", clock, False
    from api import create_app
    client = create_app(config.finalize()).test_client()
    client.get("/healthz")
    samples = scrape(client)
    assert value(samples, "motcua_database_up") == 0
    assert value(samples, "motcua_http_requests_total", method="GET", endpoint="/healthz",
                 status="503") == 1
    assert not [key for key in samples if key[0].startswith(("motcua_dossiers",
                                                             "motcua_timer"))]
