"""The restricted script engine that runs a diagram's Python.

SpiffWorkflow evaluates conditions and timer expressions and executes script
tasks through a script engine.  This module supplies one that compiles with
the package policy (RestrictedPython plus our own refusals), runs with a
small set of safe builtins and RestrictedPython's guards, and bounds each run
by counting the instructions it runs, so `while True: pass` fails instead of hanging.
Platform functions (e.g. working-day helpers) are passed in as builtins so
they never land in task data.
"""
from __future__ import annotations

import builtins
import operator
import sys

from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
    safe_builtins, safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .policy import FORBIDDEN_NAMES, compile_checked

# Counted in bytecode instructions, not lines: CPython emits no line event
# for a one-line `while True: pass`.  2M instructions take ~0.15 s traced.
MAX_STEPS = 2_000_000
_EXTRA_BUILTINS = (
    "min", "max", "sum", "len", "sorted", "any", "all", "dict", "list", "round",
    "abs", "enumerate", "range", "zip", "str", "int", "float", "bool", "tuple",
    "reversed", "map", "filter", "isinstance",
)
_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
    "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
    "**=": operator.ipow, "|=": operator.ior, "&=": operator.iand,
    "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}


class BudgetExceeded(BaseException):
    """Raised inside a script that ran too long.  A BaseException so that a
    script's `except Exception` cannot swallow it (the policy forbids
    naming BaseException or a bare except)."""


class ScriptTimeout(Exception):
    """What callers see once the budget exception has left the script."""


class ScriptError(WorkflowTaskException):
    """A script failure with a clean one-line message (no traceback)."""

    def __init__(self, message, task, exception):
        super().__init__(message, task=task, exception=exception)
        self.clean_message = message


def _inplacevar(op, target, value):
    return _INPLACE[op](target, value)


def _apply(func, *args, **kwargs):
    return func(*args, **kwargs)


def sandbox_builtins(functions: dict) -> dict:
    """The `__builtins__` of every script: safe names, guards, functions."""
    names = {k: v for k, v in safe_builtins.items() if k not in FORBIDDEN_NAMES}
    names.pop("__build_class__", None)
    names.update({name: getattr(builtins, name) for name in _EXTRA_BUILTINS})
    names.update({
        "_getattr_": safer_getattr, "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter, "_write_": full_write_guard,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_inplacevar_": _inplacevar, "_apply_": _apply, "_print_": PrintCollector,
    })
    names.update(functions)
    return names


def run_bounded(func, limit: int = MAX_STEPS):
    """Call `func()` counting the instructions this thread runs in Python
    frames; past `limit` the script is stopped with ScriptTimeout."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "opcode":
            count += 1
            if count > limit:
                raise BudgetExceeded()
        return local

    def on_call(frame, event, arg):
        frame.f_trace_opcodes = True
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        result = func()
    except BudgetExceeded:
        raise ScriptTimeout(f"the script ran more than {limit} steps") from None
    finally:
        sys.settrace(previous)
    # CPython unsets a tracer that raises; if the script still finished,
    # it overran all the same.
    if count > limit:
        raise ScriptTimeout(f"the script ran more than {limit} steps")
    return result


class RestrictedEnvironment(TaskDataEnvironment):
    """Task data as globals, sandboxed builtins, bounded run time."""

    def __init__(self, functions: dict | None = None):
        super().__init__(dict(functions or {}))
        self._builtins = sandbox_builtins(self.globals)

    def evaluate(self, expression, context, external_context=None):
        code = compile_checked(expression, "eval")
        scope = dict(external_context or {})
        scope.update(context)
        scope["__builtins__"] = self._builtins
        return run_bounded(lambda: eval(code, scope))

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compile_checked(script, "exec")
        context.update(external_context or {})
        context["__builtins__"] = self._builtins
        try:
            run_bounded(lambda: exec(code, context))
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """A script engine whose errors carry a clean `Class: text` message."""

    def __init__(self, functions: dict | None = None):
        super().__init__(environment=RestrictedEnvironment(functions))

    def validate(self, expression):
        compile_checked(expression, "eval")

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except Exception as err:
            raise ScriptError(describe(err), task, err) from None

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as err:
            raise ScriptError(describe(err), task, err) from None


def describe(err: BaseException) -> str:
    """`ClassName: text`, the only form in which script errors leave."""
    text = str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
