"""Plain value objects that leave the BPMN package.

Everything the rest of the platform receives from `engine.bpmn` is one of
these frozen dataclasses (or a dict / str): problems found in an uploaded
diagram, the facts extracted from a compiled diagram, and views of the
running tasks and timers of a workflow instance.  No SpiffWorkflow object is
ever reachable from them, so callers cannot come to depend on the library.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding about an uploaded diagram."""

    element_id: str | None
    line: int | None
    message: str


@dataclass(frozen=True)
class UserTaskSpec:
    """What the platform needs to know about one user task of a diagram."""

    element_id: str
    name: str
    lane: str | None
    candidate_groups: tuple[str, ...]
    form_key: str | None
    allotment: str | None
    line: int | None
    # a life-cycle step the platform itself drives (e.g. "supplement"), or None
    lifecycle: str | None = None


@dataclass(frozen=True)
class CompiledDiagram:
    """The result of a successful `compile_diagram`."""

    process_id: str
    process_name: str | None
    checksum: str
    spec_json: str
    user_tasks: tuple[UserTaskSpec, ...]
    lanes: tuple[str, ...]
    warnings: tuple[Problem, ...]
    # (source, target) of every sequence flow, and (activity, boundary event)
    flows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TaskView:
    """A READY human task (user or manual task) of a running instance."""

    id: str
    element_id: str
    name: str
    lane: str | None
    data: dict


@dataclass(frozen=True)
class TimerView:
    """A timer event that is WAITING; `due_at` is an ISO instant once known."""

    task_id: str
    element_id: str
    due_at: str | None
    kind: str
