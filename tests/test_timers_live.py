"""Timers on real processes and the wall clock: a boundary timer fires on a
running platform with no requests arriving; two scheduler processes share
1,000 due timers, each fired exactly once; a scheduler killed mid-sweep
leaves its timers to another once its lease expires, none fired twice."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.dossier import intake
from engine.kernel.context import Ctx
from engine.people.directory import actor_for, get_user
from engine.store.events import Event
from engine.store.timers import Timer

from .api.conftest_data import boundary_bpmn, deploy_timed
from .processes import Scheduler, Server, call

pytestmark = pytest.mark.timeout(300)


def _fired_timers(db):
    db.rollback()  # a fresh snapshot: other processes wrote meanwhile
    return list(db.scalars(select(Timer).where(Timer.fired_at.is_not(None))))


def test_boundary_timer_fires_on_time_without_requests(live_env, db):
    server = Server(live_env).start()
    scheduler = Scheduler(live_env, "live")
    try:
        scheduler.wait_for(lambda s: any("running" in line for line in s.lines))
        designer = server.token("designer", "designer-demo")
        call(server.base, "POST", "/api/v1/procedures", {
            "code": "TIMED.1", "name": "Timed", "agency": "UBND.PHUHOI",
            "statutory_time": {"value": 1, "unit": "working_days"}}, designer)
        _deploy_raw(server, designer, boundary_bpmn("PT2S"))
        reception = server.token("reception", "reception-demo")
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "TIMED.1", "applicant": {"name": "A"}, "channel": "direct"}, reception)
        assert status == 201, dossier
        scheduler.wait_for(lambda s: s.fired >= 1)  # no request is made meanwhile
        [timer] = [t for t in _fired_timers(db) if t.kind == "bpmn"]
        assert timedelta(0) < timer.fired_at - timer.due_at <= timedelta(seconds=2)
        leader = server.token("leader", "leader-demo")
        _, inbox = call(server.base, "GET", "/api/v1/tasks?scope=available", token=leader)
        assert [(t["element_id"], t["dossier_code"]) for t in inbox["items"]] == [
            ("Task_Escalated", dossier["code"])]
    finally:
        scheduler.kill()
        server.kill()


def _deploy_raw(server, token, xml):
    import urllib.request
    request = urllib.request.Request(server.base + "/api/v1/procedures/TIMED.1/versions",
                                     data=xml, method="POST")
    request.add_header("Content-Type", "application/xml")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def _due_dossiers(admin_ctx, login_as, count):
    """`count` dossiers received in April 2026: each has a boundary timer and a
    dossier due timer long past by the wall clock (2 × count due timers)."""
    code = deploy_timed(login_as("designer"), duration="PT2S")
    user = get_user(admin_ctx.session, "reception")
    reception = Ctx(admin_ctx.session, admin_ctx.clock, actor_for(admin_ctx.session, user.id),
                    settings=admin_ctx.settings)
    for _ in range(count):
        intake.open_dossier(reception, code, {"name": "A"}, "direct")
    admin_ctx.session.close()
    return 2 * count


def _exactly_once(db, total):
    fired = _fired_timers(db)
    assert len(fired) == total
    events = db.scalars(select(Event).where(Event.type.in_(["timer.fired",
                                                            "dossier.overdue"]))).all()
    per_dossier = Counter((event.dossier_id, event.type) for event in events)
    assert len(events) == total and set(per_dossier.values()) == {1}
    return fired


def test_two_schedulers_fire_1000_timers_exactly_once(live_env, db, admin_ctx, login_as):
    total = _due_dossiers(admin_ctx, login_as, 500)
    env = {**live_env, "MOTCUA_TIMER_BATCH": "25"}
    changed = threading.Condition()
    pair = [Scheduler(env, "one", changed), Scheduler(env, "two", changed)]
    try:
        pair[0].wait_for(lambda _: pair[0].fired + pair[1].fired >= total)
    finally:
        for scheduler in pair:
            scheduler.kill()
    fired = _exactly_once(db, total)
    owners = Counter(timer.lock_owner for timer in fired)
    assert set(owners) <= {"one", "two"} and sum(owners.values()) == total
    assert (pair[0].fired, pair[1].fired) == (owners["one"], owners["two"])
    if db.get_bind().dialect.name == "postgresql":
        # SKIP LOCKED shares the work; SQLite's single writer may let one do it all
        assert set(owners) == {"one", "two"}


def test_killed_scheduler_timers_fire_after_its_lease(live_env, db, admin_ctx, login_as):
    total = _due_dossiers(admin_ctx, login_as, 100)
    env = {**live_env, "MOTCUA_TIMER_BATCH": "100", "MOTCUA_TIMER_LEASE_SECONDS": "3"}
    doomed = Scheduler(env, "doomed")
    doomed.wait_for(lambda s: any("timers claimed" in line for line in s.lines))
    doomed.kill()  # mid-sweep: it claimed 100 and has fired only some
    db.rollback()
    orphans = {t.id: t.lock_expires_at for t in db.scalars(select(Timer).where(
        Timer.lock_owner == "doomed", Timer.fired_at.is_(None)))}
    assert orphans, "the scheduler finished its sweep before it was killed"
    heir = Scheduler(env, "heir")
    try:
        heir.wait_for(lambda s: s.fired > 0 and len(_fired_timers(db)) >= total)
    finally:
        heir.kill()
    fired = {t.id: t for t in _exactly_once(db, total)}
    for timer_id, lease_end in orphans.items():
        assert fired[timer_id].lock_owner == "heir"
        assert fired[timer_id].fired_at >= lease_end
