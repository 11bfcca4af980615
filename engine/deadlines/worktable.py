"""Working-time maths by look-up, cheap enough for many instants at once.

The data generator computes every due time the services would (the statutory
clock, each step's allotment, the escalation ladder) for 100,000 dossiers, and
the overdue list and the heatmap measure working time for many rows; walking
the calendar session by session for each (`engine.deadlines.worktime`) would
take most of the time. `WorkTable` lays the office sessions of a span of days out
once, with the working time elapsed before each, so "the working time before an
instant" and "the instant when that much has elapsed" are a bisection. It
answers exactly as the functions it stands for (tests compare them on many
instants): `add` is `add_working_time`, `between` is `working_time_between`,
`next_working` is `next_working_instant`, `statutory_due`, `step_due` and
`ladder` are those of `engine.deadlines.ladder`. Offsets are whole microseconds
of working time, so no float rounding creeps in.
"""
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta, timezone

from .ladder import Rung
from .worktime import add_calendar_days, parse_amount

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICRO = timedelta(microseconds=1)
MARGIN_DAYS = 31  # longer than any run of days off (Lunar New Year and its weekends)


def micros(instant: datetime) -> int:
    """An aware instant as whole microseconds since the epoch."""
    return (instant - EPOCH) // MICRO


class WorkTable:
    """The office sessions of the working days from `first` to `last` (inclusive),
    each with the working time elapsed before it."""

    def __init__(self, cal, first: date, last: date):
        self.cal, self.zone = cal, cal.zone
        self.day_length = cal.day_length
        self.starts, self.ends, self.before, self.after = [], [], [], []
        self.opens = []  # each session's start as a local instant
        self.days = []  # working days, in order
        self._amounts = {}
        elapsed, day = 0, first
        while day <= last:
            if cal.is_working_day(day):
                self.days.append(day)
                for start, end in cal.sessions:
                    self.opens.append(datetime.combine(day, start, self.zone))
                    begin = micros(self.opens[-1])
                    finish = micros(datetime.combine(day, end, self.zone))
                    self.starts.append(begin)
                    self.ends.append(finish)
                    self.before.append(elapsed)
                    elapsed += finish - begin
                    self.after.append(elapsed)
            day += timedelta(days=1)

    @classmethod
    def spanning(cls, cal, instants) -> "WorkTable":
        """A table for working time between any of `instants` (some days either
        side, so that the next working session after the last one is in it)."""
        days = [instant.astimezone(cal.zone).date() for instant in instants]
        return cls(cal, min(days) - timedelta(days=1), max(days) + timedelta(days=MARGIN_DAYS))

    def _at(self, index: int, value: int) -> datetime:
        """`value` (microseconds since the epoch) within session `index`, in local time,
        counted from the session's start as `add_working_time` counts."""
        return self.opens[index] + timedelta(microseconds=value - self.starts[index])

    def _session_after(self, value: int) -> int:
        """The first session that ends after `value` (microseconds since the epoch)."""
        index = bisect_right(self.ends, value)
        if index >= len(self.ends):
            raise ValueError("an instant past the table's last day")
        return index

    def offset(self, instant: datetime) -> int:
        """Working time (microseconds) elapsed before `instant`, since the table's start."""
        value = micros(instant)
        index = self._session_after(value)
        return self.before[index] + max(0, value - self.starts[index])

    def instant(self, offset: int) -> datetime:
        """When `offset` of working time has elapsed: a session's end rather than the
        next one's start, as `add_working_time` answers."""
        index = bisect_left(self.after, offset)
        if index >= len(self.after):
            raise ValueError("a working time past the table's last day")
        return self._at(index, self.starts[index] + offset - self.before[index])

    def next_working(self, instant: datetime) -> datetime:
        value = micros(instant)
        index = self._session_after(value)
        if value <= self.starts[index]:
            return self.opens[index]
        return instant.astimezone(self.zone)

    def add(self, instant: datetime, amount: timedelta) -> datetime:
        if amount < timedelta():
            raise ValueError("working time to add must not be negative")
        if amount == timedelta():
            return self.next_working(instant)
        return self.instant(self.offset(instant) + amount // MICRO)

    def between(self, start: datetime, end: datetime) -> timedelta:
        if end < start:
            return -self.between(end, start)
        return timedelta(microseconds=self.offset(end) - self.offset(start))

    def amount(self, text: str) -> timedelta:
        if text not in self._amounts:
            self._amounts[text] = parse_amount(text, self.cal)
        return self._amounts[text]

    def statutory_due(self, start: datetime, value: int, unit: str) -> datetime:
        if unit == "working_days":
            return self.add(start, self.day_length * value)
        if unit == "hours":
            return self.add(start, timedelta(hours=value))
        return add_calendar_days(start, value, self.cal)

    def step_due(self, opened: datetime, allotment: str | None):
        return self.add(opened, self.amount(allotment)) if allotment else None

    def ladder(self, opened: datetime, due: datetime, policy) -> list[Rung]:
        allotted = self.between(opened, due)
        rungs = []
        if policy.remind_at and allotted > timedelta():
            rungs.append(Rung("reminder", self.add(opened, allotted * policy.remind_at)))
        rungs.append(Rung("step_due", due))
        if policy.escalate_after:
            rungs.append(Rung("escalation", self.add(due, self.amount(policy.escalate_after))))
        return rungs

    def day_start(self, day: date) -> int:
        """The working offset at the first session of `day` (or the next working day)."""
        return self.offset(datetime.combine(day, self.cal.sessions[0][0], self.zone))
