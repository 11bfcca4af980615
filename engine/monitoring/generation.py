"""A year of realistic dossiers in a database, for reports, lists and benchmarks
(`flask --app wsgi generate-data`): `generate(ctx, dossiers, year, seed)`.

On a database with the demo loaded (its units, people and deployed procedures:
`generation_world`), `dossiers` dossiers are handed in over the working days of
`year`, across every deployed procedure and every unit that may handle it, at
the desks, online and by post; each lives a life drawn from realistic shares
(`generation_life.SHARES`): most resolved early or on time, a few late, some
apologised for with one extension, sent back for papers or asked for one
supplement, withdrawn, refused, stopped. Each procedure's diagram is walked
once by the real engine (`generation_templates`) and every dossier reuses that
walk with its own ids and values, so its state, steps, timers and event log are
what the services write (`generation_rows`), written in bulk
(`generation_write`). "Now" is the end of `year` (the first instant of the next
year, Vietnam time) unless `now` is given: a life that would go on past it stops
there, open (in progress, overdue, waiting for papers, or new online awaiting
reception). The same seed on the same empty database gives the same rows; a
second run numbers its dossiers after the first's.

The year is written as if no scheduler had run: closed dossiers keep no timer
rows and their log no reminder, overdue or escalation events; open ones have
their live timer rows (ladder, statutory clock, diagram timers), which a
scheduler started on the database fires when due. No documents are generated.

Returns (and the command prints) the counts expected from the rows: dossiers by
procedure, channel and outcome, apologised (extended) and returned ones,
supplements, events, steps and live timers written, and the seconds it took.
"""
import json
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..deadlines.ladder import transfer_by
from ..kernel.clock import VN
from ..kernel.errors import Invalid
from ..people.access import require_role
from ..store.dossiers import DossierSequence
from . import generation_life as life
from . import generation_templates as templates
from . import generation_write as writing
from .generation_data import APPLICANT
from .generation_rows import Dossier
from ..deadlines.worktable import WorkTable
from .generation_world import World

BATCH = 2000  # dossiers a transaction
YEARS = (2000, 2090)  # the calendar's data (lunar holidays) is sure in this span
LATER = 2  # years "now" may lie after the generated year
REFUSE = {"decision": "refuse"}
VARIANT_MASK = ~((0xF << 76) | (0x3 << 62))
VERSION_4 = (0x4 << 76) | (0x2 << 62)


class Env:
    """What every dossier's replay shares: the world, the calendar table, now."""

    def __init__(self, ctx, world, table, now):
        self.world, self.table, self.now = world, table, now
        self.cutoff, self.calendar = ctx.settings.transfer_cutoff, world.calendar

    def transfer_by(self, at):
        return transfer_by(at, self.calendar, self.cutoff)


def generate(ctx, dossiers: int, year: int, seed: int = 1, progress=None, now=None) -> dict:
    """Write `dossiers` dossiers handed in during `year`; returns the expected counts.
    `progress(n)` is called as each batch of n dossiers is written."""
    require_role(ctx.actor, "admin")
    started = time.perf_counter()
    now = _check(dossiers, year, now)
    world = World(ctx)
    for service in world.services:
        _walk(ctx, service)
    world.settle()
    ctx.session.rollback()  # nothing of the reads stays open during the writes
    table = WorkTable(world.calendar, date(year - 1, 12, 1),
                      max(now.astimezone(VN).date(), date(year, 12, 31)) + timedelta(days=1100))
    env = Env(ctx, world, table, now)
    places = _places(random.Random(seed), env, year, dossiers)
    _number(ctx.session, places)
    counts, ring = _counts(places), writing.keyring(ctx)
    counts.update(year=year, seed=seed, now=now.astimezone(VN).isoformat())
    for first in range(0, len(places), BATCH):
        chunk = places[first:first + BATCH]
        writing.write(ctx, [_dossier(env, seed, where, ring, counts) for where in chunk],
                      _last_numbers(chunk))
        if progress is not None:
            progress(len(chunk))
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _check(dossiers, year, now) -> datetime:
    if not isinstance(dossiers, int) or dossiers < 1:
        raise Invalid("Generate at least one dossier.", [{"field": "dossiers",
                                                         "message": "at least 1"}])
    if not YEARS[0] <= year <= YEARS[1]:
        raise Invalid(f"A year from {YEARS[0]} to {YEARS[1]}.", [{"field": "year",
                                                                 "message": "out of range"}])
    now = now or datetime(year + 1, 1, 1, tzinfo=VN)
    if now.tzinfo is None or now <= datetime(year, 1, 2, 17, 0, tzinfo=VN):
        raise Invalid("Now must be an instant with its offset, after the year's first days.",
                      [{"field": "now", "message": "before the year starts"}])
    if now > datetime(year + 1 + LATER, 1, 1, tzinfo=VN):
        raise Invalid(f"Now may be at most {LATER} years after the year.",
                      [{"field": "now", "message": "too long after the year"}])
    return now


def _walk(ctx, service) -> None:
    """The procedure's templates: its main path, and a refusal where a form decides."""
    service.templates["main"] = templates.build(ctx, service, "main", {})
    if any(_decides(form) for form in service.forms.values()):
        service.templates["refuse"] = templates.build(ctx, service, "refuse", REFUSE)


def _decides(form) -> bool:
    return any(component.get("key") == "decision" and any(
        option.get("value") == "refuse" for option in component.get("values") or [])
        for component in form.get("components", []))


def _places(rng, env, year, dossiers) -> list:
    """Where and when each dossier is handed in, in the order they were."""
    table, now = env.table, env.now
    last = min(date(year, 12, 31), (now - timedelta(hours=12)).astimezone(VN).date())
    days = [day for day in table.days if date(year, 1, 1) <= day <= last]
    if not days:
        raise Invalid("No working day of the year before now.",
                      [{"field": "now", "message": "before the year's first working day"}])
    places = []
    for index in range(dossiers):
        where = life.place(rng, env.world, table, days, index)
        while where.handed_in >= now:
            where = life.place(rng, env.world, table, days, index)
        places.append(where)
    places.sort(key=lambda where: (where.handed_in, where.index))
    return places


def _number(session, places) -> None:
    """Codes AGENCY-YYMMDD-NNNN in the order of hand-in, after those already issued."""
    days = {where.handed_in.astimezone(VN).date() for where in places}
    issued = {(row.agency_code, row.day): row.last for row in session.scalars(
        select(DossierSequence).where(DossierSequence.day >= min(days),
                                      DossierSequence.day <= max(days)))}
    session.rollback()
    for where in places:
        key = (where.desk.agency_code, where.handed_in.astimezone(VN).date())
        issued[key] = number = issued.get(key, 0) + 1
        where.code = f"{key[0]}-{key[1]:%y%m%d}-{number:04d}"
        where.number = (key, number)


def _last_numbers(chunk) -> dict:
    last = {}
    for where in chunk:
        key, number = where.number
        last[key] = max(last.get(key, 0), number)
    return last


def _dossier(env, seed, where, ring, counts) -> dict:
    """One dossier's rows, replayed up to now; its figures added to `counts`."""
    rng = random.Random(f"{seed}:{where.code}")  # a second run on the same days: new codes
    template, happenings = life.plan(rng, env, where)
    applicant = life.applicant(rng, where)
    fresh = {old: _uuid4(rng) for old in template.uuids}
    values = {old: f'"{new}"' for old, new in fresh.items()}
    values.update(_values(where, applicant))
    dossier = Dossier(env, where, template, values, fresh)
    dossier.play(happenings, env.now)
    rows = dossier.rows()
    service = where.service
    rows["dossier"].update(procedure_id=service.procedure_id, version_id=service.version_id,
                           receiving_unit_id=where.desk.id, handling_unit_id=where.handling.id,
                           channel=where.channel, applicant=applicant, overdue_at=None)
    rows["events"] = writing.chain(ring, where.code, dossier.events)
    _count(counts, dossier, rows, env.now)
    return rows


def _uuid4(rng) -> str:
    """A random (version 4) UUID from the dossier's own generator, so ids repeat with
    the seed."""
    text = f"{rng.getrandbits(128) & VARIANT_MASK | VERSION_4:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _values(where, applicant) -> dict:
    """The dossier's own values for the template's slots, as JSON."""
    values = {APPLICANT[key]: json.dumps(value, ensure_ascii=False)
              for key, value in applicant.items()}
    values.update({"@@code@@": json.dumps(where.code), "@@channel@@": json.dumps(where.channel),
                   templates.DAY: json.dumps(where.handed_in.astimezone(VN).date().isoformat())})
    return values


OUTCOMES = ("resolved_early", "resolved_on_time", "resolved_late", "withdrawn", "refused",
            "stopped", "open_in_progress", "open_overdue", "open_waiting_supplement",
            "new_awaiting_reception")


def _counts(places) -> dict:
    return {"dossiers": len(places), "by_procedure": dict(sorted(Counter(
        where.service.code for where in places).items())), "by_channel": dict(sorted(Counter(
            where.channel for where in places).items())),
        "by_outcome": dict.fromkeys(OUTCOMES, 0), "apologised": 0, "returned": 0,
        "supplements": {"at_reception": 0, "in_processing": 0}, "events": 0, "steps": 0,
        "timers": 0}


def _count(counts, dossier, rows, now) -> None:
    counts["by_outcome"][dossier.outcome(now)] += 1
    counts["apologised"] += dossier.row.extended_to is not None
    counts["returned"] += dossier.row.status == "returned"
    for event in rows["events"]:
        if event["type"] == "dossier.supplement_requested":
            where = "at_reception" if event["detail"].get("at_reception") else "in_processing"
            counts["supplements"][where] += 1
    counts["events"] += len(rows["events"])
    counts["steps"] += len(rows["tasks"])
    counts["timers"] += len(rows["timers"])
