"""Layering rules that code review alone would let slip (STYLE.md)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("engine", "api", "forms") for p in (ROOT / d).rglob("*.py")
           if "migrations" not in p.parts] + [ROOT / "wsgi.py"]


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _rel(path):
    return path.relative_to(ROOT).as_posix()


def test_only_engine_bpmn_imports_spiffworkflow():
    offenders = [_rel(p) for p in SOURCES if not _rel(p).startswith("engine/bpmn/")
                 and any(name.split(".")[0] == "SpiffWorkflow" for name in _imports(p))]
    assert offenders == []


def test_engine_does_not_import_the_web_layer():
    offenders = [_rel(p) for p in SOURCES if _rel(p).startswith(("engine/", "forms/"))
                 and any(name.split(".")[0] in ("api", "flask", "flask_smorest")
                         for name in _imports(p))]
    assert offenders == []


def test_one_clock():
    text_of = {p: p.read_text(encoding="utf-8") for p in SOURCES}
    offenders = [_rel(p) for p, text in text_of.items() if _rel(p) != "engine/clock.py"
                 and ("datetime.now(" in text or "time.time(" in text or ".utcnow(" in text)]
    assert offenders == []


def test_only_the_config_module_reads_the_environment():
    offenders = [_rel(p) for p in SOURCES if _rel(p) != "api/config.py"
                 and ("os.environ" in p.read_text(encoding="utf-8")
                      or "getenv(" in p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_modules_are_small_and_documented():
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 400, _rel(path)
        if text.strip():
            assert ast.get_docstring(ast.parse(text)), f"{_rel(path)} has no docstring"
