"""JSON forms of compiled specs and of running instances.

A procedure version stores its parsed spec once; dossiers store only their
own state.  This module owns the serializer configured for the Camunda
parser, a workflow converter that leaves the spec out of instance state and
takes it back from the version's cached spec on load, and the migration of
states written by older serializer versions.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter, WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.default.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

VERSION_KEY = BpmnWorkflowSerializer.VERSION_KEY


class StateConverter(BpmnWorkflowConverter):
    """A BpmnWorkflow converter whose dicts carry no spec.

    `from_dict` takes `spec` and `subprocess_specs` as keywords (the
    registry passes them through); a migrated full dict that still holds its
    specs is also accepted, for states written by older versions.
    """

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if "spec" in dct:
            spec = self.registry.restore(dct.pop("spec"))
            subprocess_specs = self.mapping_from_dict(dct.pop("subprocess_specs", {}))
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[BpmnWorkflow] = StateConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # CAMUNDA_CONFIG drops the plain message definition, yet the Camunda
    # parser still creates one for receive tasks; register it under its own
    # typename (the Camunda subclass has the same class name).
    MessageEventDefinitionConverter(MessageEventDefinition, registry, "BpmnMessageEventDefinition")
    return BpmnWorkflowSerializer(registry)


# Built once: configuring the registry walks every converter class.
SERIALIZER = _make_serializer()
VERSION = SERIALIZER.VERSION
# The library's own encoder: turns any object the registry left as is.
_ENCODER = create_encoder(SERIALIZER.registry)


def full_state_json(workflow) -> str:
    """The stock serialization (spec embedded), for size comparisons."""
    config = dict(CAMUNDA_CONFIG)
    registry = BpmnWorkflowSerializer.configure(config)
    MessageEventDefinitionConverter(MessageEventDefinition, registry, "BpmnMessageEventDefinition")
    return BpmnWorkflowSerializer(registry).serialize_json(workflow)


def spec_to_json(spec, subprocess_specs: dict) -> str:
    registry = SERIALIZER.registry
    return json.dumps({
        VERSION_KEY: VERSION,
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(sp) for name, sp in subprocess_specs.items()},
    }, cls=_ENCODER)


def spec_from_json(spec_json: str) -> tuple[object, dict]:
    dct = json.loads(spec_json)
    registry = SERIALIZER.registry
    spec = registry.restore(dct["spec"])
    subprocess_specs = {name: registry.restore(sp) for name, sp in dct["subprocess_specs"].items()}
    return spec, subprocess_specs


def state_to_json(workflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def state_from_json(state_json: str, spec, subprocess_specs: dict, spec_json: str):
    """Restore a workflow; states of an older version are migrated first."""
    dct = json.loads(state_json)
    if dct.get(VERSION_KEY) == VERSION:
        dct.pop(VERSION_KEY)
        return SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    # Migrations rewrite specs and tasks together, so hand them a full dict;
    # this slow path restores the (migrated) spec instead of the cached one.
    specs = json.loads(spec_json)
    dct.setdefault(VERSION_KEY, specs.get(VERSION_KEY))
    dct["spec"], dct["subprocess_specs"] = specs["spec"], specs["subprocess_specs"]
    SERIALIZER.migrate(dct)
    return SERIALIZER.from_dict(dct)
