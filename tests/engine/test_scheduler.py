"""The scheduler's work, called directly with the test clock: BPMN timers
fire through the engine, leases make each timer fire once, an expired lease
is taken over, and failures are retried with backoff."""
from datetime import timedelta

from sqlalchemy import select

from engine import firing, scheduler
from engine.store.events import Event
from engine.store.timers import Timer

from ..api.conftest_data import deploy_timed
from ..api.helpers import open_dossier


def _timers(db, kind=None):
    db.expire_all()
    query = select(Timer).order_by(Timer.id)
    return list(db.scalars(query.where(Timer.kind == kind) if kind else query))


def test_boundary_timer_fires_and_escalates(demo, login_as, admin_ctx, clock, db):
    code = deploy_timed(login_as("designer"))
    leader = login_as("leader")
    dossier = open_dossier(login_as("reception"), code)
    [timer] = _timers(db, "bpmn")
    assert timer.due_at == clock.now() + timedelta(seconds=2) and timer.element_id == "Late"
    assert scheduler.run_once(admin_ctx) == 0  # not due yet
    clock.advance(timedelta(seconds=3))
    assert scheduler.run_once(admin_ctx) == 1
    tasks = leader.get("/api/v1/tasks?scope=available").get_json()["items"]
    assert [t["element_id"] for t in tasks] == ["Task_Escalated"]
    body = leader.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert [t["element_id"] for t in body["tasks"]] == ["Task_Escalated"]
    [timer] = _timers(db, "bpmn")
    assert timer.fired_at == clock.now()
    assert scheduler.run_once(admin_ctx) == 0  # fired once only


def test_completing_the_step_cancels_its_timer(demo, login_as, admin_ctx, clock, db):
    code = deploy_timed(login_as("designer"))
    officer = login_as("officer")
    task = open_dossier(login_as("reception"), code)["tasks"][0]
    officer.post(f"/api/v1/tasks/{task['id']}/claim")
    assert officer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}).status_code \
        == 200
    [timer] = _timers(db, "bpmn")
    assert timer.cancelled_at is not None and timer.fired_at is None
    clock.advance(timedelta(seconds=3))
    assert scheduler.run_once(admin_ctx) == 0


def test_leases_make_each_timer_fire_once(demo, login_as, admin_ctx, clock, db):
    code = deploy_timed(login_as("designer"))
    for _ in range(3):
        open_dossier(login_as("reception"), code)
    clock.advance(timedelta(seconds=3))
    claimed_a = scheduler.claim(admin_ctx, "A", lease_seconds=30, batch=10)
    assert len(claimed_a) == 3
    assert scheduler.claim(admin_ctx, "B", lease_seconds=30, batch=10) == []  # leased
    clock.advance(timedelta(seconds=31))  # A died: its lease runs out
    claimed_b = scheduler.claim(admin_ctx, "B", lease_seconds=30, batch=10)
    assert sorted(claimed_b) == sorted(claimed_a)
    assert scheduler.fire_one(admin_ctx, "A", claimed_a[0]) is False  # A lost the lease
    assert [scheduler.fire_one(admin_ctx, "B", i) for i in claimed_b] == [True] * 3
    fired = db.scalars(select(Event).where(Event.type == "timer.fired")).all()
    assert len(fired) == 3


def test_failure_is_retried_with_backoff(demo, login_as, admin_ctx, clock, db, monkeypatch):
    code = deploy_timed(login_as("designer"))
    open_dossier(login_as("reception"), code)
    clock.advance(timedelta(seconds=3))

    def broken(ctx, timer, dossier):
        raise RuntimeError("inbox unreachable")
    monkeypatch.setitem(firing.HANDLERS, "bpmn", broken)
    assert scheduler.run_once(admin_ctx) == 0
    [timer] = _timers(db, "bpmn")
    assert (timer.attempts, timer.fired_at) == (1, None)
    assert timer.last_error == "RuntimeError: inbox unreachable"
    assert scheduler.run_once(admin_ctx) == 0 and _timers(db, "bpmn")[0].attempts == 1
    monkeypatch.undo()
    clock.advance(timedelta(seconds=3))  # past the first backoff (2 s)
    assert scheduler.run_once(admin_ctx) == 1
    assert _timers(db, "bpmn")[0].fired_at is not None


def test_timer_expressions_count_working_days(demo, login_as, admin_ctx, clock, db):
    """A designer writes a deadline in working days: Friday 24 April 09:00 plus
    one working day is Tuesday 28 April 09:00 (Monday 27 is a holiday)."""
    code = deploy_timed(login_as("designer"), duration="add_working_days(1)", kind="timeDate")
    open_dossier(login_as("reception"), code)
    [timer] = _timers(db, "bpmn")
    assert timer.due_at.isoformat() == "2026-04-28T02:00:00+00:00"
    clock.set(timer.due_at + timedelta(seconds=1))
    assert scheduler.run_once(admin_ctx) >= 1
    assert _timers(db, "bpmn")[0].fired_at is not None
