"""`compile_diagram`: from uploaded bytes to a deployable, serialized spec.

The steps run in a fixed order and each collects all the problems it can:
size, hardened parsing, XSD, lint of structure and code (quoting timer
literals on the way), building with the Camunda parser, and serializing the
spec once.  A diagram with any problem is rejected with the whole list (one
nested too deeply for a compiler's recursion too, never a RecursionError); a
compiled diagram carries the facts the platform needs (user tasks, lanes)
and the non-fatal warnings.
"""
from __future__ import annotations

import hashlib

from . import build, extract, lint, lint_code, serializer, xml
from .errors import DiagramRejected
from .views import CompiledDiagram, Problem
from .xml import bpmn


def compile_diagram(xml_bytes: bytes, *, max_bytes: int = 2_000_000) -> CompiledDiagram:
    """Parse, validate, lint, build and serialize; raise DiagramRejected
    with every problem found."""
    if len(xml_bytes) > max_bytes:
        raise DiagramRejected([Problem(None, None, f"diagram is larger than {max_bytes} bytes")],
                              too_large=True)
    root, problems = xml.parse(xml_bytes)
    _reject_if(problems)
    try:
        return _compile(root, xml_bytes)
    except (RecursionError, MemoryError):
        # The code checks bound their own nesting (policy.MAX_DEPTH) and the
        # parser the tree's; this is the net for anything else that recurses.
        message = "the diagram is nested too deeply to compile"
        raise DiagramRejected([Problem(root.get("id"), None, message)]) from None


def _compile(root, xml_bytes: bytes) -> CompiledDiagram:
    _reject_if(build.xsd_problems(root))
    entry, processes, warnings = _lint(root)
    spec, subprocess_specs, problems = build.build(root, entry)
    _reject_if(problems)
    lanes, lane_warnings = extract.lanes_and_warnings(processes)
    return CompiledDiagram(
        process_id=entry.element_id,
        process_name=entry.name,
        checksum=hashlib.sha256(xml_bytes).hexdigest(),
        spec_json=_serialize(spec, subprocess_specs, entry),
        user_tasks=extract.user_tasks(processes),
        lanes=lanes,
        warnings=tuple(_by_line(warnings + lane_warnings)),
        flows=extract.flows(processes),
    )


def _lint(root):
    """Run every lint; return (entry, processes dossiers run, warnings)."""
    entry, problems = lint.choose_entry(root)
    processes = lint.used_processes(root, entry)
    # With nothing executable, lint everything: the designer sees what else
    # would stop the file once it is marked executable.
    checked = processes or list(root.iterchildren(bpmn("process")))
    problems += lint.lint_processes(root, checked)
    code_problems, warnings = lint_code.lint_code(checked)
    _reject_if(problems + code_problems)
    return entry, processes, warnings


def _serialize(spec, subprocess_specs, entry) -> str:
    try:
        spec_json = serializer.spec_to_json(spec, subprocess_specs)
        serializer.spec_from_json(spec_json)  # it must load back, or deploy fails now
    except Exception as err:
        message = f"cannot serialize the process: {type(err).__name__}: {err}"
        raise DiagramRejected([Problem(entry.element_id, None, message)]) from None
    return spec_json


def _by_line(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0))


def _reject_if(problems: list[Problem]) -> None:
    if problems:
        raise DiagramRejected(_by_line(_unique(problems)))


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
