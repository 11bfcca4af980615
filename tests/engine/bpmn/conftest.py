"""Fixtures for the BPMN package tests: diagram files, a document builder
for small lint cases, and a driver that runs a scenario with or without a
save/restore after every step."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.bpmn import Instance, compile_diagram, load_spec

DIAGRAMS = Path(__file__).parent / "diagrams"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="Defs" targetNamespace="http://motcua.example/bpmn">\n'
)


def make_bpmn(body: str, *, executable: str = "true", before: str = "", after: str = "") -> bytes:
    """A one-process document around `body` (process id "Proc")."""
    return (HEADER + before + f'<bpmn:process id="Proc" isExecutable="{executable}">\n'
            + body + "\n</bpmn:process>\n" + after + "</bpmn:definitions>\n").encode()


def line_of(xml: bytes, needle: str) -> int:
    """1-based line of the first line of `xml` containing `needle`."""
    for number, line in enumerate(xml.decode().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in document")


def read_diagram(name: str) -> bytes:
    return (DIAGRAMS / name).read_bytes()


class Driver:
    """Runs one instance; with `reload` it saves and restores after every step."""

    def __init__(self, diagram: str, reload: bool, functions: dict | None = None):
        self.compiled = compile_diagram(read_diagram(diagram))
        self.handle = load_spec(self.compiled.checksum, self.compiled.spec_json)
        self.reload = reload
        self.functions = functions
        self.path: list[str] = []
        self.inst = None

    def _maybe_reload(self) -> None:
        if self.reload:
            self.inst = Instance.load(self.handle, self.inst.dump(), self.functions)

    def start(self, data: dict) -> "Driver":
        self.inst = Instance.start(self.handle, data, self.functions)
        self._maybe_reload()
        self.run()
        return self

    def run(self) -> None:
        self.inst.run()
        self._maybe_reload()

    def ready(self) -> list[str]:
        return sorted(t.element_id for t in self.inst.ready_tasks())

    def complete(self, element_id: str, data: dict | None = None):
        [task] = [t for t in self.inst.ready_tasks() if t.element_id == element_id]
        view = self.inst.complete(task.id, data or {})
        self.path.append(element_id)
        self._maybe_reload()
        self.run()
        return view


@pytest.fixture(params=[False, True], ids=["straight", "reload-each-step"])
def driver(request):
    """Build a Driver for a diagram; each test using it runs in both modes."""
    return lambda diagram, functions=None: Driver(diagram, request.param, functions)


@pytest.fixture
def bpmn_doc():
    return make_bpmn


@pytest.fixture
def line():
    return line_of
