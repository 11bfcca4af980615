"""Every shipped procedure deploys, and every form key of its tasks resolves."""
import json

import pytest
from lxml import etree

from engine.catalogue import procedures
from engine.catalogue.loading import load_procedure_folder

from .conftest import PROCESSES

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FOLDERS = sorted(p for p in PROCESSES.iterdir() if (p / "procedure.json").exists())


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_shipped_procedure_deploys_with_its_forms(demo, admin_ctx, folder):
    assert "deployed version 1" in load_procedure_folder(admin_ctx, folder)
    code = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))["code"]
    version = procedures.get_version(admin_ctx.session, code, 1)
    forms = procedures.version_forms(admin_ctx.session, version)
    assert version.user_tasks, "a procedure without human steps"
    for task in version.user_tasks:
        assert task["candidate_groups"], task
        assert task["form_key"] is None or task["form_key"] in forms


def _decisions(folder):
    """(task id, field key, its options, the conditions of the exclusive gateway
    right after the task) for every radio or select field of a task's form that
    the gateway's conditions name."""
    forms = {}
    for path in (folder / "forms").glob("*.json"):
        form = json.loads(path.read_text(encoding="utf-8"))
        forms[form["id"]] = form
    root = etree.parse(str(next(folder.glob("*.bpmn")))).getroot()
    flows = list(root.iter(BPMN + "sequenceFlow"))
    gateways = {g.get("id"): g for g in root.iter(BPMN + "exclusiveGateway")}
    for task in root.iter(BPMN + "userTask"):
        form = forms.get(task.get(CAMUNDA + "formKey"))
        after = [f.get("targetRef") for f in flows if f.get("sourceRef") == task.get("id")]
        if form is None or after[0] not in gateways:
            continue
        branches = {f.get("id"): f.findtext(BPMN + "conditionExpression")
                    for f in flows if f.get("sourceRef") == after[0]}
        for field in form["components"]:
            if field.get("type") in ("radio", "select") and any(
                    field["key"] in (c or "") for c in branches.values()):
                yield task.get("id"), field["key"], [v["value"] for v in field["values"]], \
                    branches, gateways[after[0]].get("default")


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_option_of_a_decision_takes_exactly_one_branch(folder):
    """Each value a deciding form offers selects one conditioned flow of the
    gateway after the step (no default stands in for an option), and every flow
    is selected by some value; a `decision` field is always routed on."""
    routed = set()
    for task_id, key, options, branches, default in _decisions(folder):
        routed.add((task_id, key))
        taken = {}
        for option in options:
            matching = [flow for flow, condition in branches.items()
                        if condition and eval(condition, {"__builtins__": {}}, {key: option})]
            assert len(matching) == 1, (task_id, key, option, matching)
            taken[option] = matching[0]
        assert set(taken.values()) | {default} >= set(branches) - {None}, (task_id, taken)
    root = etree.parse(str(next(folder.glob("*.bpmn")))).getroot()
    for task in root.iter(BPMN + "userTask"):
        form = folder / "forms" / f"{task.get(CAMUNDA + 'formKey')}.json"
        if form.exists() and '"key": "decision"' in form.read_text(encoding="utf-8"):
            assert (task.get("id"), "decision") in routed, task.get("id")
