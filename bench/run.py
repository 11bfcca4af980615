"""Benchmarks of one dossier's life, printed as JSON.

The same procedure (processes/business-household, four human steps) runs:
raw SpiffWorkflow in memory; raw SpiffWorkflow with a serialize/deserialize
after each step (what any persisting engine must do); our `engine.bpmn`
facade (sandboxed scripts in bounded worker processes, state without spec);
the full service stack on a SQLite file (transactions, projections, event
log); and the HTTP API. Ratios compare each with raw SpiffWorkflow run in this
same process; each measure runs one dossier first, untimed, to warm caches and
the script workers. `evaluation_overhead` is one condition evaluated in
process and in a warm script worker.
Run: `make bench` or `python -m bench.run [--dossiers N]`.
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "processes" / "business-household"
DIAGRAM = FOLDER / "business-household.bpmn"
FORM_DATA = {"Task_Check": {"business_name": "Quán", "capital": 1, "needs_inspection": False},
             "Task_Review": {"review_note": "ok", "review_outcome": "ok"},
             "Task_Fee": {}, "Task_Approve": {"decision": "approve"}}


def _per_dossier(run, count):
    run()  # warm: caches, the script workers' start (once per process)
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) / count


def raw_spiff(count, persist):
    parser = CamundaParser()
    parser.add_bpmn_str(DIAGRAM.read_bytes())
    spec, subs = parser.get_spec("business_household"), parser.get_subprocess_specs(
        "business_household")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    sizes = []

    def one():
        wf = BpmnWorkflow(spec, subs)
        wf.do_engine_steps()
        while not wf.completed:
            if persist:
                state = serializer.serialize_json(wf)
                sizes.append(len(state))
                wf = serializer.deserialize_json(state)
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.set_data(**FORM_DATA[task.task_spec.bpmn_id])
            task.run()
            wf.do_engine_steps()
    return _per_dossier(one, count), (statistics.mean(sizes) if sizes else None)


def facade(count):
    from engine import bpmn
    compiled = bpmn.compile_diagram(DIAGRAM.read_bytes())
    spec = bpmn.load_spec(compiled.checksum, compiled.spec_json)
    sizes = []

    def one():
        inst = bpmn.Instance.start(spec, {})
        inst.run()
        while not inst.completed:
            state = inst.dump()
            sizes.append(len(state))
            inst = bpmn.Instance.load(spec, state)
            task = inst.ready_tasks()[0]
            inst.complete(task.id, FORM_DATA[task.element_id])
            inst.run()
    return _per_dossier(one, count), statistics.mean(sizes)


def sandbox_overhead(count=2000):
    """Microseconds per evaluation of a small condition: in process (what the
    engine did before) and in a warm script worker (what it does now)."""
    from engine.bpmn import policy, sandbox
    code, data = policy.compile_checked("decision == 'approve'", "eval"), {"decision": "x"}
    started = time.perf_counter()
    for _ in range(count):
        eval(code, {**data, "__builtins__": {}})  # noqa: S307 - a constant expression
    in_process = (time.perf_counter() - started) / count
    bounds = sandbox.Bounds()
    sandbox.evaluate("decision == 'approve'", data, {}, None, bounds, 5)  # a warm worker
    started = time.perf_counter()
    for _ in range(count):
        sandbox.evaluate("decision == 'approve'", data, {}, None, bounds, 5)
    return {"in_process_us": round(in_process * 1e6, 1),
            "script_worker_us": round((time.perf_counter() - started) / count * 1e6, 1)}


def _app(database_url, data_dir):
    from api import create_app
    from api.config import TestConfig
    from api.setup import prepare
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI, config.DATA_DIR = database_url, Path(data_dir)
    config.ADMIN_USER, config.ADMIN_PASSWORD = "admin", "bench-admin-pw"
    app = create_app(config.finalize())
    prepare(app)
    return app


def services(count, database_url, data_dir):
    from engine.catalogue import loading
    from engine.dossier import intake, tasks
    from engine.kernel.context import SYSTEM_ADMIN, Ctx
    from engine.store import db
    app = _app(database_url, data_dir)
    latencies = []
    with app.app_context():
        clock = app.extensions["motcua.clock"]
        settings = app.config["SETTINGS"]
        admin = Ctx(db.session(), clock, SYSTEM_ADMIN, settings=settings)
        loading.load_people(admin, json.loads((ROOT / "processes/demo.json").read_text()))
        loading.load_procedure_folder(admin, FOLDER)
        people = {name: Ctx(db.session(), clock, _actor(db.session(), name), settings=settings)
                  for name in ("reception", "officer", "leader")}
        who = {"Task_Check": "reception", "Task_Review": "officer", "Task_Fee": "reception",
               "Task_Approve": "leader"}

        def timed(fn, *args, **kwargs):
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            latencies.append(time.perf_counter() - started)
            return result

        def one():
            dossier = timed(intake.open_dossier, people["reception"], "1.001612",
                            {"name": "A"}, "direct", handling_unit="UBND.PHUHOI")
            open_tasks = [t for t in dossier.tasks if t.status == "open"]
            while open_tasks:
                task = open_tasks[0]
                ctx = people[who[task.element_id]]
                timed(tasks.claim, ctx, task.id)
                _, open_tasks = timed(tasks.complete, ctx, task.id, FORM_DATA[task.element_id])
        per = _per_dossier(one, count)
    latencies.sort()
    return per, {"p50_ms": _ms(latencies[len(latencies) // 2]),
                 "p95_ms": _ms(latencies[int(len(latencies) * 0.95)]),
                 "commands": len(latencies)}


def timers(count, database_url, data_dir):
    """Fire `count` due boundary timers in one process: timers per second."""
    from datetime import timedelta

    from engine.dossier import intake
    from engine.catalogue import procedures
    from engine.scheduling import scheduler
    from engine.kernel.context import SYSTEM_ADMIN, Ctx
    from engine.store import db
    from tests.api.conftest_data import boundary_bpmn
    app = _app(database_url, data_dir)
    with app.app_context():
        clock = app.extensions["motcua.clock"]
        settings = app.config["SETTINGS"]
        admin = Ctx(db.session(), clock, SYSTEM_ADMIN, settings=settings)
        procedures.create_procedure(admin, "BENCH.T", "Timers", "UBND.PHUHOI",
                                    {"value": 30, "unit": "working_days"})
        procedures.deploy_version(admin, "BENCH.T", boundary_bpmn("PT1S"))
        reception = Ctx(db.session(), clock, _actor(db.session(), "reception"),
                        settings=settings)
        for _ in range(count):
            intake.open_dossier(reception, "BENCH.T", {"name": "A"}, "direct")
        clock.advance(timedelta(seconds=5))
        started = time.perf_counter()
        fired = scheduler.fire_due(admin, "bench", max_batches=count)
        elapsed = time.perf_counter() - started
    return round(fired / elapsed, 1)


def _actor(session, username):
    from engine.people.directory import actor_for, get_user
    return actor_for(session, get_user(session, username).id)


def _ms(seconds):
    return round(seconds * 1000, 3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    n = args.dossiers
    raw_mem, _ = raw_spiff(n, persist=False)
    raw_persist, raw_size = raw_spiff(n, persist=True)
    ours, our_size = facade(n)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        stack, latency = services(max(n // 2, 10), url, tmp)
        timers_per_second = timers(n, url, tmp)
    figures = {
        "dossiers": n, "steps_per_dossier": 4,
        "ms_per_dossier": {"raw_spiff_in_memory": _ms(raw_mem),
                           "raw_spiff_with_serialize_each_step": _ms(raw_persist),
                           "engine_bpmn_facade": _ms(ours), "services_with_database": _ms(stack)},
        "state_bytes": {"raw_spiff_serialize_json": round(raw_size),
                        "engine_bpmn_dump": round(our_size)},
        "ratios": {"facade_vs_raw_persisting": round(ours / raw_persist, 3),
                   "facade_vs_raw_in_memory": round(ours / raw_mem, 3),
                   "services_vs_raw_persisting": round(stack / raw_persist, 3),
                   "state_size_vs_raw": round(our_size / raw_size, 3)},
        "service_command_latency": latency,
        "dossiers_per_second_services": round(1 / stack, 1),
        "bpmn_timers_fired_per_second_one_scheduler": timers_per_second,
        "evaluation_overhead": sandbox_overhead(),
        "database": "postgresql" if args.database_url else "sqlite",
    }
    json.dump(figures, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
