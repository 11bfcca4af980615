"""What Python a diagram may contain, checked before anything runs.

Scripts, gateway conditions and timer expressions are compiled with
RestrictedPython, and on top of that this module refuses the constructs that
would let a script reach the host or swallow the run-time budget: imports,
class definitions, `with`, generators, `finally`, bare or BaseException
handlers, and names such as `open` or `getattr`.  The same check runs at
deploy time (to list problems) and at run time (so that code smuggled in
later fails instead of running).
"""
from __future__ import annotations

import ast
import re
import textwrap
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

FILENAME = "<bpmn-script>"

# None of these is a builtin of the sandbox anyway; naming them here turns a
# run-time NameError into a clear deploy-time problem.  The BaseException
# family matters most: catching it would swallow the run-time budget.
FORBIDDEN_NAMES = frozenset({
    "exec", "eval", "open", "compile", "globals", "locals", "vars", "getattr",
    "setattr", "delattr", "input", "breakpoint", "memoryview", "super",
    "exit", "quit", "BaseException", "GeneratorExit", "KeyboardInterrupt",
    "SystemExit",
})
# `mro` is not underscored but leads from Exception to BaseException.
FORBIDDEN_ATTRIBUTES = frozenset({"mro", "format", "format_map"})
FORBIDDEN_NODES = {
    ast.Import: "imports are not allowed",
    ast.ImportFrom: "imports are not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.With: "'with' statements are not allowed",
    ast.AsyncWith: "'with' statements are not allowed",
    ast.Yield: "generators are not allowed",
    ast.YieldFrom: "generators are not allowed",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.AsyncFunctionDef: "async code is not allowed",
    ast.Await: "async code is not allowed",
    ast.AsyncFor: "async code is not allowed",
}
_RP_LINE = re.compile(r"^Line (\d+): (.*)$", re.S)
# The compilers (Python's, RestrictedPython's transformer) recurse a few frames
# per level of the syntax tree: a 300-term sum exhausts the stack. Measured
# without recursion, the depth is bounded well below that, at deploy and run
# time alike, so what deploys also compiles inside a running workflow.
MAX_DEPTH = 100
TOO_DEEP = (f"it is nested too deeply to compile (more than {MAX_DEPTH} levels); "
            "split it into smaller expressions")


class UnsafeCode(Exception):
    """Code that the policy refuses; the message names the first finding."""


def _node_problem(node: ast.AST) -> str | None:
    for node_type, message in FORBIDDEN_NODES.items():
        if isinstance(node, node_type):
            return message
    if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
        return f"'{node.id}' is not allowed"
    if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
        return f"the attribute '{node.attr}' is not allowed"
    if isinstance(node, ast.Try) and node.finalbody:
        return "'finally' blocks are not allowed"
    if isinstance(node, ast.ExceptHandler) and node.type is None:
        return "a bare 'except:' is not allowed, name the exception"
    return None


def _policy_findings(tree: ast.AST) -> list[tuple[int | None, str]]:
    findings = []
    for node in ast.walk(tree):
        message = _node_problem(node)
        if message:
            findings.append((getattr(node, "lineno", None), message))
    return findings


def _restricted_findings(source: str, mode: str) -> list[tuple[int | None, str]]:
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    findings = []
    for error in compiler(source, filename=FILENAME).errors:
        match = _RP_LINE.match(error)
        if match:
            findings.append((int(match.group(1)), match.group(2).rstrip(".")))
        else:
            findings.append((None, error))
    return findings


def normalize(source: str) -> str:
    """Remove the indentation XML pretty-printing gives scripts and
    conditions; line numbers are kept."""
    return textwrap.dedent(source)


def check(source: str, mode: str) -> list[tuple[int | None, str]]:
    """Every finding as (line within the source or None, message); [] if fine."""
    source = normalize(source)
    if not source.strip():
        return [(None, "it is empty")]
    try:
        tree = ast.parse(source, FILENAME, mode)
    except SyntaxError as err:
        # RestrictedPython may report lineno=None; keep None rather than crash.
        return [(err.lineno, f"syntax error: {err.msg}")]
    except ValueError as err:
        return [(None, f"it cannot be read as Python: {err}")]
    except (RecursionError, MemoryError):
        return [(None, TOO_DEEP)]
    if _deeper_than(tree, MAX_DEPTH):
        return [(None, TOO_DEEP)]
    try:
        findings = _policy_findings(tree) + _restricted_findings(source, mode)
    except (RecursionError, MemoryError):  # the bound above should make this unreachable
        return [(None, TOO_DEEP)]
    return sorted(set(findings), key=lambda f: (f[0] or 0, f[1]))


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether the syntax tree nests more than `limit` levels; with a stack, not recursion."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


@lru_cache(maxsize=2048)
def compile_checked(source: str, mode: str):
    """Compile restricted code or raise UnsafeCode; cached by source text."""
    findings = check(source, mode)
    if findings:
        line, message = findings[0]
        raise UnsafeCode(f"line {line}: {message}" if line else message)
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    try:
        return compiler(normalize(source), filename=FILENAME).code
    except (RecursionError, MemoryError):
        raise UnsafeCode(TOO_DEEP) from None
