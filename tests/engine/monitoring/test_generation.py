"""engine.monitoring.generation: a generated year on the demo (issue 11, item 6).

The generator's working-time table answers as the calendar maths do; the counts
it returns are those of the rows it wrote; every event chain verifies; the same
seed on the same empty database writes the same rows; every shipped procedure
is served in every commune that may handle it, at the desks, online and by
post, in realistic shares; and without the demo it says so, plainly. (That its
rows are the services' own, replayed command by command, and that an open
generated dossier goes on through the API: tests/api/test_generate_data.py.)"""
import json
import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from engine.catalogue.loading import load_procedure_folder
from engine.deadlines import ladder
from engine.deadlines.worktime import (add_working_time, build_calendar, next_working_instant,
                                       working_time_between)
from engine.dossier import status
from engine.kernel import audit, events
from engine.kernel.errors import Conflict, Forbidden, Invalid
from engine.kernel.settings import Settings
from engine.monitoring.generation import generate
from engine.deadlines.worktable import WorkTable
from engine.store.dossiers import Dossier, DossierParty, DossierSequence, Task, TaskCandidate
from engine.store.events import Event
from engine.store.facts import DossierFacts
from engine.store.people import Unit
from engine.store.procedures import Procedure
from engine.store.timers import Timer

from ...conftest import PROCESSES, VN

YEAR = 2025
NOW = datetime(2025, 12, 18, 10, 0, tzinfo=VN)  # mid-December: some lives still go on
SHIPPED = sorted(p.parent.name for p in PROCESSES.glob("*/procedure.json"))


def deploy_all(admin_ctx):
    for folder in SHIPPED:
        load_procedure_folder(admin_ctx, PROCESSES / folder)
    admin_ctx.session.close()


@pytest.fixture
def shipped(demo, admin_ctx):
    deploy_all(admin_ctx)


@pytest.fixture
def year(shipped, admin_ctx):
    counts = generate(admin_ctx, 300, YEAR, seed=5, now=NOW)
    admin_ctx.session.close()
    return counts


# -- the working-time table ----------------------------------------------------------

def _instants(rng, count):
    """Random instants of 2025-2026, a third of them on a session's edge."""
    edges = [(7, 30), (11, 30), (13, 0), (17, 0)]
    for _ in range(count):
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
        hour, minute = rng.choice(edges) if rng.random() < 0.33 else (
            rng.randrange(24), rng.randrange(60))
        yield datetime(day.year, day.month, day.day, hour, minute, rng.randrange(60),
                       tzinfo=VN)


def test_the_work_table_answers_as_the_calendar_maths():
    cal = build_calendar([(date(2025, 5, 3), "working_day"), (date(2025, 6, 4), "day_off")])
    table, rng = WorkTable(cal, date(2024, 12, 1), date(2028, 12, 31)), random.Random(3)
    policy = Settings()
    amounts = [timedelta(), timedelta(hours=1), timedelta(hours=4), timedelta(hours=8),
               timedelta(hours=3, seconds=1), timedelta(days=1), cal.day_length * 30]
    for start, end in zip(_instants(rng, 400), _instants(rng, 400)):
        assert table.next_working(start) == next_working_instant(start, cal)
        assert table.between(start, end) == working_time_between(start, end, cal)
        for amount in amounts:
            mine, theirs = table.add(start, amount), add_working_time(start, amount, cal)
            assert (mine, mine.isoformat()) == (theirs, theirs.isoformat()), (start, amount)
        for value, unit in ((1, "working_days"), (15, "working_days"), (4, "hours"),
                            (30, "days")):
            assert table.statutory_due(start, value, unit).isoformat() == \
                ladder.statutory_due(start, value, unit, cal).isoformat()
        due = table.step_due(start, "4d")
        assert table.ladder(start, due, policy) == ladder.ladder(start, due, cal, policy)


# -- a generated year ---------------------------------------------------------------

def _outcome(dossier, appointment):
    if dossier.status in (status.RESOLVED, status.RETURNED):
        resolved, due = dossier.resolved_at.astimezone(VN), appointment.astimezone(VN)
        if resolved.date() < due.date():
            return "resolved_early"
        return "resolved_on_time" if resolved <= due else "resolved_late"
    if dossier.status in status.WORKING:
        return "open_overdue" if dossier.due_at < NOW else "open_in_progress"
    return {"supplement": "open_waiting_supplement", "new": "new_awaiting_reception"}.get(
        dossier.status, dossier.status)


def _recount(db) -> dict:
    """The figures of the report, counted again from the raw rows."""
    dossiers = db.scalars(select(Dossier)).all()
    codes = dict(db.execute(select(Procedure.id, Procedure.code)).all())
    appointments, supplements = {}, Counter()
    for event in db.scalars(select(Event).where(Event.dossier_id.is_not(None))
                            .order_by(Event.stream, Event.seq)):
        if event.type in ("dossier.received", "dossier.supplement_received") and \
                event.detail.get("due_at"):
            appointments[event.dossier_id] = datetime.fromisoformat(event.detail["due_at"])
        if event.type == "dossier.supplement_requested":
            supplements["at_reception" if event.detail.get("at_reception")
                        else "in_processing"] += 1
    return {
        "dossiers": len(dossiers),
        "by_procedure": Counter(codes[d.procedure_id] for d in dossiers),
        "by_channel": Counter(d.channel for d in dossiers),
        "by_outcome": Counter(_outcome(d, appointments.get(d.id)) for d in dossiers),
        "apologised": sum(d.extended_to is not None for d in dossiers),
        "returned": sum(d.status == "returned" for d in dossiers),
        "supplements": supplements,
        "events": db.query(Event).filter(Event.dossier_id.is_not(None)).count(),
        "steps": db.query(Task).count(),
        "timers": db.query(Timer).filter(Timer.fired_at.is_(None),
                                         Timer.cancelled_at.is_(None)).count()}


def test_the_counts_it_returns_are_those_of_the_rows(year, db):
    counted = _recount(db)
    for key, value in counted.items():
        expected = year[key]
        if isinstance(value, Counter):
            expected = {k: v for k, v in expected.items() if v}
        assert value == expected, key
    assert sum(year["by_outcome"].values()) == 300 == year["dossiers"]
    assert (year["year"], year["seed"], year["now"]) == (YEAR, 5, NOW.isoformat())


def test_every_procedure_in_every_commune_at_every_kind_of_desk_in_realistic_shares(year, db):
    served = set(db.execute(select(Procedure.code, Unit.code).join(
        Dossier, Dossier.procedure_id == Procedure.id).join(
        Unit, Unit.id == Dossier.handling_unit_id).distinct()).all())
    communes = ["UBND.KIMLONG", "UBND.PHUHOI", "UBND.PHUVANG", "UBND.THUANHOA"]
    codes = [json.loads((PROCESSES / f / "procedure.json").read_text("utf-8"))["code"]
             for f in SHIPPED]
    assert served == {(c, u) for c in codes if c != "2.000488" for u in communes} | {
        ("2.000488", "CA")}  # the judicial record: the provincial police
    desks = {code for (code,) in db.execute(select(Unit.code).join(
        Dossier, Dossier.receiving_unit_id == Unit.id).join(
        Procedure, Procedure.id == Dossier.procedure_id).where(Procedure.code == "2.000488"))}
    assert "TTPVHCC" in desks and desks & {f"{c}.MC" for c in communes}
    assert 0.4 <= year["by_channel"]["online"] / 300 <= 0.6 and year["by_channel"]["post"]
    outcome = year["by_outcome"]
    resolved = outcome["resolved_early"] + outcome["resolved_on_time"] + outcome["resolved_late"]
    assert (outcome["resolved_early"] + outcome["resolved_on_time"]) / resolved > 0.9
    assert 0 < outcome["resolved_late"] / resolved < 0.1
    for figure in ("withdrawn", "refused", "stopped", "open_in_progress"):
        assert outcome[figure] > 0, figure
    assert year["apologised"] and all(year["supplements"].values())
    received = db.scalars(select(Dossier.received_at).where(
        Dossier.received_at.is_not(None))).all()
    cal = build_calendar()  # 26 April 2025, a Saturday, was worked (for 2 May)
    assert all(at.year == YEAR and cal.is_working_day(at.date())
               and (7, 30) <= (at.hour, at.minute) <= (17, 0)
               and not (11, 30) < (at.hour, at.minute) < (13, 0)
               for at in (at.astimezone(VN) for at in received))


def test_every_chain_verifies_and_a_tampered_one_does_not(year, db, app):
    counts, broken = events.verify_all(db, audit.keyring(app.config["SETTINGS"]))
    others = db.query(Event).filter(Event.dossier_id.is_(None)).count()  # units, users...
    assert broken is None and counts["events"] == year["events"] + others
    first = db.scalars(select(Event).where(Event.type == "task.completed").limit(1)).one()
    first.detail = {**first.detail, "data": {}}
    db.commit()
    assert events.verify_all(db, audit.keyring(app.config["SETTINGS"]))[1].stream == first.stream


def _snapshot(db) -> dict:
    codes = dict(db.execute(select(Dossier.id, Dossier.code)).all())
    rows = {}
    for model in (Dossier, Task, TaskCandidate, DossierParty, Timer, Event, DossierSequence,
                  DossierFacts):
        table = model.__table__
        found = [dict(row._mapping) for row in db.execute(select(table))]
        for row in found:
            row.pop("id", None)
            if "dossier_id" in row:
                row["dossier_id"] = codes.get(row["dossier_id"])
        rows[table.name] = sorted(
            found, key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return rows


def _wipe(db):
    db.execute(delete(Event).where(Event.dossier_id.is_not(None)))
    for model in (DossierFacts, Timer, TaskCandidate, Task, DossierParty, Dossier,
                  DossierSequence):
        db.execute(delete(model))
    db.commit()


def test_the_same_seed_on_the_same_empty_database_writes_the_same_rows(shipped, admin_ctx, db):
    first = generate(admin_ctx, 60, YEAR, seed=9, now=NOW)
    before = _snapshot(db)
    _wipe(db)
    again = generate(admin_ctx, 60, YEAR, seed=9, now=NOW)
    assert {**again, "seconds": 0} == {**first, "seconds": 0}
    assert _snapshot(db) == before
    _wipe(db)
    generate(admin_ctx, 60, YEAR, seed=10, now=NOW)
    assert _snapshot(db)["dossier"] != before["dossier"]


def test_a_second_run_numbers_after_the_first(shipped, admin_ctx, db):
    generate(admin_ctx, 40, YEAR, seed=1, now=NOW)
    generate(admin_ctx, 40, YEAR, seed=1, now=NOW)  # the same days: the codes go on
    codes = db.scalars(select(Dossier.code)).all()
    assert len(codes) == len(set(codes)) == 80
    last = {(row.agency_code, row.day): row.last for row in db.scalars(select(DossierSequence))}
    numbers = Counter((code[:13], datetime.strptime(code[14:20], "%y%m%d").date())
                      for code in codes)
    assert last == dict(numbers)


def test_without_the_demo_it_says_to_load_it(admin_ctx):
    with pytest.raises(Conflict, match="load the demo"):
        generate(admin_ctx, 10, YEAR)


@pytest.mark.parametrize("dossiers, year_, now, field", [
    (0, YEAR, None, "dossiers"), (10, 1999, None, "year"),
    (10, YEAR, datetime(2024, 12, 1, tzinfo=VN), "now"),
    (10, YEAR, datetime(2028, 1, 2, tzinfo=VN), "now")])
def test_what_it_refuses(shipped, admin_ctx, dossiers, year_, now, field):
    with pytest.raises(Invalid) as error:
        generate(admin_ctx, dossiers, year_, now=now)
    assert error.value.errors[0]["field"] == field


def test_only_an_administrator_generates(admin_ctx):
    from engine.kernel.context import Actor, Ctx
    officer = Ctx(admin_ctx.session, admin_ctx.clock, Actor("x", roles=frozenset({"officer"})),
                  admin_ctx.settings)
    with pytest.raises(Forbidden):
        generate(officer, 10, YEAR)
