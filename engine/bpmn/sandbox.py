"""Diagram code in worker processes that the operating system bounds.

Scripts, conditions, timer and multi-instance expressions run in a few
long-lived worker processes (`worker.py` is their inside), never in the
process that serves requests or fires timers: a single C call such as
`sum(range(10**10))` holds a worker, not the server's threads nor the GIL.
Workers come from a fork server (a fresh interpreter that imported the engine
once; never a fork of a threaded web worker); like every multiprocessing
child they import the parent's main module as `__mp_main__`, which the
platform's entry points guard. Each runs under RLIMIT_AS (memory); before
each evaluation its RLIMIT_CPU is set to the CPU time it has used plus the
bound, so the kernel ends a runaway call (SIGXCPU); the caller waits at most
the wall bound, then kills it. A dead worker is replaced at the next call.
Requests are pickled by the trusted side; answers come back as JSON, never as
a pickle, and bounded: what a script stores is at most `output_bytes` of JSON,
without NaN or Infinity. Every failure is a `ScriptRefused` whose message is
`Class: text`; `SandboxUnavailable` is the platform's failure, not the code's.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from . import worker as _inside
from .worker import MiB, describe

START_SECONDS = 60  # a worker's start (the fork server's first start imports the engine)
WORKERS = 4  # per process at most; more callers at once wait for one (not timed)
WAIT_SECONDS = 120  # ... but not for ever: the platform is overloaded, not the diagram


@dataclass(frozen=True)
class Bounds:
    """What one evaluation of diagram code may use (engine.kernel.settings has the defaults)."""

    cpu_seconds: float = 2.0  # CPU time of one evaluation (the kernel's, to the second above)
    wall_seconds: float = 5.0  # wall time of one evaluation, and of all of one engine call
    memory_mb: int = 512  # address space of a worker process
    output_bytes: int = 256 * 1024  # JSON a script may store at once (what it changed)
    max_instances: int = 200  # instances of one multi-instance activity


class ScriptRefused(Exception):
    """Diagram code failed or hit a bound; `message` is `Class: text`."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SandboxUnavailable(RuntimeError):
    """No worker could be started: the platform's fault, not the diagram's."""


class WorkingTime:
    """A working-time helper a diagram calls, e.g. `add_working_days(2)`: a pure
    calendar function `add(instant, amount, calendar)` (pickled by name) with the
    instant and the calendar bound; returns an ISO instant with its offset.
    Attributes are underscored so a script cannot read them."""

    _AMOUNTS = {"number": float, "whole": int, "hours": lambda n: timedelta(hours=n)}

    def __init__(self, add, now, calendar, amount: str):
        self._add, self._now, self._calendar, self._amount = add, now, calendar, amount

    def __reduce__(self):
        return WorkingTime, (self._add, self._now, self._calendar, self._amount)

    def __call__(self, n):
        return self._add(self._now, self._AMOUNTS[self._amount](n), self._calendar).isoformat()


class LazyFunctions(Mapping):
    """Helper functions known by name, made only when code names one (making
    them may read the database: the calendar)."""

    def __init__(self, names, make):
        self._names, self._make, self._made = frozenset(names), make, None

    def __getitem__(self, name):
        if name not in self._names:
            raise KeyError(name)
        if self._made is None:
            self._made = self._make()
        return self._made[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)


def evaluate(source: str, scope: dict, external: dict, helpers: dict | None,
             bounds: Bounds, wall: float):
    """The value of an expression over `scope`, computed in a worker; `wall` is
    what is left of the caller's budget (each evaluation has at most its bound)."""
    return _call("eval", source, scope, external, helpers, bounds, wall)["value"]


def execute(source: str, scope: dict, external: dict, helpers: dict | None,
            bounds: Bounds, wall: float) -> tuple[dict, list]:
    """Run a script over `scope` in a worker; returns the names it set (those
    whose value changed) with their new values, and the names it deleted."""
    answer = _call("exec", source, scope, external, helpers, bounds, wall)
    return answer["set"], answer["del"]


def _call(mode, source, scope, external, helpers, bounds: Bounds, wall: float) -> dict:
    if wall <= 0:
        raise _over_budget(bounds)
    try:
        blob = pickle.dumps((mode, source, pickle.dumps(scope, _PROTOCOL), external, helpers,
                             bounds.cpu_seconds, bounds.output_bytes), _PROTOCOL)
    except Exception as err:  # noqa: BLE001 - data or helpers that cannot travel
        raise ScriptRefused(describe(err)) from None
    answer = _pool(bounds.memory_mb).call(blob, wall, bounds)
    if "error" in answer:
        raise ScriptRefused(answer["error"])
    return answer


def _over_budget(bounds: Bounds) -> ScriptRefused:
    return ScriptRefused(f"ScriptTimeout: the diagram's code ran longer than "
                         f"{bounds.wall_seconds:g} s in all during this step")


# --- a pool of workers per process (and memory bound) ---

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_pools: dict[int, "_Pool"] = {}
_pools_lock = threading.Lock()
_owner = {"pid": os.getpid()}


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_inside.__name__])  # workers fork with it imported
    return context


def _pool(memory_mb: int) -> "_Pool":
    with _pools_lock:
        if _owner["pid"] != os.getpid():  # a forked child: the parent's workers are not ours
            _pools.clear()
            _owner["pid"] = os.getpid()
        return _pools.setdefault(memory_mb, _Pool(memory_mb))


def shutdown() -> None:
    """Stop this process's idle workers (tests; workers also end with their parent)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


class _Pool:
    """At most WORKERS workers; a caller takes an idle one or starts one."""

    def __init__(self, memory_mb: int):
        self.memory_mb, self.idle = memory_mb, []
        self.lock, self.slots = threading.Lock(), threading.BoundedSemaphore(WORKERS)

    def call(self, blob: bytes, wall: float, bounds: Bounds) -> dict:
        if not self.slots.acquire(timeout=WAIT_SECONDS):
            raise SandboxUnavailable(f"every script worker stayed busy for {WAIT_SECONDS} s")
        try:
            worker = self._take()
            try:
                answer = worker.call(blob, wall, bounds)
            except BaseException:
                worker.stop()
                raise
            if answer.pop("retire", False):
                worker.stop()
            else:
                with self.lock:
                    self.idle.append(worker)
            return answer
        finally:
            self.slots.release()

    def _take(self) -> "_Worker":
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.alive():
                    return worker
                worker.stop()
        return _Worker(self.memory_mb)

    def close(self):
        with self.lock:
            workers, self.idle = self.idle, []
        for worker in workers:
            worker.stop()


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, memory_mb: int):
        context = _context()
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_inside.serve, args=(child, memory_mb * MiB),
                                       name="motcua-script", daemon=True)
        try:
            self.process.start()
        except Exception as err:  # noqa: BLE001 - no process, no fork server
            raise SandboxUnavailable(f"the script sandbox could not start: {err}") from None
        finally:
            child.close()
        if not self.conn.poll(START_SECONDS) or self._receive() != {"ready": True}:
            self.stop()
            raise SandboxUnavailable("the script sandbox did not start")

    def alive(self) -> bool:
        return self.process.is_alive()

    def call(self, blob: bytes, wall: float, bounds: Bounds) -> dict:
        """The worker's answer within `wall` seconds, or the worker is killed."""
        try:
            self.conn.send_bytes(blob)
        except OSError:
            self._died(bounds)
        if not self.conn.poll(wall):
            self.stop()
            if wall < bounds.wall_seconds:
                raise _over_budget(bounds)
            raise ScriptRefused(f"ScriptTimeout: the script ran longer than "
                                f"{bounds.wall_seconds:g} s")
        answer = self._receive()
        if answer is None:
            self._died(bounds)
        return answer

    def _receive(self) -> dict | None:
        try:
            return json.loads(self.conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            return None

    def _died(self, bounds: Bounds):
        self.process.join(5)
        code = self.process.exitcode
        self.stop()
        if code == -signal.SIGXCPU:
            raise ScriptRefused(f"ScriptTimeout: the script used more than "
                                f"{bounds.cpu_seconds:g} s of CPU time")
        if code == -signal.SIGKILL:
            raise ScriptRefused(f"MemoryError: the script's process was killed (memory bound "
                                f"{bounds.memory_mb} MiB)")
        raise ScriptRefused(f"ScriptCrashed: the script's process ended (exit code {code})")

    def stop(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
