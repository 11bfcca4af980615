"""The supervisors' reads on a generated year, printed as JSON.

Fills a PostgreSQL database (emptied first) with `--dossiers` generated
dossiers over `--year` (`flask generate-data`'s engine function), then times,
as the province supervisor sees them: the overdue list's first page, and the
reconciled report of the whole year by each grouping (median of `--repeat`
runs after one warm run), the heatmap of the busiest procedure and the scores
of the year. Raw SpiffWorkflow runs one business-household dossier in this
same process, so each figure is also a ratio to it.
Run: `make bench-monitoring` or `python -m bench.monitoring [--dossiers N]`.
"""
import argparse
import json
import statistics
import tempfile
import time
from datetime import date, datetime, timezone

from sqlalchemy import create_engine, text

from .run import ROOT, _actor, _app, _ms, raw_spiff

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_monitoring"


def _empty(database_url):
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _median(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(dossiers, year, database_url, repeat, seed):
    from engine.kernel.context import SYSTEM_ADMIN, Ctx
    from engine.monitoring import heatmap, overdue, scores, stats
    from engine.monitoring.generation import generate
    from engine.store import db
    _empty(database_url)
    app = _app(database_url, tempfile.mkdtemp())
    with app.app_context():
        clock, settings = app.extensions["motcua.clock"], app.config["SETTINGS"]
        admin = Ctx(db.session(), clock, SYSTEM_ADMIN, settings=settings)
        _load_demo(admin)
        started = time.perf_counter()
        expected = generate(admin, dossiers=dossiers, year=year, seed=seed)
        generation = time.perf_counter() - started
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        clock.set(datetime(year, 12, 31, 10, 0, tzinfo=timezone.utc))
        supervisor = Ctx(db.session(), clock, _actor(db.session(), "supervisor"),
                         settings=settings)
        first, last = date(year, 1, 1), date(year, 12, 31)
        busiest = max(expected["by_procedure"], key=expected["by_procedure"].get)
        figures = {
            "overdue_first_page_ms": _ms(_median(lambda: overdue.overdue(supervisor), repeat)),
            **{f"year_report_by_{group}_ms": _ms(_median(
                lambda g=group: stats.report(supervisor, first, last, g), repeat))
               for group in stats.GROUPS},
            "heatmap_year_ms": _ms(_median(lambda: heatmap.heatmap(
                supervisor, busiest, 1, first, last), max(1, repeat // 3))),
            "scores_year_ms": _ms(_median(lambda: scores.scores(supervisor, first, last),
                                          max(1, repeat // 3))),
        }
        total = stats.report(supervisor, first, last, "procedure")["total"]
    return generation, expected, figures, total


def _load_demo(admin):
    """What `flask load-demo` loads: the demo people and every shipped procedure."""
    from engine.catalogue import loading
    processes = ROOT / "processes"
    loading.load_people(admin, json.loads((processes / "demo.json").read_text(encoding="utf-8")))
    for folder in sorted(p for p in processes.iterdir() if (p / "procedure.json").exists()):
        loading.load_procedure_folder(admin, folder)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="a PostgreSQL database, emptied first")
    args = parser.parse_args(argv)
    raw, _ = raw_spiff(20, persist=False)
    generation, expected, figures, total = measure(args.dossiers, args.year,
                                                   args.database_url, args.repeat, args.seed)
    print(json.dumps({
        "dossiers": args.dossiers, "year": args.year,
        "generation_seconds": round(generation, 1),
        "generation_dossiers_per_second": round(args.dossiers / generation, 1),
        "events": expected.get("events"), "steps": expected.get("steps"),
        "raw_spiff_dossier_ms": _ms(raw),
        **figures,
        "ratios_to_raw_spiff_dossier": {name: round(value / _ms(raw), 2)
                                        for name, value in figures.items()},
        "targets": {"overdue_first_page_ms": 50, "year_report_ms": 500},
        "year_total": total,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
