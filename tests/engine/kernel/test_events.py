"""The event log is hash-chained per stream: tampering is evident."""
from sqlalchemy import select, update

from api.config import TestConfig
from engine.dossier import intake, tasks
from engine.kernel import audit, events
from engine.kernel.context import Ctx
from engine.people.directory import actor_for, get_user
from engine.store.events import Event

KEYRING = audit.keyring(TestConfig.SETTINGS)  # what sealed the events


def _ctx(admin_ctx, username):
    user = get_user(admin_ctx.session, username)
    return Ctx(admin_ctx.session, admin_ctx.clock, actor_for(admin_ctx.session, user.id),
               settings=admin_ctx.settings)


def test_dossier_chain_verifies_and_detects_tampering(household, admin_ctx, db):
    reception = _ctx(admin_ctx, "reception")
    dossier = intake.open_dossier(reception, household, {"name": "A"}, "direct",
                                  handling_unit="UBND.PHUHOI")
    tasks.claim(reception, dossier.tasks[0].id)
    rows = list(db.scalars(select(Event).where(Event.stream == dossier.code)
                           .order_by(Event.seq)))
    assert [r.type for r in rows] == ["dossier.received", "task.opened", "task.claimed"]
    assert [r.seq for r in rows] == [1, 2, 3] and rows[0].prev_hash == events.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    assert events.verify_stream(db, dossier.code, KEYRING) is None
    db.execute(update(Event).where(Event.id == rows[1].id).values(actor="mallory"))
    db.commit()
    assert events.verify_stream(db, dossier.code, KEYRING) == 2


def test_catalogue_and_people_changes_chain_per_entity(demo, db):
    streams = set(db.scalars(select(Event.stream)))
    assert {"unit:UBND", "user:reception", "user:admin"} <= streams
    assert all(events.verify_stream(db, stream, KEYRING) is None for stream in streams)


def test_every_chain_is_walked_and_the_first_broken_event_named(demo, db):
    counts, broken = events.verify_all(db, KEYRING)
    assert broken is None and counts["unkeyed"] == 0
    assert counts["streams"] == len(set(db.scalars(select(Event.stream))))
    assert counts["events"] == len(db.scalars(select(Event.id)).all())
    later = db.scalar(select(Event).where(Event.stream == "user:reception"))
    earlier = db.scalar(select(Event).where(Event.stream == "unit:UBND"))
    for row in (later, earlier):
        db.execute(update(Event).where(Event.id == row.id).values(type="forged"))
    db.commit()
    _, broken = events.verify_all(db, KEYRING)
    assert (broken.stream, broken.seq) == ("unit:UBND", 1)  # by stream, then sequence
    assert broken.reason == "its content does not match its hash"


def test_a_chain_sealed_by_a_key_not_in_the_keyring_fails(demo, db):
    db.execute(update(Event).where(Event.stream == "unit:UBND").values(key_id="gone"))
    db.commit()
    assert events.verify_stream(db, "unit:UBND", KEYRING) == 1
    _, broken = events.verify_all(db, KEYRING)
    assert broken.reason == "sealed with an unknown key 'gone'"
