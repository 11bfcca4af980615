"""The statutory clock: pause and resume keep the working time left, restart
gives the full time again, and there is one extension, asked in time."""
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.deadlines import statutory
from engine.dossier import intake
from engine.deadlines.worktime import VN
from engine.kernel.context import Ctx
from engine.kernel.errors import Conflict, Invalid
from engine.people.directory import actor_for, get_user
from engine.store.timers import Timer
from engine.kernel.uow import unit_of_work


def at(m, d, hh, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def dossier(household, admin_ctx, clock):
    clock.set(at(5, 4, 9))  # Monday 4 May 09:00; 3 working days -> Thursday 7 May 09:00
    user = get_user(admin_ctx.session, "reception")
    ctx = Ctx(admin_ctx.session, clock, actor_for(admin_ctx.session, user.id),
              settings=admin_ctx.settings)
    return intake.open_dossier(ctx, household, {"name": "A"}, "direct",
                               handling_unit="UBND.PHUHOI")


def _run(ctx, fn, dossier, *args):
    with unit_of_work(ctx) as session:
        fn(ctx, session.merge(dossier), *args)
    return session.scalars(select(type(dossier)).where(type(dossier).id == dossier.id)).one()


def _due_timer(session, dossier):
    session.rollback()
    return session.scalars(select(Timer.due_at).where(
        Timer.dossier_id == dossier.id, Timer.kind == "dossier_due",
        Timer.cancelled_at.is_(None))).all()


def test_pause_and_resume_keep_the_time_left(dossier, admin_ctx, clock):
    assert dossier.due_at == at(5, 7, 9)
    clock.set(at(5, 5, 9))  # one working day used, two left
    paused = _run(admin_ctx, statutory.pause, dossier)
    assert paused.clock_state == "paused" and paused.clock_remaining_seconds == 16 * 3600
    assert _due_timer(admin_ctx.session, dossier) == []
    clock.set(at(5, 11, 13))  # resumed the next Monday afternoon
    resumed = _run(admin_ctx, statutory.resume, dossier)
    assert resumed.clock_state == "running" and resumed.due_at == at(5, 13, 11, 30)
    assert _due_timer(admin_ctx.session, dossier) == [at(5, 13, 11, 30)]


def test_restart_gives_the_full_time_again(dossier, admin_ctx, clock):
    clock.set(at(5, 6, 14))
    restarted = _run(admin_ctx, statutory.start, dossier)
    assert restarted.due_at == at(5, 11, 14)
    assert restarted.clock_started_at == at(5, 6, 14)


def test_one_extension_asked_in_time(dossier, admin_ctx, clock):
    clock.set(at(5, 6, 8))  # 9 working hours before the due time
    extended = _run(admin_ctx, statutory.extend, dossier, at(5, 11, 17), "site visit")
    assert extended.extended_to == extended.due_at == at(5, 11, 17)
    with pytest.raises(Conflict, match="already been extended"):
        _run(admin_ctx, statutory.extend, extended, at(5, 14, 17), "again")


def test_extension_too_late_is_refused(dossier, admin_ctx, clock):
    clock.set(at(5, 6, 10))  # 7 working hours left: less than a working day
    with pytest.raises(Conflict, match="1 working day"):
        _run(admin_ctx, statutory.extend, dossier, at(5, 12, 17), "late")
    clock.set(at(5, 8, 10))  # after the due time
    with pytest.raises(Conflict):
        _run(admin_ctx, statutory.extend, dossier, at(5, 12, 17), "later")
    admin_ctx.session.rollback()
    assert admin_ctx.session.get(type(dossier), dossier.id).due_at == at(5, 7, 9)


@pytest.mark.parametrize("new_due, why", [
    (at(5, 10, 10), "office hours"),  # a Sunday
    (at(5, 8, 12), "office hours"),  # Friday's lunch break
    (at(5, 12, 9, 30), "at most"),  # past the due time plus 3 working days (12 May 09:00)
    (datetime(2099, 12, 31, 23, tzinfo=VN), "office hours"),
    (at(5, 7, 8), "later than the current due time"),
])
def test_extension_dates_are_checked(dossier, admin_ctx, clock, new_due, why):
    clock.set(at(5, 6, 8))  # in time: 9 working hours before the due time (7 May 09:00)
    with pytest.raises(Invalid, match=why):
        _run(admin_ctx, statutory.extend, dossier, new_due, "bad date")
    admin_ctx.session.rollback()
    unchanged = admin_ctx.session.get(type(dossier), dossier.id)
    assert (unchanged.due_at, unchanged.extended_to) == (at(5, 7, 9), None)
    latest = _run(admin_ctx, statutory.extend, unchanged, at(5, 12, 9), "the last instant")
    assert latest.due_at == at(5, 12, 9)


def test_clock_changes_need_the_right_state(dossier, admin_ctx, clock):

    with pytest.raises(Conflict, match="running"):
        _run(admin_ctx, statutory.resume, dossier)
    with pytest.raises(Invalid):
        _run(admin_ctx, statutory.extend, dossier, at(5, 5, 9), "earlier than due")
    paused = _run(admin_ctx, statutory.pause, dossier)
    with pytest.raises(Conflict, match="paused"):
        _run(admin_ctx, statutory.pause, paused)
    with pytest.raises(Conflict, match="paused"):
        _run(admin_ctx, statutory.extend, paused, at(5, 20, 17), "while paused")
