"""The scheduler's work, called directly with the test clock: BPMN timers
fire through the engine, leases make each timer fire once, an expired lease
is taken over, and failures are retried with backoff."""
from datetime import timedelta

from sqlalchemy import select

from engine.scheduling import firing, scheduler
from engine.store.events import Event
from engine.store.timers import Timer

from ...api.conftest_data import deploy_timed
from ...api.helpers import open_dossier


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
    assert scheduler.run_once(admin_ctx) == 1  # that one timer, nothing else
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
    assert scheduler.run_once(admin_ctx) == 2  # and the dossier's own 1-day deadline
    assert _timers(db, "bpmn")[0].fired_at is not None


def test_a_timer_on_another_branch_keeps_the_incident(demo, login_as, admin_ctx, clock, db):
    from ...api.conftest_data import incident_and_timer_bpmn
    designer, leader = login_as("designer"), login_as("leader")
    designer.post("/api/v1/procedures", json={
        "code": "PAR.1", "name": "Par", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 1, "unit": "working_days"}})
    assert designer.post("/api/v1/procedures/PAR.1/versions", data=incident_and_timer_bpmn(),
                         content_type="application/xml").status_code == 201
    code = open_dossier(login_as("reception"), "PAR.1")["code"]
    clock.advance(timedelta(seconds=3))
    assert scheduler.run_once(admin_ctx) == 1
    body = leader.get(f"/api/v1/dossiers/{code}").get_json()
    assert body["status"] == "incident" and body["incident"]["element_id"] == "Bad"
    assert [t["element_id"] for t in body["tasks"]] == ["T2"]
    fixed = leader.post(f"/api/v1/dossiers/{code}/retry", json={"data": {"base_fee": 1}})
    assert fixed.status_code == 200 and fixed.get_json()["incident"] is None


def test_a_timer_that_keeps_failing_becomes_an_incident(
        demo, login_as, admin_ctx, clock, db, monkeypatch):
    code = deploy_timed(login_as("designer"))
    dossier = open_dossier(login_as("reception"), code)

    def broken(ctx, timer, dossier):
        raise RuntimeError("still broken")
    monkeypatch.setitem(firing.HANDLERS, "bpmn", broken)
    for _ in range(scheduler.MAX_ATTEMPTS):
        clock.advance(timedelta(hours=2))  # past every backoff
        scheduler.run_once(admin_ctx)
    leader = login_as("leader")
    body = leader.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert body["status"] == "incident"
    assert "failed 8 times: RuntimeError: still broken" in body["incident"]["message"]
    clock.advance(timedelta(hours=2))
    assert scheduler.run_once(admin_ctx) == 0  # given up: not retried on its own
    monkeypatch.undo()
    retried = leader.post(f"/api/v1/dossiers/{dossier['code']}/retry", json={})
    assert retried.status_code == 200  # the engine run of the retry fires the late timer
    after = leader.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert after["incident"] is None and after["tasks"][0]["element_id"] == "Task_Escalated"


def test_a_new_due_time_notifies_again(household, login_as, admin_ctx, clock, db):
    from engine.deadlines import statutory
    from engine.store.dossiers import Dossier
    from engine.kernel.uow import unit_of_work
    code = open_dossier(login_as("reception"), household)["code"]
    clock.advance(timedelta(days=20))
    scheduler.run_once(admin_ctx)
    with unit_of_work(admin_ctx) as session:  # the clock restarts (a supplement came)
        statutory.start(admin_ctx, session.scalars(
            select(Dossier).where(Dossier.code == code)).one())
    clock.advance(timedelta(days=20))
    scheduler.run_once(admin_ctx)
    items = login_as("leader").get("/api/v1/notifications").get_json()["items"]
    assert [n["type"] for n in items].count("dossier.overdue") == 2


def test_the_claim_index_holds_only_live_timers(app, db):
    from sqlalchemy import text
    query = ("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_timer_due_unfired'"
             if db.get_bind().dialect.name == "postgresql" else
             "SELECT sql FROM sqlite_master WHERE name = 'ix_timer_due_unfired'")
    definition = db.execute(text(query)).scalar_one()
    assert "fired_at IS NULL" in definition and "cancelled_at IS NULL" in definition
