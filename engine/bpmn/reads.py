"""The variables a diagram's conditions and scripts read.

A gateway condition that reads a misspelled variable deploys fine and fails
only when a dossier reaches it (a NameError incident), or, where the name is
also set elsewhere, quietly takes the wrong path. This module reads the
diagram alone: for each condition and script it lists the names read,
leaving out what any script of the diagram assigns, Python's builtins and
the platform's helper functions. Whether a form, a generic step or the start
data sets the rest is for the caller to judge (`engine.catalogue.procedures`), since
forms are not this package's business.
"""
from __future__ import annotations

import ast
import builtins
from typing import NamedTuple

from . import lint, policy, xml
from .xml import bpmn

# the working-time functions scripts and timers may call (engine.dossier.workflow)
SCRIPT_HELPERS = frozenset({"add_working_days", "add_working_hours", "add_calendar_days"})
KNOWN = frozenset(dir(builtins)) | SCRIPT_HELPERS
_BINDING_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler,
                  ast.MatchAs, ast.MatchStar)


class Reads(NamedTuple):
    """The names one condition or script reads that nothing in the diagram sets."""

    element_id: str | None
    line: int | None
    names: tuple[str, ...]


def variable_reads(xml_bytes: bytes) -> tuple[Reads, ...]:
    """`Reads` of every condition and script of the processes dossiers run, in
    document order; those that read nothing left to explain are left out."""
    root, _ = xml.parse(xml_bytes)
    if root is None:
        return ()
    entry, _ = lint.choose_entry(root)
    sources = [(owner, element.sourceline, tree)
               for owner, element, mode in _sources(lint.used_processes(root, entry))
               if (tree := _tree(element.text or "", mode)) is not None]
    assigned = set().union(*(_bound(tree) for _, _, tree in sources
                             if isinstance(tree, ast.Module)))  # scripts, not conditions
    found = []
    for owner, line, tree in sources:
        names = _loads(tree) - _bound(tree) - assigned - KNOWN
        if names:
            found.append(Reads(owner, line, tuple(sorted(names))))
    return tuple(found)


def _sources(processes):
    """(owner id, element, parse mode) of each condition and script."""
    for process in processes:
        for element in process.iter(bpmn("conditionExpression"), bpmn("condition"),
                                    bpmn("script")):
            if element.tag == bpmn("script"):
                yield element.getparent().get("id"), element, "exec"
            else:
                yield _owner(element), element, "eval"


def _owner(element) -> str | None:
    """The flow (or event) whose condition this is: the id designers see."""
    for ancestor in element.iterancestors():
        if ancestor.get("id") and not ancestor.tag.endswith("EventDefinition"):
            return ancestor.get("id")
    return None


def _tree(source: str, mode: str) -> ast.AST | None:
    # the compile step has already refused what does not parse or is JUEL
    try:
        return ast.parse(policy.normalize(source), mode=mode)
    except (SyntaxError, ValueError):
        return None


def _loads(tree) -> set[str]:
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _bound(tree) -> set[str]:
    """Names the code binds: assignment targets, loop and comprehension
    variables, parameters, definitions, `except ... as` and match captures."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, _BINDING_NODES) and node.name:
            found.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            found.add(node.rest)
        elif isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
    return found
