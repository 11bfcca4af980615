"""Waiting timers are visible with their due instants, and fire once due.

The tests make a timer due by rewriting `event_value` in the saved state,
which is also how the platform pauses or moves a deadline."""
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine.bpmn import Instance, TimerView, compile_diagram, load_spec

PAST = "2000-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def handle():
    compiled = compile_diagram((Path(__file__).parent / "diagrams" / "timers.bpmn").read_bytes())
    assert [w.element_id for w in compiled.warnings] == ["Wait", "Deadline", "Remind"]
    return load_spec(compiled.checksum, compiled.spec_json)


def make_due(inst: Instance, handle, element_id: str) -> Instance:
    state = json.loads(inst.dump())
    [timer] = [t for t in inst.waiting_timers() if t.element_id == element_id]
    internal = state["tasks"][timer.task_id]["internal_data"]
    if timer.kind == "cycle":
        internal["event_value"]["next"] = PAST
    else:
        internal["event_value"] = PAST
    restored = Instance.load(handle, json.dumps(state))
    restored.run()
    return restored


def test_a_duration_timer_waits_with_its_due_instant(handle):
    inst = Instance.start(handle, {"reminders": 0})
    inst.run()
    [timer] = inst.waiting_timers()
    assert isinstance(timer, TimerView)
    assert (timer.element_id, timer.kind) == ("Wait", "duration")
    due = datetime.fromisoformat(timer.due_at)
    assert due.utcoffset() == timedelta(0)
    assert inst.ready_tasks() == []


def test_due_timer_fires_and_boundary_timers_start_waiting(handle):
    inst = Instance.start(handle, {"reminders": 0})
    inst.run()
    inst = make_due(inst, handle, "Wait")
    assert [t.element_id for t in inst.ready_tasks()] == ["Review"]
    timers = {t.element_id: t for t in inst.waiting_timers()}
    assert timers["Deadline"].kind == "date"
    assert timers["Deadline"].due_at == "2099-05-04T10:00:00+00:00"  # normalised to UTC
    assert timers["Remind"].kind == "cycle" and timers["Remind"].due_at is not None


def test_interrupting_boundary_timer_cancels_the_task(handle):
    inst = Instance.start(handle, {"reminders": 0})
    inst.run()
    inst = make_due(make_due(inst, handle, "Wait"), handle, "Deadline")
    assert [t.element_id for t in inst.ready_tasks()] == ["Escalate"]
    assert inst.waiting_timers() == []


def test_overdue_cycle_runs_all_its_cycles_and_keeps_the_task(handle):
    inst = Instance.start(handle, {"reminders": 0})
    inst.run()
    inst = make_due(make_due(inst, handle, "Wait"), handle, "Remind")
    assert [t.element_id for t in inst.ready_tasks()] == ["Review"]
    assert [t.element_id for t in inst.waiting_timers()] == ["Deadline"]
