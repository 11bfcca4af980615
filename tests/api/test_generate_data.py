"""Generated dossiers are the services' own (issue 11, item 6).

Replayed: for one generated dossier of each kind of life (walk-in and online,
sent back at the desk with the papers back or never, refused, a supplement
during processing under each clock policy, an extension, withdrawn, stopped,
a refusal letter, still open: in progress, with a diagram's timer waiting,
waiting for papers, new online),
the same commands are sent to the API by the same people at the same instants
(the test clock set to each event's); the dossier the services write then has
the same event log (types, instants, actors, steps, details), the same row,
state (task ids and change times aside), steps, candidates, parties, report
facts and live timers as the generated one. Continued: open generated dossiers (new online,
waiting for papers, in progress) are taken on through the API, by their
steps' candidates with data other generated dossiers submitted, to "result
delivered". And `flask generate-data` prints its counts as one JSON object and
`audit verify` then passes."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.monitoring.generation import generate
from engine.store.dossiers import Dossier, DossierParty, Task, TaskCandidate
from engine.store.events import Event
from engine.store.facts import DossierFacts
from engine.store.people import Unit, User, UserRole
from engine.store.procedures import Procedure
from engine.store.timers import Timer

from ..engine.monitoring.test_generation import NOW, YEAR, deploy_all
from .walk import READS

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CONSEQUENCES = {"task.opened", "task.cancelled", "dossier.resolved", "clock.paused",
                "clock.resumed"}
ROW = ("status", "national_status", "channel", "applicant", "incident", "created_at",
       "received_at", "due_at", "resolved_at", "clock_state", "clock_started_at",
       "transfer_by", "clock_paused_at", "clock_remaining_seconds", "extended_to",
       "supplement_requested_at", "overdue_at", "updated_at", "revision")
STEP = ("element_id", "name", "status", "form_key", "allotment", "created_at", "due_at",
        "overdue_at", "ended_at", "completed_by")
NEEDED = {"returned walk-in", "returned online", "sent back", "papers never came", "refused",
          "supplement", "supplement, clock paused", "apologised", "withdrawn", "stopped",
          "refusal letter", "in progress", "a diagram's timer", "waiting", "new"}


@pytest.fixture
def generated(demo, admin_ctx):
    deploy_all(admin_ctx)
    counts = generate(admin_ctx, 400, YEAR, seed=22, now=NOW)  # a seed with every kind
    admin_ctx.session.close()
    return counts


def _events(db, code) -> list:
    db.rollback()
    return [(e.type, e.at, e.actor, e.element_id, e.detail) for e in db.scalars(
        select(Event).where(Event.stream == code).order_by(Event.seq)) if e.type not in READS]


def _kinds(db) -> dict:
    """The first generated dossier of each kind of life: {kind: code}."""
    found = {}
    rows = db.execute(select(Dossier.code, Dossier.status, Dossier.channel, Procedure.clock_policy)
                      .join(Procedure).order_by(Dossier.id)).all()
    for code, status, channel, policy in rows:
        for kind in _kinds_of(_events(db, code), status, channel, policy):
            found.setdefault(kind, code)
    timed = db.scalars(select(Dossier.code).join(Timer).where(Timer.kind == "bpmn")).first()
    if timed is not None:
        found["a diagram's timer"] = timed
    return found


def _kinds_of(events, status, channel, policy):
    types = [e[0] for e in events]
    asked = [e for e in events if e[0] == "dossier.supplement_requested"]
    plain = {"dossier.received", "task.claimed", "task.completed", "dossier.returned"}
    if status == "returned" and set(types) - CONSEQUENCES - {"dossier.submitted"} == plain:
        yield f"returned {'online' if channel == 'online' else 'walk-in'}"
    if asked and asked[0][4].get("at_reception"):
        yield "sent back" if "dossier.received" in types else "papers never came"
    if asked and not asked[0][4].get("at_reception"):
        yield "supplement" + (", clock paused" if policy == "pause" else "")
    if status == "refused" and not asked:
        yield "refused"
    if "clock.extended" in types:
        yield "apologised"
    if status in ("withdrawn", "stopped"):
        yield status
    if any(e[0] == "task.completed" and e[4]["data"].get("decision") == "refuse" for e in events):
        yield "refusal letter"
    yield from {"received": ["in progress"], "processing": ["in progress"],
                "supplement": ["waiting"], "new": ["new"]}.get(status, [])


class Replay:
    """The generated dossier `code`'s commands, sent again through the API."""

    def __init__(self, db, clock, login_as, code):
        self.db, self.clock, self.login_as, self.callers = db, clock, login_as, {}
        dossier = db.scalars(select(Dossier).where(Dossier.code == code)).one()
        self.body = {"procedure": dossier.procedure.code, "applicant": dossier.applicant,
                     "channel": dossier.channel, "data": {},
                     "handling_unit": dossier.handling_unit.code}
        self.new, self.received, self.claimed = None, False, {}
        for type_, at, actor, element_id, detail in _events(db, code):
            clock.set(at)
            self.do(type_, self.caller(actor), element_id, detail)

    def caller(self, username):
        if username not in self.callers:
            self.callers[username] = self.login_as(username)
        return self.callers[username]

    def post(self, caller, action, body):
        response = caller.post(f"/api/v1/dossiers/{self.new}/{action}", json=body)
        assert response.status_code == 200, (action, response.get_json())

    def open(self, caller, **body):
        response = caller.post("/api/v1/dossiers", json={**self.body, **body})
        assert response.status_code == 201, response.get_json()
        self.new = response.get_json()["code"]

    def do(self, type_, caller, element_id, detail):
        if type_ in CONSEQUENCES or (type_ == "dossier.received" and self.received):
            return
        getattr(self, "_" + type_.replace(".", "_"))(caller, element_id, detail)

    def _dossier_submitted(self, caller, element_id, detail):
        self.open(caller)

    def _dossier_received(self, caller, element_id, detail):
        self.received = True
        if self.new is None:
            self.open(caller)
        else:
            self.post(caller, "receive", {})

    def _dossier_supplement_requested(self, caller, element_id, detail):
        asked = {"missing": detail["missing"], "note": detail["note"]}
        if self.new is None:
            self.open(caller, outcome="supplement", **asked)
        else:
            self.post(caller, "supplement-request", asked)

    def _dossier_supplement_received(self, caller, element_id, detail):
        self.received = True
        self.post(caller, "supplement-received", {"documents": detail["documents"]})

    def _dossier_refused(self, caller, element_id, detail):
        if self.new is None:
            self.open(caller, outcome="refused", reason=detail["reason"])
        else:
            self.post(caller, "refuse", {"reason": detail["reason"]})

    def _task_claimed(self, caller, element_id, detail):
        self.db.rollback()
        task_id = self.db.scalars(select(Task.id).join(Dossier).where(
            Dossier.code == self.new, Task.element_id == element_id,
            Task.status == "open")).one()
        assert caller.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
        self.claimed[element_id] = task_id  # parallel steps are claimed before either is done

    def _task_completed(self, caller, element_id, detail):
        task_id = self.claimed.pop(element_id)
        response = caller.post(f"/api/v1/tasks/{task_id}/complete", json=detail)
        assert response.status_code == 200, response.get_json()

    def _clock_extended(self, caller, element_id, detail):
        self.post(caller, "extension", detail)

    def _dossier_withdrawn(self, caller, element_id, detail):
        self.post(caller, "withdraw", detail)

    def _dossier_stopped(self, caller, element_id, detail):
        self.post(caller, "stop", detail)

    def _dossier_returned(self, caller, element_id, detail):
        self.post(caller, "return", detail)


def _written(db, code) -> dict:
    """What the services (or the generator) wrote for dossier `code`, ids aside."""
    db.rollback()
    dossier = db.scalars(select(Dossier).where(Dossier.code == code)).one()
    users = dict(db.execute(select(User.id, User.username)).all())
    tasks = db.scalars(select(Task).where(Task.dossier_id == dossier.id)
                       .order_by(Task.created_at, Task.element_id)).all()
    groups = {t.id: sorted(db.scalars(select(TaskCandidate.party).where(
        TaskCandidate.task_id == t.id))) for t in tasks}
    return {
        "events": _events(db, code),
        "row": {name: getattr(dossier, name) for name in ROW},
        "no incident ever": db.scalar(select(Dossier.id).where(  # SQL NULL, not JSON null
            Dossier.id == dossier.id, Dossier.incident.is_(None))) is not None,
        "units": (dossier.receiving_unit.code, dossier.handling_unit.code),
        "data": json.loads(json.dumps(dossier.data).replace(code, "CODE")),
        "state": _state(dossier.state, code),
        "steps": [(*(getattr(t, name) for name in STEP), users.get(t.assignee_id), groups[t.id])
                  for t in tasks],
        "facts": [{k: v for k, v in row._asdict().items() if k != "dossier_id"} for row in
                  db.execute(select(*DossierFacts.__table__.c).where(
                      DossierFacts.dossier_id == dossier.id))],
        "parties": sorted(db.scalars(select(DossierParty.party).where(
            DossierParty.dossier_id == dossier.id))),
        "timers": sorted((t.kind, t.element_id, t.due_at, json.dumps(t.detail)) for t in
                         db.scalars(select(Timer).where(Timer.dossier_id == dossier.id,
                                                        Timer.fired_at.is_(None),
                                                        Timer.cancelled_at.is_(None))))}


def _state(text, code):
    """The state with its task ids numbered in order of appearance and no change times."""
    if text is None:
        return None
    order = {}
    text = UUID.sub(lambda m: f"id{order.setdefault(m.group(), len(order))}",
                    text.replace(code, "CODE"))
    state = json.loads(text)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "last_state_change"}
        return [strip(v) for v in value] if isinstance(value, list) else value
    return strip(state)


def test_each_kind_of_generated_life_is_what_the_services_write(generated, db, clock, login_as):
    kinds = _kinds(db)
    assert NEEDED <= set(kinds), NEEDED - set(kinds)
    for kind, code in sorted(kinds.items()):
        replay = Replay(db, clock, login_as, code)
        assert _written(db, replay.new) == _written(db, code), kind


def _data_by_step(db) -> dict:
    """Each step's data, as generated dossiers resolved on their main path submitted it."""
    found = {}
    for procedure, element_id, detail in db.execute(
            select(Procedure.code, Event.element_id, Event.detail).join(
                Dossier, Dossier.id == Event.dossier_id).join(Procedure).where(
                Event.type == "task.completed").order_by(Event.id)):
        if detail["data"].get("decision") != "refuse":
            found.setdefault((procedure, element_id), detail)
    return found


def _go_on(db, login_as, code, data):
    """Take dossier `code` to result delivered through the API, its open steps done
    by their assignee or a member of their first candidate group."""
    db.rollback()
    dossier = db.scalars(select(Dossier).where(Dossier.code == code)).one()
    desk = login_as(db.scalars(select(User.username).join(User.units).join(User.role_rows)
                               .where(Unit.id == dossier.receiving_unit_id,
                                      UserRole.role == "reception")
                               .order_by(User.username)).first())
    if dossier.status == "new":
        assert desk.post(f"/api/v1/dossiers/{code}/receive").status_code == 200
    if dossier.status == "supplement":
        assert desk.post(f"/api/v1/dossiers/{code}/supplement-received",
                         json={"documents": ["Bản sao"]}).status_code == 200
    for _ in range(20):
        db.rollback()
        dossier = db.scalars(select(Dossier).where(Dossier.code == code)).one()
        if dossier.status == "resolved":
            break
        task = dossier.open_tasks[0]
        who = task.assignee.username if task.assignee else db.scalars(
            select(User.username).join(User.units).where(
                Unit.code == task.candidate_groups[0]).order_by(User.username)).first()
        caller = login_as(who)
        assert caller.post(f"/api/v1/tasks/{task.id}/claim").status_code == 200
        response = caller.post(f"/api/v1/tasks/{task.id}/complete",
                               json=data[(dossier.procedure.code, task.element_id)])
        assert response.status_code == 200, response.get_json()
    returned = desk.post(f"/api/v1/dossiers/{code}/return", json={"channel": "desk"})
    assert returned.status_code == 200 and returned.get_json()["national_status"] == 10


def test_open_generated_dossiers_go_on_through_the_api(generated, db, clock, login_as):
    clock.set(NOW + timedelta(hours=1))
    data, kinds = _data_by_step(db), _kinds(db)
    going = [kinds[kind] for kind in ("in progress", "waiting", "new") if kind in kinds]
    assert kinds.get("in progress")
    for code in going:
        _go_on(db, login_as, code, data)


def test_the_command_prints_its_counts_and_the_chains_verify(app, demo, admin_ctx):
    deploy_all(admin_ctx)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["generate-data", "--dossiers", "80", "--year", "2025",
                                 "--seed", "4", "--now", "2025-11-20T12:00:00+07:00"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["dossiers"] == 80 == sum(counts["by_outcome"].values())
    assert counts["now"] == "2025-11-20T12:00:00+07:00"
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and verified.stdout.startswith("ok:"), verified.output


def test_without_the_demo_the_command_says_so(app):
    result = app.test_cli_runner().invoke(args=["generate-data", "--dossiers", "5",
                                                "--year", "2025"])
    assert result.exit_code == 1
    assert "load the demo first" in result.output and "Traceback" not in result.output
