"""Routes SpiffWorkflow's timer evaluation through the platform clock.

SpiffWorkflow's timer module asks `datetime` for the current UTC time and takes
no clock parameter. `use_clock(clock)` replaces that module's `datetime` with a
subclass whose `now()` asks the platform clock; it is the one place this is
done. The swap is process-wide, as the platform clock is.
"""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_state = {"clock": None}


class _PlatformDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        instant = _state["clock"].now()  # installed only together with a clock
        return instant.astimezone(tz) if tz is not None else instant


def use_clock(clock) -> None:
    """Make every BPMN timer compare against `clock.now()`."""
    _state["clock"] = clock
    _timer_module.datetime = _PlatformDatetime
