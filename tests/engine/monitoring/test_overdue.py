"""engine.monitoring.overdue called directly: who may ask, the `within`
threshold, and the clock's running rule shared with `GET /dossiers?overdue=true`."""
from datetime import timedelta

import pytest

from engine.deadlines.worktime import build_calendar
from engine.kernel.context import Actor, Ctx
from engine.kernel.errors import Forbidden, Invalid
from engine.kernel.settings import Settings
from engine.monitoring import overdue


def _ctx(admin_ctx, *roles, units=()):
    actor = Actor(username="someone", id=None, roles=frozenset(roles), unit_codes=units)
    return Ctx(admin_ctx.session, admin_ctx.clock, actor, admin_ctx.settings)


@pytest.mark.parametrize("roles", [(), ("officer",), ("reception", "designer")])
def test_only_supervisors_leaders_and_admins_may_ask(admin_ctx, roles):
    with pytest.raises(Forbidden):
        overdue.overdue(_ctx(admin_ctx, *roles))


@pytest.mark.parametrize("roles", [("supervisor",), ("leader",), ("admin",)])
def test_an_empty_platform_has_an_empty_list(admin_ctx, roles):
    assert overdue.overdue(_ctx(admin_ctx, *roles, units=("UBND",))) == {
        "items": [], "page": 1, "per_page": 50, "total": 0}


@pytest.mark.parametrize("text, hours", [("4h", 4), ("0.5d", 4), ("2d", 16), ("0h", 0)])
def test_within_is_working_time(text, hours):
    assert overdue._within(text, build_calendar()) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["4", "x", "-1h", "61d", "1w"])
def test_a_bad_within_is_invalid(text):
    with pytest.raises(Invalid):
        overdue._within(text, build_calendar())


def test_the_default_threshold_is_half_a_working_day():
    assert overdue._within(Settings().near_due, build_calendar()) == timedelta(hours=4)


def test_the_default_horizon_is_the_setting_and_only_the_caller_is_capped(admin_ctx, demo):
    """`MOTCUA_NEAR_DUE` past the query's cap still serves the list; the cap
    answers a caller's `within`, naming it."""
    from dataclasses import replace
    settings = replace(admin_ctx.settings, near_due="61d")
    ctx = Ctx(admin_ctx.session, admin_ctx.clock, admin_ctx.actor, settings=settings)
    assert overdue.overdue(ctx)["total"] == 0
    with pytest.raises(Invalid) as refused:
        overdue.overdue(ctx, within="61d")
    assert refused.value.errors == [{"field": "within", "message": "at most 60d"}]
