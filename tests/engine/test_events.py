"""The event log is hash-chained per stream: tampering is evident."""
from sqlalchemy import select, update

from engine import events
from engine.store.events import Event


def test_chain_verifies_and_detects_tampering(admin_ctx, db):
    from engine.people import create_unit
    create_unit(admin_ctx, "A", "Unit A")
    create_unit(admin_ctx, "B", "Unit B", parent="A")
    assert events.verify_stream(db, "system") is None
    rows = list(db.scalars(select(Event).where(Event.stream == "system").order_by(Event.seq)))
    assert [r.type for r in rows] == ["user.created", "unit.created", "unit.created"]
    assert [r.seq for r in rows] == [1, 2, 3] and rows[0].prev_hash == events.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    db.execute(update(Event).where(Event.id == rows[1].id).values(detail={"code": "Z"}))
    db.commit()
    assert events.verify_stream(db, "system") == 2
