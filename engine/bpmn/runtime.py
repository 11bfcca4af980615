"""A running workflow instance (one dossier's process), behind a small facade.

`Instance` owns one SpiffWorkflow `BpmnWorkflow` privately: it starts it
with the dossier's initial data, runs automatic steps under a bound, lists
and completes READY human tasks, reports waiting timers, and dumps / loads
its state without the spec.  Every failure of a script, condition or
expression comes out as `ScriptFailed` with the element id; the workflow
object stays usable so the caller can record an incident or roll back.
"""
from __future__ import annotations

import copy
import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from . import serializer
from .errors import ScriptFailed, TaskNotReady
from .sandbox import Bounds, SandboxUnavailable
from .scripts import RestrictedScriptEngine, ScriptError, bound_multi_instances, describe
from .specs import SpecHandle
from .timers import shift, timer_view
from .views import TaskView, TimerView

# Automatic tasks per run(): a BPMN loop must not spin forever.  It is kept
# well under SpiffWorkflow's task iterator depth (1000): a loop that deepens
# the tree past it makes READY tasks invisible and the workflow "complete".
MAX_STEPS = 500
MAX_ROUNDS = 100     # do_engine_steps calls per run() (timers due may need more)


class _TooManySteps(Exception):
    pass


class Instance:
    """One workflow instance; never hands out SpiffWorkflow objects."""

    def __init__(self, spec: SpecHandle, workflow: BpmnWorkflow):
        self._spec = spec
        self._wf = workflow

    @classmethod
    def start(cls, spec: SpecHandle, data: dict, functions=None,
              bounds: Bounds | None = None) -> "Instance":
        """A new instance; `functions` are helpers its code may call (a mapping
        of picklable callables), `bounds` what each evaluation may use."""
        engine = RestrictedScriptEngine(functions, bounds)
        bound_multi_instances([spec._spec, *spec._subprocess_specs.values()])
        workflow = BpmnWorkflow(spec._spec, spec._subprocess_specs, script_engine=engine)
        workflow.task_tree.set_data(**copy.deepcopy(data))
        return cls(spec, workflow)

    @classmethod
    def load(cls, spec: SpecHandle, state_json: str, functions=None,
             bounds: Bounds | None = None) -> "Instance":
        workflow = serializer.state_from_json(
            state_json, spec._spec, spec._subprocess_specs, spec._spec_json)
        # A restored workflow gets the library's unrestricted engine: replace it.
        workflow.script_engine = RestrictedScriptEngine(functions, bounds)
        bound_multi_instances([spec._spec, *spec._subprocess_specs.values()])
        return cls(spec, workflow)

    def run(self) -> None:
        """Run automatic steps until only people or timers can move it on."""
        self._wf.script_engine.begin()
        _guarded(self._run_steps)

    def _run_steps(self) -> None:
        steps = 0

        def count(task):
            nonlocal steps
            steps += 1
            if steps > MAX_STEPS:
                raise _TooManySteps(task.task_spec.bpmn_id)

        for _ in range(MAX_ROUNDS):
            self._wf.do_engine_steps(will_complete_task=count)
            if self._wf.get_next_task(state=TaskState.READY, manual=False) is None:
                return

    def ready_tasks(self) -> list[TaskView]:
        """READY user and manual tasks, in the tree's depth-first order."""
        return [_view(t) for t in self._wf.get_tasks(state=TaskState.READY, manual=True)]

    def complete(self, task_id: str, data: dict) -> TaskView:
        """Merge `data` into the task and run it; the caller then calls run()."""
        task = self._ready_task(task_id)
        task.set_data(**copy.deepcopy(data))
        view = _view(task)
        self._wf.script_engine.begin()
        _guarded(task.run)
        return view

    def retry(self, data: dict | None = None) -> list[str]:
        """Reset every failed task (with `data` laid over what it inherits) so
        run() tries it again; returns the element ids reset. A failure while
        resetting (a multi-instance activity re-evaluating its cardinality)
        is ScriptFailed, as in run()."""
        failed = self._wf.get_tasks(state=TaskState.ERROR)
        self._wf.script_engine.begin()
        for task in failed:
            _guarded(lambda task=task: self._reset(task, copy.deepcopy(data or {})))
        return [task.task_spec.bpmn_id for task in failed]

    def failed_steps(self) -> list[str]:
        """Element ids of the tasks stopped on an error."""
        return [task.task_spec.bpmn_id for task in self._wf.get_tasks(state=TaskState.ERROR)]

    def _reset(self, task, data: dict) -> None:
        # The library's reset re-inherits the parent's data over the data given:
        # the parent lends the correction for the reset, and keeps its own data.
        parent, inherited = task.parent, task.parent.data
        parent.data = {**inherited, **data}
        try:
            self._wf.reset_from_task_id(task.id, data={**task.data, **data})
        finally:
            parent.data = inherited

    def _ready_task(self, task_id: str):
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(f"task {task_id} is not a ready human task")
        return task

    @property
    def failed(self) -> bool:
        """Whether a task is stopped on an error (an incident to retry)."""
        return bool(self._wf.get_tasks(state=TaskState.ERROR))

    @property
    def completed(self) -> bool:
        return self._wf.is_completed()

    @property
    def data(self) -> dict:
        """Workflow data once completed, else the merged data of open tasks."""
        if self.completed:
            return _plain(self._wf.data)
        merged = {}
        for task in self._wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
            merged.update(task.data)
        if not merged and self._wf.last_task is not None:
            merged = self._wf.last_task.data
        return _plain(merged)

    def dump(self) -> str:
        """State JSON without specs, with a "serializer_version" key."""
        return serializer.state_to_json(self._wf)

    def shift_timers(self, move) -> int:
        """Give every waiting timer the due instant `move(due)`; how many moved."""
        waiting = self._wf.get_tasks(state=TaskState.WAITING)
        return sum(shift(task, move) for task in waiting)

    def waiting_timers(self) -> list[TimerView]:
        views = (timer_view(t) for t in self._wf.get_tasks(state=TaskState.WAITING))
        return [v for v in views if v is not None]


def _view(task) -> TaskView:
    spec = task.task_spec
    lane = (spec.lane or "").strip() or None
    return TaskView(str(task.id), spec.bpmn_id, spec.bpmn_name or "", lane, _plain(task.data))


def _plain(data: dict) -> dict:
    """A JSON-able deep copy; callables and modules never leave."""
    cleaned = serializer.SERIALIZER.registry.clean(data)
    return json.loads(json.dumps(cleaned, default=str))


def _guarded(func):
    """Call into the library; every failure becomes ScriptFailed."""
    try:
        return func()
    except SandboxUnavailable:
        raise  # the platform's trouble, not the diagram's: no incident
    except _TooManySteps as err:
        message = f"the process ran more than {MAX_STEPS} automatic steps without waiting"
        raise ScriptFailed(err.args[0], message) from None
    except ScriptError as err:
        raise ScriptFailed(_element_id(err), err.clean_message) from None
    except SpiffWorkflowException as err:
        text = err.args[0] if err.args else ""
        raise ScriptFailed(_element_id(err), f"{type(err).__name__}: {text}") from None
    except Exception as err:
        raise ScriptFailed(None, describe(err)) from None


def _element_id(err) -> str | None:
    task = getattr(err, "task", None)
    spec = task.task_spec if task is not None else getattr(err, "task_spec", None)
    return getattr(spec, "bpmn_id", None)
