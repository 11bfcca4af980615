"""The reconciled report on a generated year equals an independent count.

The count here walks each dossier's raw rows in Python: its `created_at` and
`channel` columns, then its events in order up to the period's end (the first
closing one, the supplements asked and answered, the receipts' due times, the
moves), with the DOMAIN.md definitions written again from scratch. Every cut
of several periods must equal the report's, row by row, and reconcile."""
from collections import defaultdict
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.catalogue.loading import load_procedure_folder
from engine.kernel.clock import VN
from engine.monitoring import stats
from engine.monitoring.generation import generate
from engine.monitoring.period import period
from engine.store.dossiers import Dossier
from engine.store.events import Event
from engine.store.people import Unit
from engine.store.procedures import Procedure

from ...conftest import PROCESSES

YEAR = 2025
PERIODS = [(date(2025, 1, 1), date(2025, 1, 31)), (date(2025, 4, 1), date(2025, 6, 30)),
           (date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 12, 1), date(2025, 12, 31))]
CLOSING = {"dossier.resolved": "resolved", "dossier.withdrawn": "withdrawn",
           "dossier.refused": "refused", "dossier.stopped": "stopped"}


@pytest.fixture
def year(demo, admin_ctx):
    for folder in sorted(p for p in PROCESSES.iterdir() if (p / "procedure.json").exists()):
        load_procedure_folder(admin_ctx, folder)
    expected = generate(admin_ctx, dossiers=400, year=YEAR, seed=7)
    admin_ctx.session.close()
    return expected


def _raw(session):
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    procedures = {row.id: row for row in session.execute(
        select(Procedure.id, Procedure.code, Procedure.level, Procedure.field))}
    dossiers = {d.id: d for d in session.execute(select(
        Dossier.id, Dossier.created_at, Dossier.channel, Dossier.procedure_id,
        Dossier.receiving_unit_id, Dossier.handling_unit_id))}
    events = defaultdict(list)
    for event in session.execute(select(Event.dossier_id, Event.type, Event.at, Event.detail)
                                 .where(Event.dossier_id.is_not(None))
                                 .order_by(Event.at, Event.id)):
        events[event.dossier_id].append(event)
    return units, procedures, dossiers, events


def _life(events, end):
    """What happened to one dossier before `end`: its closing kind and when, its
    appointment, apologised, waiting for papers, and its handling unit's code if
    it moved (None if it never did)."""
    life = {"closing": None, "closed_at": None, "appointment": None, "apologised": False,
            "waiting": False, "unit": None, "first_from": None}
    for event in events:
        if event.type == "dossier.moved":
            before = event.at < end
            if before:
                life["unit"] = event.detail["to"]
            elif life["first_from"] is None:
                life["first_from"] = event.detail["from"]
        elif event.at < end and life["closing"] is None:
            _step(life, event)
    return life


def _step(life, event):
    if event.type in CLOSING:
        life["closing"], life["closed_at"] = CLOSING[event.type], event.at
    elif event.type == "clock.extended":
        life["apologised"] = True
    elif event.type == "dossier.supplement_requested":
        life["waiting"] = True
    elif event.type == "dossier.supplement_received":
        life["waiting"] = False
    if event.type in ("dossier.received", "dossier.supplement_received") and \
            event.detail.get("due_at"):
        life["appointment"] = datetime.fromisoformat(event.detail["due_at"])


def _outcome(life, end):
    if life["closing"] == "resolved":
        resolved, appointment = life["closed_at"], life["appointment"]
        if resolved.astimezone(VN).date() < appointment.astimezone(VN).date():
            return "early"
        return "on_time" if resolved <= appointment else "late"
    if life["closing"] is not None:
        return life["closing"]
    if life["waiting"]:
        return "supplement"
    appointment = life["appointment"]
    return "within_time" if appointment is None or appointment > end else "overdue"


def _count(raw, start, end, group_by):
    units, procedures, dossiers, events = raw
    rows = defaultdict(lambda: defaultdict(int))
    for dossier_id, dossier in dossiers.items():
        life = _life(events[dossier_id], end)
        if dossier.created_at >= end or (life["closed_at"] is not None
                                         and life["closed_at"] < start):
            continue
        procedure = procedures[dossier.procedure_id]
        unit = life["unit"] or life["first_from"] or units[dossier.handling_unit_id]
        key = {"procedure": procedure.code, "level": procedure.level, "field": procedure.field,
               "channel": dossier.channel, "desk": units[dossier.receiving_unit_id],
               "unit": unit}[group_by]
        row = rows[key]
        row["carried_over" if dossier.created_at < start else dossier.channel] += 1
        row[_outcome(life, end)] += 1
        row["apologised"] += life["closing"] == "resolved" and life["apologised"]
    return rows


def _flat(figures):
    return {"carried_over": figures["received"]["carried_over"],
            **{name: figures["received"][name] for name in ("online", "direct", "post")},
            **{name: figures["resolved"][name]
               for name in ("early", "on_time", "late", "apologised")},
            **{name: figures["in_progress"][name] for name in ("within_time", "overdue")},
            **{name: figures[name] for name in ("supplement", "stopped", "withdrawn",
                                                "refused")}}


def _reconciles(figures):
    return (figures["received"]["carried_over"] + figures["received"]["total"]
            == figures["resolved"]["total"] + figures["in_progress"]["total"]
            + figures["supplement"] + figures["stopped"] + figures["withdrawn"]
            + figures["refused"])


@pytest.mark.parametrize("group_by", stats.GROUPS)
def test_every_cut_of_a_generated_year_equals_an_independent_count(year, admin_ctx, group_by):
    raw = _raw(admin_ctx.session)
    for date_from, date_to in PERIODS:
        span = period(admin_ctx, date_from, date_to)
        report = stats.report(admin_ctx, date_from, date_to, group_by)
        counted = _count(raw, span.start, span.end, group_by)
        assert {row["key"]: _flat(row) for row in report["rows"]} == {
            key: {name: row.get(name, 0) for name in _flat(report["total"])}
            for key, row in counted.items()}, (date_from, date_to)
        assert _reconciles(report["total"]) and all(_reconciles(r) for r in report["rows"])


def test_the_year_report_says_what_the_generator_printed(year, admin_ctx):
    report = stats.report(admin_ctx, date(YEAR, 1, 1), date(YEAR, 12, 31))["total"]
    made = year["by_outcome"]
    assert report["received"]["total"] == year["dossiers"] == 400
    assert {name: report["received"][name] for name in ("online", "direct", "post")} == \
        year["by_channel"]
    resolved = report["resolved"]
    assert (resolved["early"], resolved["on_time"], resolved["late"]) == (
        made["resolved_early"], made["resolved_on_time"], made["resolved_late"])
    assert (report["withdrawn"], report["refused"], report["stopped"], report["supplement"]) == (
        made["withdrawn"], made["refused"], made["stopped"], made["open_waiting_supplement"])
    assert report["in_progress"]["total"] == (made["open_in_progress"] + made["open_overdue"]
                                              + made["new_awaiting_reception"])
    assert min(made["resolved_early"], made["resolved_on_time"], made["resolved_late"],
               made["refused"], made["withdrawn"]) > 0
