"""Checks of the Python a diagram carries, and quoting of timer literals.

Script tasks, gateway conditions, loop expressions and timer definitions are
Python to SpiffWorkflow.  This module checks each against the package policy
(reporting the element id and the XML line of the offending script line) and
quotes bare ISO 8601 timer literals such as `PT5M` or `R3/P1D`, which
modelers write but SpiffWorkflow would evaluate as names.  Quoting changes
only the tree handed to the library, never the stored upload.
"""
from __future__ import annotations

import re

from . import policy
from .views import Problem
from .xml import bpmn

_DURATION = r"P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?" \
            r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
_POINT = f"(?:{_DURATION}|{_DATETIME})"
_CYCLE = rf"R\d*/{_POINT}(/{_POINT})?"
ISO_LITERAL = re.compile(rf"^(?:{_DURATION}|{_DATETIME}|{_CYCLE})$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


def lint_code(processes) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) for all code in `processes`; quotes timers in place."""
    problems, warnings = [], []
    for process in processes:
        for task in process.iter(bpmn("scriptTask")):
            problems += _script_task(task)
        for expr, owner, what in _expressions(process):
            problems += _check(expr.text or "", "eval", expr, owner, what)
        for timer in process.iter(bpmn("timerEventDefinition")):
            found, warned = _timer(timer)
            problems += found
            warnings += warned
    return problems, warnings


def _script_task(task) -> list[Problem]:
    task_id = task.get("id")
    script_format = task.get("scriptFormat")
    if script_format and script_format.strip().lower() != "python":
        message = f"script task '{task_id}' uses '{script_format}'; only python is supported"
        return [Problem(task_id, task.sourceline, message)]
    script = task.find(bpmn("script"))
    if script is None or not (script.text or "").strip():
        return [Problem(task_id, task.sourceline, f"script task '{task_id}' has no script")]
    return _check(script.text, "exec", script, task_id, "script")


def _expressions(process):
    """(element, owner id, label) of every expression SpiffWorkflow evaluates."""
    for expr in process.iter(bpmn("conditionExpression")):
        yield expr, expr.getparent().get("id"), "condition"
    for expr in process.iter(bpmn("condition")):
        yield expr, _owner(expr), "condition"
    for tag in ("loopCardinality", "completionCondition"):
        for expr in process.iter(bpmn(tag)):
            yield expr, _owner(expr), "loop expression"


def _owner(element) -> str | None:
    """The nearest ancestor that is a flow element (it carries the id designers see)."""
    for ancestor in element.iterancestors():
        if ancestor.get("id") and not ancestor.tag.endswith(("EventDefinition", "Characteristics")):
            return ancestor.get("id")
    return None


def _check(source: str, mode: str, element, owner: str | None, what: str) -> list[Problem]:
    if source.strip().startswith(("${", "#{")):
        return [Problem(owner, element.sourceline, f"{what} of '{owner}' is a JUEL expression "
                        "(${...}); write it in Python, e.g. approved == True")]
    found = []
    for line, message in policy.check(source, mode):
        if line is None:
            found.append(Problem(owner, element.sourceline, f"{what} of '{owner}': {message}"))
        else:
            xml_line = element.sourceline + line - 1 if element.sourceline else None
            found.append(Problem(owner, xml_line, f"{what} of '{owner}' line {line}: {message}"))
    return found


def _timer(timer) -> tuple[list[Problem], list[Problem]]:
    owner = _owner(timer)
    definitions = [timer.find(bpmn(kind)) for kind in TIMER_KINDS]
    definitions = [d for d in definitions if d is not None]
    if not definitions or not (definitions[0].text or "").strip():
        return [Problem(owner, timer.sourceline, f"timer of '{owner}' has no time expression")], []
    expr = definitions[0]
    text = expr.text.strip()
    warnings, problems = [], []
    if ISO_LITERAL.match(text):
        expr.text = f'"{text}"'
        warnings.append(Problem(owner, expr.sourceline,
                                f"timer of '{owner}': the literal {text} was quoted as a string"))
        if expr.tag == bpmn("timeDate") and "T" in text and not _OFFSET.search(text):
            problems.append(Problem(owner, expr.sourceline, f"timer of '{owner}': {text} has no "
                                    f"UTC offset; write one, e.g. {text}+07:00"))
    return problems + _check(expr.text, "eval", expr, owner, "timer"), warnings
