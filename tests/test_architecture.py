"""Layering rules that code review alone would let slip (STYLE.md)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"node_modules", "migrations"}
SOURCES = [p for d in ("engine", "api", "forms", "web") for p in (ROOT / d).glob("**/*.py")
           if not SKIPPED & set(p.parts)] + [ROOT / "wsgi.py", ROOT / "gunicorn.conf.py"]


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _rel(path):
    return path.relative_to(ROOT).as_posix()


# The engine's rooms, lowest first: each may import only the rooms below it.
# `store` (tables) and `bpmn` (SpiffWorkflow) are layers under all of them.
ROOMS = ("kernel", "people", "deadlines", "catalogue", "dossier", "monitoring", "scheduling")
LAYERS = ("store", "bpmn")


def _engine_imports(path):
    """The engine packages a module imports, relative imports resolved."""
    package = path.relative_to(ROOT).parent.parts
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            names = (node.module or "").split(".") if node.module else []
            targets = [names] if names else [[alias.name] for alias in node.names]
            for target in targets:
                yield ".".join((*base, *target))
        else:
            for name in _imports_of(node):
                if name.split(".")[0] == "engine":
                    yield name


def _imports_of(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        # `from engine import store` imports the package engine.store
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _room(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "engine" else None


def test_the_engine_is_rooms_and_layers():
    found = {p.parent.name for p in (ROOT / "engine").glob("*/__init__.py")}
    assert found == set(ROOMS) | set(LAYERS)
    assert [p.name for p in (ROOT / "engine").glob("*.py")] == ["__init__.py"]


def test_each_room_imports_only_the_rooms_below_it():
    offenders = []
    for path in SOURCES:
        here = _room(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if here not in ROOMS:
            continue
        allowed = {*ROOMS[:ROOMS.index(here) + 1], *LAYERS}
        offenders += [f"{_rel(path)} -> {name}" for name in _engine_imports(path)
                      if _room(name) not in allowed]
    assert offenders == []


def test_the_layers_under_the_rooms_import_no_room():
    offenders = [f"{_rel(p)} -> {name}" for p in SOURCES
                 if _room(".".join(p.relative_to(ROOT).with_suffix("").parts)) in LAYERS
                 for name in _engine_imports(p) if _room(name) in ROOMS]
    assert offenders == []


def test_the_web_layer_reaches_tables_and_spiffworkflow_only_through_the_engine():
    offenders = [f"{_rel(p)} -> {name}" for p in SOURCES if not _rel(p).startswith("engine/")
                 for name in _engine_imports(p) if _room(name) in LAYERS]
    assert offenders == []


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
    offenders = [_rel(p) for p, text in text_of.items() if _rel(p) != "engine/kernel/clock.py"
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
