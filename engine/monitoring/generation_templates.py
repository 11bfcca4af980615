"""The true life of a procedure's instance, taken once and replayed per dossier.

Running the BPMN engine for each of 100,000 dossiers would take hours; its
answers do not depend on the dossier, only on the path taken. So each
procedure's diagram is walked once per variant (every decision on its first
option, or `decision: refuse`) by the real engine (`engine.dossier.workflow`),
completing the first ready step each time with data its form accepts
(`generation_data.fill`), and every moment is kept: the open steps, the
serialized state, the dossier's data, the waiting timers. The state and data
are kept as `Text`: JSON split where a dossier's own values go (the template's
task ids, which each dossier gets fresh; its code, channel, applicant, the day;
a timer's due instant; when each task last changed), so a dossier's copy is a
join of strings, loadable and continuable by the services like any other.

The walk runs on a template clock (a Monday in 2001) that BPMN timers also
follow meanwhile (`workflow.use_clock`), so no timer fires during the walk; the
platform clock is put back after.
"""
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..deadlines.steps import calendar
from ..deadlines.worktime import working_time_between
from ..dossier import workflow
from ..dossier.intake import first_data
from ..kernel.clock import VN, FrozenClock, parse_instant
from ..kernel.context import Ctx
from ..kernel.errors import Conflict
from . import generation_data as data

START = datetime(2001, 3, 5, 8, 0, tzinfo=VN)  # a Monday morning, far from any real dossier
DAY = START.date().isoformat()
MAX_STEPS = 60
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Text:
    """JSON text with slots: quoted tokens a dossier replaces by JSON values."""

    def __init__(self, text: str, pattern):
        self.parts, self.keys = [], []
        last = 0
        for match in pattern.finditer(text):
            self.parts.append(text[last:match.start()])
            self.keys.append(match.group(1))
            last = match.end()
        self.parts.append(text[last:])

    def render(self, values: dict) -> str:
        out = [self.parts[0]]
        for key, part in zip(self.keys, self.parts[1:]):
            out.append(values[key])
            out.append(part)
        return "".join(out)

    def load(self, values: dict):
        return json.loads(self.render(values))


@dataclass(frozen=True)
class Step:
    """A user task as the template met it: its id there, and the moment it opened."""
    uuid: str
    element_id: str
    name: str
    lane: str | None
    opened: int


@dataclass(frozen=True)
class Timer:
    """A BPMN timer the walk waited on; a dossier's due instant is its own opening
    plus `delta` (working time for dates, e.g. `add_working_days(10)`, else calendar)."""
    uuid: str
    element_id: str
    kind: str
    literal: str
    delta: timedelta
    working: bool
    opened: int


@dataclass(frozen=True)
class Moment:
    ready: tuple  # template ids of the open steps
    done: str | None  # the step completed to reach this moment
    done_data: Text | None  # {"data": ...} of that completion
    state: Text
    data: Text  # the dossier's data (what every write so far merged)
    completed: bool
    timers: tuple  # template ids of the waiting timers


@dataclass
class Template:
    variant: str
    steps: dict  # template id: Step
    moments: list
    timers: dict  # template id: Timer
    uuids: tuple  # every task id of the walk


def build(ctx, service, variant: str, choices: dict) -> Template:
    """Walk `service`'s active version once with `choices` for the deciding fields."""
    clock = FrozenClock(START)
    walk_ctx = Ctx(ctx.session, clock, ctx.actor, ctx.settings)
    workflow.use_clock(clock)
    try:
        snapshots = _walk(walk_ctx, service, choices)
    finally:
        workflow.use_clock(ctx.clock)
    return _compile(ctx, variant, snapshots)


def _walk(ctx, service, choices) -> list[dict]:
    version = service.version
    instance = workflow.start(ctx, version, first_data("@@code@@", data.APPLICANT,
                                                       "@@channel@@", {}))
    failure = workflow.run(instance)
    snapshots = [_snapshot(instance, None, None)]
    while not instance.completed:
        ready = instance.ready_tasks()
        if failure is not None or not ready or len(snapshots) > MAX_STEPS:
            raise Conflict(f"Procedure {service.code} cannot be walked to its end for "
                           f"generated data: {failure.message if failure else 'it stops'}.")
        view = ready[0]
        spec = service.specs.get(view.element_id, {})
        form = service.forms.get(spec.get("form_key")) if spec.get("form_key") else None
        filled = data.fill(form, choices, DAY, f"{service.code} {view.element_id}")
        failure = workflow.run(instance, workflow.completing(instance, view.id, filled))
        snapshots.append(_snapshot(instance, view.id, filled))
    return snapshots


def _snapshot(instance, done, done_data) -> dict:
    return {"ready": instance.ready_tasks(), "state": json.loads(instance.dump()),
            "data": instance.data, "completed": instance.completed,
            "timers": instance.waiting_timers(), "done": done, "done_data": done_data}


def _compile(ctx, variant, snapshots) -> Template:
    steps, timers = {}, {}
    for index, snap in enumerate(snapshots):
        for view in snap["ready"]:
            steps.setdefault(view.id, Step(view.id, view.element_id, view.name or view.element_id,
                                           view.lane, index))
        for view in snap["timers"]:
            if view.task_id not in timers:
                timer = _timer(ctx, snap["state"], view, index)
                if timer is not None:
                    timers[view.task_id] = timer
    _mark_changes(snapshots)
    literals = sorted({timer.literal for timer in timers.values()}, key=len, reverse=True)
    pattern = re.compile('"(@@\\w+@@|' + UUID + "|" + re.escape(DAY)
                         + "".join("|" + re.escape(lit) for lit in literals) + ')"')
    moments, merged = [], {}
    for snap in snapshots:
        merged = {**merged, **snap["data"]}
        moments.append(Moment(
            tuple(view.id for view in snap["ready"]), snap["done"],
            None if snap["done"] is None else _text({"data": snap["done_data"]}, pattern),
            _text(snap["state"], pattern), _text(merged, pattern), snap["completed"],
            tuple(view.task_id for view in snap["timers"] if view.task_id in timers)))
    # in order of first appearance: the same walk maps them in the same order every time
    uuids = list(dict.fromkeys(re.findall(UUID, json.dumps([s["state"] for s in snapshots]))))
    return Template(variant, steps, moments, timers, tuple(uuids))


def _timer(ctx, state, view, index) -> Timer | None:
    literal = state["tasks"].get(view.task_id, {}).get("internal_data", {}).get("event_value")
    if not isinstance(literal, str) or view.due_at is None:
        return None  # a cycle, or a date not reached yet: left as the walk wrote it
    due = parse_instant(literal)
    working = view.kind == "date"  # the diagram helpers count working time
    delta = working_time_between(START, due, calendar(ctx)) if working else due - START
    return Timer(view.task_id, view.element_id, view.kind, literal, delta, working, index)


def _mark_changes(snapshots) -> None:
    """Each task's `last_state_change` (the walk's wall clock) becomes the slot of
    the moment it was set, which a dossier fills with its own instant."""
    first = {}
    for index, snap in enumerate(snapshots):
        for task in _tasks(snap["state"]):
            first.setdefault((task["id"], task["last_state_change"]), index)
    for snap in snapshots:
        for task in _tasks(snap["state"]):
            task["last_state_change"] = f"@@m{first[(task['id'], task['last_state_change'])]}@@"


def _tasks(state: dict):
    """The task dicts of a serialized instance, its subprocesses' included."""
    for task in state.get("tasks", {}).values():
        if "last_state_change" in task:
            yield task
    for sub in state.get("subprocesses", {}).values():
        yield from _tasks(sub)


def _text(value, pattern) -> Text:
    return Text(json.dumps(value, ensure_ascii=False), pattern)
