"""Database wiring, migrations at start-up, and the first administrator."""
from datetime import timedelta
from pathlib import Path

from flask_migrate import Migrate, upgrade
from sqlalchemy import select, text

from engine import clock_control
from engine.clock import OffsetClock, SystemClock
from engine.context import Actor, Ctx
from engine.errors import Conflict
from engine.people import create_user
from engine.store.people import User, UserRole
from engine.uow import side_read, sqlite_begin

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "engine" / "store" / "migrations")
migrations = Migrate(directory=MIGRATIONS)
ADVISORY_LOCK = 7_420_001  # serialises concurrent start-ups on PostgreSQL


def register_database(app, db):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    app.config.setdefault("SQLALCHEMY_SESSION_OPTIONS", {})
    db.init_app(app)
    migrations.init_app(app, db)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sqlite_begin(db.engine)
    app.extensions["motcua.db"] = db


def make_clock(app, config):
    """The configured clock: a test's, the shared acceptance-run clock, or the wall."""
    if getattr(config, "CLOCK", None) is not None:
        return config.CLOCK
    if not config.CLOCK_CONTROL:
        return SystemClock()
    with app.app_context():
        engine = app.extensions["motcua.db"].engine

    def read():
        with side_read(), engine.connect() as conn:
            return timedelta(microseconds=clock_control.read_offset(conn))

    def write(offset):
        with engine.begin() as conn:
            clock_control.write_offset(conn, offset // timedelta(microseconds=1))
    return OffsetClock(read, write)


def migrate(app):
    """Apply pending migrations (idempotent; one process at a time on PostgreSQL)."""
    db = app.extensions["motcua.db"]
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
            try:
                upgrade(directory=MIGRATIONS)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
    else:
        upgrade(directory=MIGRATIONS)


def bootstrap(app):
    """Create the configured administrator when the database has no admin yet."""
    username, password = app.config.get("ADMIN_USER"), app.config.get("ADMIN_PASSWORD")
    if not (username and password):
        return
    db = app.extensions["motcua.db"]
    if db.session.scalar(select(UserRole.user_id).where(UserRole.role == "admin").limit(1)):
        return
    if db.session.scalar(select(User.id).where(User.username == username)):
        return
    ctx = Ctx(db.session(), app.extensions["motcua.clock"],
              Actor(username="system", roles=frozenset({"admin"})))
    try:
        create_user(ctx, username, password, full_name="Administrator", roles=["admin"])
    except Conflict:
        pass  # another worker starting at the same moment created it
