"""Exceptions raised by the BPMN package.

They carry plain data only (problems, element ids, messages) so that the
platform's error mapping can turn them into responses without knowing
anything about SpiffWorkflow.
"""
from __future__ import annotations

from .views import Problem


class DiagramRejected(Exception):
    """An uploaded diagram cannot be deployed; `problems` lists every reason."""

    def __init__(self, problems: list[Problem], *, too_large: bool = False):
        self.problems = list(problems)
        self.too_large = too_large
        super().__init__(self._summary())

    def _summary(self) -> str:
        first = self.problems[0]
        where = f" ({first.element_id})" if first.element_id else ""
        more = len(self.problems) - 1
        tail = f" and {more} more problem(s)" if more else ""
        return f"diagram rejected: {first.message}{where}{tail}"


class ScriptFailed(Exception):
    """A script, condition or expression failed while the instance ran."""

    def __init__(self, element_id: str | None, message: str):
        self.element_id = element_id
        self.message = message
        super().__init__(f"{element_id or 'process'}: {message}")


class TaskNotReady(Exception):
    """`complete()` was asked for a task that is unknown or not READY."""
