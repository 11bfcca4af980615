"""The BPMN engine boundary: the only code that imports SpiffWorkflow.

It compiles uploaded diagrams into serialized specs (`compile_diagram`),
caches restored specs per version (`load_spec`), and runs instances
(`Instance`); callers only ever receive the plain values re-exported here.
"""
from .clock import use_clock
from .compiler import compile_diagram
from .errors import DiagramRejected, ScriptFailed, TaskNotReady
from .reads import SCRIPT_HELPERS, Reads, variable_reads  # noqa: F401 (see reads.py)
from .runtime import Instance
# the bounds and helpers diagram code runs with (sandbox.py); values for engine.dossier.workflow
from .sandbox import Bounds, LazyFunctions, SandboxUnavailable, WorkingTime  # noqa: F401
from .specs import SpecHandle, load_spec
from .timers import duration_after
from .views import CompiledDiagram, Problem, TaskView, TimerView, UserTaskSpec

__all__ = [
    "CompiledDiagram", "DiagramRejected", "Instance", "Problem", "ScriptFailed",
    "SpecHandle", "TaskNotReady", "TaskView", "TimerView", "UserTaskSpec",
    "compile_diagram", "duration_after", "load_spec", "use_clock",
]
