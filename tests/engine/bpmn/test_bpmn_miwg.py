"""The OMG MIWG reference models: every file either compiles or is rejected
with plain problems that name real elements (never an uncaught exception)."""
import re
from pathlib import Path

import pytest

from engine.bpmn import CompiledDiagram, DiagramRejected, Problem, compile_diagram

# shared/ lies beside the checkout (here and in CI's clone)
CHECKOUT = Path(__file__).resolve().parents[3]
MIWG = next((path for path in (CHECKOUT.parent / "shared" / "conformance" / "miwg",
                               Path("/work/shared/conformance/miwg")) if path.exists()),
            CHECKOUT.parent / "shared" / "conformance" / "miwg")
FILES = sorted(MIWG.glob("*.bpmn"))

pytestmark = pytest.mark.skipif(not FILES, reason="MIWG reference models not available")


def element_ids(xml: bytes) -> set[str]:
    return set(re.findall(rb'\sid="([^"]+)"', xml.replace(b"\n", b" ")))


def outcome(path: Path):
    try:
        return compile_diagram(path.read_bytes())
    except DiagramRejected as exc:
        return exc


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_compiles_or_is_rejected_cleanly(path):
    result = outcome(path)
    assert isinstance(result, (CompiledDiagram, DiagramRejected))
    problems = result.problems if isinstance(result, DiagramRejected) else list(result.warnings)
    ids = {i.decode() for i in element_ids(path.read_bytes())}
    for problem in problems:
        assert isinstance(problem, Problem)
        assert "Traceback" not in problem.message and "\n" not in problem.message
        assert problem.element_id is None or problem.element_id in ids


def test_a20_is_rejected_naming_its_elements():
    result = outcome(MIWG / "A.2.0.bpmn")
    assert isinstance(result, DiagramRejected)
    named = {p.element_id for p in result.problems}
    assert "_1373649889746" in named  # the definitions: nothing is executable
    # ... and the unconditioned gateway flows are listed too, with their lines.
    flows = [p for p in result.problems if "has no condition" in p.message]
    assert flows and all(p.line for p in flows)


def test_c10_conditions_in_juel_are_explained():
    result = outcome(MIWG / "C.1.0.bpmn")
    assert isinstance(result, DiagramRejected)
    assert any("JUEL" in p.message and p.element_id == "invoiceApproved" for p in result.problems)
