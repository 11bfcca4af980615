"""The heatmap's arithmetic without HTTP: the percentile; the period's bounds
and checks."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from engine.kernel.clock import FrozenClock
from engine.kernel.context import Ctx
from engine.kernel.errors import Invalid
from engine.monitoring.heatmap import _mean, _percentile
from engine.monitoring.period import period

from ...conftest import VN


def vn(month, day, hour=0, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.mark.parametrize("values, mean, p90", [
    ([], None, None),
    ([3.0], 3.0, 3.0),
    ([2.0, 1.5], 1.75, 1.95),
    ([float(n) for n in range(1, 11)], 5.5, 9.1),
    ([0.0, 0.0, 0.0, 10.0], 2.5, 7.0),
])
def test_mean_and_percentile(values, mean, p90):
    assert (_mean(values), _percentile(values, 0.9)) == (mean, p90)


def _ctx(now):
    return Ctx(session=None, clock=FrozenClock(now))


def test_a_period_is_whole_vietnamese_days():
    span = period(_ctx(vn(5, 12, 0, 30)), date(2026, 5, 1), date(2026, 5, 12))
    assert (span.start, span.end) == (vn(5, 1), vn(5, 13))
    assert span.start.utcoffset() == timedelta(0)  # UTC instants, as stored
    assert (span.date_from, span.date_to) == (date(2026, 5, 1), date(2026, 5, 12))


def test_the_default_period_ends_today_in_vietnam():
    span = period(_ctx(datetime(2026, 5, 11, 17, 30, tzinfo=timezone.utc)))  # 00:30 in VN
    assert (span.date_from, span.date_to) == (date(2026, 4, 13), date(2026, 5, 12))
    assert period(_ctx(vn(5, 12)), None, date(2026, 3, 31)).date_from == date(2026, 3, 2)


@pytest.mark.parametrize("given, field", [
    ((date(2026, 5, 2), date(2026, 5, 1)), "from"),
    ((date(2026, 5, 13), None), "from"),
    ((date(2025, 5, 11), date(2026, 5, 11)), None),  # 366 days: allowed
    ((date(2025, 5, 10), date(2026, 5, 11)), "to"),
    ((date(2025, 5, 10), None), "from"),
    ((date(1, 1, 1), date(2026, 1, 1)), "from"),
    ((None, date.max), "to"),
])
def test_a_bad_period_names_its_field(given, field):
    ctx = _ctx(datetime.combine(date(2026, 5, 12), time(10), VN))
    if field is None:
        assert period(ctx, *given).date_from == given[0]
        return
    with pytest.raises(Invalid) as raised:
        period(ctx, *given)
    assert [item["field"] for item in raised.value.errors] == [field]
