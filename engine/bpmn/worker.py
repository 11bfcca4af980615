"""The inside of a script worker process (`sandbox.py` is the calling side).

A worker bounds its own memory once (RLIMIT_AS) and, before each request,
its CPU time (RLIMIT_CPU: the seconds used so far plus the bound; past it the
kernel sends SIGXCPU, which ends the process even inside one C call). It
compiles the code with the package policy and runs it with RestrictedPython's
guards and safe builtins (`sandbox_builtins`) under the instruction budget
(`run_bounded`), so `while True: pass` fails in a fraction of a second.
Answers are JSON: an expression's value, or the names a script set (only
those whose value changed) and deleted. What a script stores must be plain
JSON data, without NaN or Infinity, and at most `output_bytes` of it;
anything else is refused with a message naming the variable.
"""
from __future__ import annotations

import builtins
import json
import math
import operator
import pickle
import resource
import signal
import sys

from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
    safe_builtins, safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector

from .policy import FILENAME, FORBIDDEN_NAMES, compile_checked

MiB = 1024 * 1024
MAX_MESSAGE = 1000  # characters of an error message sent back
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


class ScriptDataRefused(Exception):
    """A stored value (or an expression's value) that is not plain JSON data."""


class ScriptDataTooLarge(ScriptDataRefused):
    """More than the output bound of JSON stored at once."""


def serve(conn, memory_bytes: int) -> None:
    """A worker's life: bound its memory, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the parent
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU must not write core files
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    conn.send_bytes(b'{"ready":true}')
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return
        conn.send_bytes(answer(request, memory_bytes // MiB))


def answer(blob: bytes, memory_mb: int) -> bytes:
    """One request, `(mode, source, pickled scope, external, helpers, cpu, output_bytes)`,
    answered as JSON: `{"value"}`, `{"set", "del"}` or `{"error"}`."""
    try:
        mode, source, scope_blob, external, helpers, cpu, output_bytes = pickle.loads(blob)
        bound_cpu(cpu)
        code = compile_checked(source, mode)
        names = {**external, **pickle.loads(scope_blob), "__builtins__": _builtins(helpers)}
        if mode == "eval":
            value = run_bounded(lambda: eval(code, names))  # restricted, policy-checked code
            return _encode_value(value, output_bytes)
        run_bounded(lambda: exec(code, names))  # restricted, policy-checked code
        before = pickle.loads(scope_blob)  # a pristine copy: lists may have changed in place
        return _encode_changes(before, names, set(external), output_bytes)
    except MemoryError:
        # the allocation that failed is gone; a fresh worker all the same
        return _error(f"MemoryError: the script needed more than {memory_mb} MiB", retire=True)
    except Exception as err:  # noqa: BLE001 - every failure goes back as its message
        return _error(describe(err))


def bound_cpu(seconds: float) -> None:
    """RLIMIT_CPU counts whole seconds of the process's life: allow `seconds` more
    (up to one second more, as the limit is whole seconds)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _error(message: str, retire: bool = False) -> bytes:
    body = {"error": message[:MAX_MESSAGE]}
    if retire:
        body["retire"] = True
    return json.dumps(body).encode()


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
    """Call `func()` counting the instructions this thread runs in the
    diagram's own code (the platform's helpers and guards it calls are not
    counted: a helper's first call of a year reads that year's holidays);
    past `limit` the script is stopped with ScriptTimeout."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "opcode":
            count += 1
            if count > limit:
                raise BudgetExceeded()
        return local

    def on_call(frame, event, arg):
        if frame.f_code.co_filename != FILENAME:
            return None  # trusted code: bounded by the CPU limit, not counted
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


def describe(err: BaseException) -> str:
    """`ClassName: text`, the only form in which script errors leave."""
    text = str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


_BASE_BUILTINS = sandbox_builtins({})


def _builtins(helpers) -> dict:
    return {**_BASE_BUILTINS, **helpers} if helpers else _BASE_BUILTINS


class _NotData(TypeError):
    pass


def _as_list(value):
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise _NotData(f"a {type(value).__name__}")


def _json(value, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"),
                          default=_as_list)
    except _NotData as err:
        raise ScriptDataRefused(f"{what} holds {err}, which is not plain data") from None
    except (TypeError, ValueError) as err:
        if "Out of range float" in str(err):
            raise ScriptDataRefused(f"{what} holds NaN or Infinity, which is not JSON") from None
        raise ScriptDataRefused(f"{what} cannot be stored: {err}") from None


def _encode_value(value, output_bytes: int) -> bytes:
    text = _json(value, "the expression's value")
    if len(text) > output_bytes:
        raise ScriptDataTooLarge(f"the expression's value is over {output_bytes:,} bytes of JSON")
    return ('{"value":' + text + "}").encode()


def _encode_changes(before: dict, after: dict, external: set, output_bytes: int) -> bytes:
    """JSON of the names the script set (those whose value changed) and deleted."""
    changed, size = [], 0
    for name, value in after.items():
        if name == "__builtins__" or name in external or callable(value):
            continue  # not data: the script's own functions, what it was lent
        if name in before and _same(before[name], value):
            continue
        if isinstance(value, str) and len(value) > output_bytes:  # before encoding it
            raise ScriptDataTooLarge(f"'{name}' is over {output_bytes:,} bytes of JSON")
        text = _json(value, f"'{name}'")
        size += len(text.encode()) + len(name) + 4
        if size > output_bytes:
            raise ScriptDataTooLarge(f"the script stored over {output_bytes:,} bytes of JSON "
                                     f"(reached at '{name}')")
        changed.append(json.dumps(name, ensure_ascii=False) + ":" + text)
    deleted = [name for name in before if name not in after]
    return ('{"set":{' + ",".join(changed) + '},"del":' + json.dumps(deleted) + "}").encode()


def _same(old, new) -> bool:
    try:
        return type(old) is type(new) and old == new
    except RecursionError:
        return False
