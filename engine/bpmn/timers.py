"""Views of waiting BPMN timers, read from the library's task state.

When a timer event is reached SpiffWorkflow evaluates its expression and
stores the due instant in the task's `internal_data['event_value']`:
an ISO instant for durations, the evaluated text for dates, and a dict with
the next instant for cycles.  This module turns that into a `TimerView` with
an ISO due time (or None before the timer has been reached).
"""
from __future__ import annotations

from datetime import timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition, DurationTimerEventDefinition,
    TimeDateEventDefinition, TimerEventDefinition,
)

from .views import TimerView

_KINDS = (
    (TimeDateEventDefinition, "date"),
    (DurationTimerEventDefinition, "duration"),
    (CycleTimerEventDefinition, "cycle"),
)


def timer_view(task) -> TimerView | None:
    """A TimerView for a WAITING timer event task, else None."""
    definition = getattr(task.task_spec, "event_definition", None)
    kind = next((k for cls, k in _KINDS if isinstance(definition, cls)), None)
    if kind is None:
        return None
    value = task.internal_data.get("event_value")
    return TimerView(str(task.id), task.task_spec.bpmn_id, _due_at(kind, value), kind)


def shift(task, move) -> bool:
    """Give a waiting timer the due instant `move(due)` (a dossier waited:
    its timers wait too); whether it moved."""
    view = timer_view(task)
    if view is None or view.due_at is None:
        return False
    due = TimerEventDefinition.get_datetime(view.due_at)
    moved = move(due)
    if moved == due:
        return False
    value = task.internal_data["event_value"]
    text = moved.isoformat()
    task.internal_data["event_value"] = {**value, "next": text} if view.kind == "cycle" else text
    return True


def _due_at(kind: str, value) -> str | None:
    if value is None:
        return None
    if kind == "cycle":
        return value.get("next") if value.get("cycles") != 0 else None
    if kind == "date":
        # The stored value is the evaluated expression; normalise it to UTC
        # the way the library will when it compares.
        try:
            return TimerEventDefinition.get_datetime(str(value)).isoformat()
        except ValueError:
            return str(value)
    return str(value)


def duration_after(expression: str, start) -> timedelta:
    """The length of an ISO 8601 duration (`PT5M`, `P1D`, `P1M`) counted from `start`."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(expression)
    except Exception as exc:  # the library raises a bare Exception
        raise ValueError(f"not an ISO 8601 duration: {expression!r}") from exc
    return TimerEventDefinition.get_timedelta_from_start(parsed, start)
