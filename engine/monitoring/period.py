"""The period of a supervisor's report (`from`, `to`): whole days in Vietnam time,
both included, as the half-open span of instants [start, end) that queries compare
stored instants with.

Owns the defaults (the 30 days ending today, by the platform's clock) and the
checks every report shares: `from` not after `to`, at most 366 days, and dates whose
midnight an instant can hold. A bad period is an `Invalid` naming the field.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from ..kernel.clock import VN
from ..kernel.errors import Invalid

DEFAULT_DAYS = 30  # the default period: this many days, today the last
MAX_DAYS = 366  # a year, a leap one included
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)  # no instant overflows between


@dataclass(frozen=True)
class Period:
    start: datetime  # the first day's midnight (aware, UTC)
    end: datetime  # the midnight after the last day: not in the period
    date_from: date
    date_to: date


def period(ctx, date_from: date | None = None, date_to: date | None = None) -> Period:
    """The period from `date_from` to `date_to`, both included (defaults: `to`
    today, `from` 29 days before `to`); `Invalid` naming the field when it is not one."""
    for name, day in (("from", date_from), ("to", date_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            _invalid(name, f"must lie between {EARLIEST} and {LATEST}")
    given_to = date_to is not None
    date_to = date_to or ctx.now().astimezone(VN).date()
    date_from = date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        _invalid("from", "must not be after to" if given_to else "must not be after today")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        _invalid("to" if given_to else "from", f"at most {MAX_DAYS} days from from to to, "
                                               "both included")
    return Period(_midnight(date_from), _midnight(date_to + timedelta(days=1)),
                  date_from, date_to)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), VN).astimezone(timezone.utc)


def _invalid(name, message):
    raise Invalid(f"{name}: {message}.", [{"field": name, "message": message}])
