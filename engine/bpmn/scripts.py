"""The restricted script engine that runs a diagram's Python.

SpiffWorkflow evaluates conditions, timer and multi-instance expressions and
executes script tasks through a script engine. This one checks the code with
the package policy here (smuggled code fails before anything runs), then has
it run by a bounded worker process (`sandbox.py`: CPU, memory, wall time,
size of what it stores) with only the task data the code names; a script's
changes come back and are merged into the task's data. Platform functions
(working-day helpers) are builtins of the worker, so they never land in task
data, and are made only when the code names one. Besides each evaluation's
own bounds, all the code of one engine call (a completion, a run) together
has the wall-time bound of one evaluation. A
multi-instance activity asking for more instances than the bound is refused
before the library builds them.
"""
from __future__ import annotations

import time
from collections.abc import Sized
from functools import lru_cache
from types import CodeType

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask, ParallelMultiInstanceTask, SequentialMultiInstanceTask,
)

from . import sandbox
from .policy import compile_checked
from .worker import MAX_STEPS, ScriptTimeout, run_bounded, sandbox_builtins  # noqa: F401
from .worker import describe as _describe


class ScriptError(WorkflowTaskException):
    """A script failure with a clean one-line message (no traceback)."""

    def __init__(self, message, task, exception=None):
        super().__init__(message, task=task, exception=exception)
        self.clean_message = message


def describe(err: BaseException) -> str:
    """`ClassName: text`, the only form in which script errors leave."""
    return err.message if isinstance(err, sandbox.ScriptRefused) else _describe(err)


@lru_cache(maxsize=2048)
def code_names(source: str, mode: str) -> frozenset:
    """Every name the code (and its nested functions) may read or bind."""
    found, stack = set(), [compile_checked(source, mode)]
    while stack:
        code = stack.pop()
        found.update(code.co_names)
        stack.extend(c for c in code.co_consts if isinstance(c, CodeType))
    return frozenset(found)


def _only(data, names) -> dict:
    return {name: data[name] for name in names if name in data} if data else {}


class RestrictedEnvironment(TaskDataEnvironment):
    """Task data as globals, sandboxed builtins, the code run in a bounded worker."""

    def __init__(self, functions=None, bounds: sandbox.Bounds | None = None):
        super().__init__({})
        self.functions = functions if functions is not None else {}
        self.bounds = bounds or sandbox.Bounds()
        self._spent = 0.0

    def begin(self) -> None:
        """A new engine call: a fresh wall-time budget for all its code."""
        self._spent = 0.0

    def _bounded(self, run, *args):
        """`run(*args, bounds, wall)`, with `wall` what is left of the budget."""
        started = time.monotonic()
        try:
            return run(*args, self.bounds, self.bounds.wall_seconds - self._spent)
        finally:
            self._spent += time.monotonic() - started

    def _helpers(self, names) -> dict | None:
        wanted = names.intersection(self.functions)
        return {name: self.functions[name] for name in sorted(wanted)} if wanted else None

    def evaluate(self, expression, context, external_context=None):
        names = code_names(expression, "eval")
        return self._bounded(sandbox.evaluate, expression, _only(context, names),
                             _only(external_context, names), self._helpers(names))

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        names = code_names(script, "exec")
        changed, deleted = self._bounded(sandbox.execute, script, _only(context, names),
                                         _only(external_context, names), self._helpers(names))
        context.update(changed)
        for name in deleted:
            context.pop(name, None)
        return True

    def check_for_overwrite(self, context, external_context):
        clash = set(self.functions).intersection(context)
        clash.update(set(external_context).intersection(context))
        if clash:
            raise ValueError(f"You have task data that overwrites a predefined function(s). "
                             f"Please change the following variable or field name(s) to "
                             f"something else: {clash}")


class RestrictedScriptEngine(PythonScriptEngine):
    """A script engine whose errors carry a clean `Class: text` message."""

    def __init__(self, functions=None, bounds: sandbox.Bounds | None = None):
        super().__init__(environment=RestrictedEnvironment(functions, bounds))

    def begin(self) -> None:
        self.environment.begin()

    def validate(self, expression):
        compile_checked(expression, "eval")

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except sandbox.SandboxUnavailable:
            raise
        except Exception as err:
            raise ScriptError(describe(err), task, err) from None
        if getattr(task.task_spec, "cardinality", None) == expression:
            _check_instances(task, value, self.environment.bounds.max_instances)
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except sandbox.SandboxUnavailable:
            raise
        except Exception as err:
            raise ScriptError(describe(err), task, err) from None


def _check_instances(task, value, limit: int) -> None:
    """Refuse a multi-instance activity of more than `limit` instances (the
    library's cost grows with the square of their number)."""
    if not isinstance(task.task_spec, MultiInstanceTask):
        return
    if isinstance(value, int) and not isinstance(value, bool):
        count = value
    elif isinstance(value, Sized):
        count = len(value)
    else:
        return
    if count > limit:
        task.error()  # stopped here, so that a retry with other data starts from it
        raise ScriptError(f"TooManyInstances: {count:,} instances asked, at most {limit:,}",
                          task)


def bound_multi_instances(specs) -> None:
    """Check the input collection of every multi-instance activity of `specs`
    before its instances are made (the cardinality is checked when evaluated).
    Specs are shared by every instance of a version: wrap each once."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, ParallelMultiInstanceTask):
                _wrap(task_spec, "create_children")
            elif isinstance(task_spec, SequentialMultiInstanceTask):
                _wrap(task_spec, "init_remaining_items")


def _wrap(task_spec, method: str) -> None:
    if method in vars(task_spec):
        return
    original = getattr(task_spec, method)

    def bounded(my_task):
        ref = task_spec.data_input
        if ref is not None and ref.exists(my_task):
            limit = my_task.workflow.script_engine.environment.bounds.max_instances
            _check_instances(my_task, ref.get(my_task), limit)
        return original(my_task)
    setattr(task_spec, method, bounded)
