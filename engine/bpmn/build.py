"""From a checked lxml tree to SpiffWorkflow specs.

This module owns the library side of deployment: validation against the
BPMN 2.0 XSD that ships with SpiffWorkflow (one validator per process, built
lazily, reporting every schema error), parsing with the Camunda parser, and
a dry-run construction of a workflow.  Whatever the library raises comes back
as Problems, never as a traceback.
"""
from __future__ import annotations

import functools
import re
import threading

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser import CamundaParser

from .lint import Entry
from .scripts import RestrictedScriptEngine
from .views import Problem
from .xml import BPMN_NS

FILENAME = "diagram.bpmn"
# An XMLSchema keeps one error log; concurrent deploys must not share it.
_validator_lock = threading.Lock()
_CLARK = re.compile(r"\{([^}]*)\}")


@functools.cache  # built once per process, when the first diagram is checked
def _get_validator() -> BpmnValidator:
    return BpmnValidator()


def xsd_problems(root) -> list[Problem]:
    """Every XSD error, each with its line and the id of the element there."""
    with _validator_lock:
        validator = _get_validator()
        validator.preprocess(root)  # what SpiffWorkflow does for bpmn-js files
        if validator.validator.validate(root):
            return []
        errors = [(e.line, e.message) for e in validator.validator.error_log]
    ids = _ids_by_line(root)
    return [Problem(ids.get(line), line, _readable(message)) for line, message in errors]


def _ids_by_line(root) -> dict[int, str]:
    ids = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id") and element.sourceline:
            ids.setdefault(element.sourceline, element.get("id"))
    return ids


def _readable(message: str) -> str:
    def prefix(match):
        return "bpmn:" if match.group(1) == BPMN_NS else ""
    return "schema: " + _CLARK.sub(prefix, message)


def build(root, entry: Entry) -> tuple[object, dict, list[Problem]]:
    """(spec, subprocess_specs, []) or (None, {}, problems)."""
    try:
        parser = CamundaParser()
        parser.add_bpmn_xml(root, filename=FILENAME)
        if entry.is_collaboration:
            spec, subprocess_specs = parser.get_collaboration(entry.element_id)
        else:
            spec = parser.get_spec(entry.element_id)
            subprocess_specs = parser.get_subprocess_specs(entry.element_id)
        # Dry run: construction errors surface now, not on the first dossier.
        BpmnWorkflow(spec, subprocess_specs, script_engine=RestrictedScriptEngine())
    except ValidationException as err:
        return None, {}, [_validation_problem(root, err)]
    except Exception as err:  # library bugs (e.g. KeyError) must not escape
        message = f"cannot build the process: {type(err).__name__}: {err}"
        return None, {}, [Problem(entry.element_id, None, message)]
    return spec, subprocess_specs, []


def _validation_problem(root, err: ValidationException) -> Problem:
    element_id = getattr(err, "id", None) or None
    line = None
    if element_id:
        found = root.xpath("//*[@id=$id]", id=element_id)
        line = found[0].sourceline if found else None
    text = err.args[0] if err.args else type(err).__name__
    return Problem(element_id, line, f"cannot build the process: {text}")
