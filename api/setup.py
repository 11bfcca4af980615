"""Database wiring, and `prepare`: what makes the platform ready to serve.

Building the app writes nothing. `prepare(app)` creates the data folder,
applies pending migrations and creates the first administrator, one process at
a time (an advisory lock on PostgreSQL, a file lock beside the SQLite file),
and settles the secret key and the audit key file; the gunicorn master and the
CLI commands that need a ready database call it, and any number of processes
may call it at once. However the app is served (gunicorn without its config
file, `flask run`, any WSGI server), each process also prepares once before
its first request (`register_preparation`) unless AUTO_MIGRATE is off (tests).
"""
import fcntl
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_migrate import Migrate, upgrade
from sqlalchemy import text

from engine.kernel import audit, logs
from engine.deadlines import acceptance_clock
from engine.kernel.clock import OffsetClock, SystemClock
from engine.kernel.context import SYSTEM_ADMIN, Ctx
from engine.kernel.errors import Conflict
from engine.people.directory import create_user, needs_admin
from engine.kernel.uow import side_read, sqlite_begin

from .config import _persistent_secret

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "engine" / "store" / "migrations")
migrations = Migrate(directory=MIGRATIONS)
ADVISORY_LOCK = 7_420_001  # serialises concurrent start-ups on PostgreSQL
PREPARED = "motcua.prepared"  # app.extensions: this process has prepared the platform
# Endpoints that answer from what they find: if preparing fails (the database
# is down), /healthz still says so (503 "database unreachable") rather than 500.
TOLERANT = frozenset({"healthz", "metrics"})
log = logs.get("setup")


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
            return timedelta(microseconds=acceptance_clock.read_offset(conn))

    def write(offset):
        with engine.begin() as conn:
            acceptance_clock.write_offset(conn, offset // timedelta(microseconds=1))
    return OffsetClock(read, write)


def register_secret(app):
    """Without a configured key, the one kept in DATA_DIR is read at the first request
    (and generated then if `prepare` has not run), never when the app is built. (The
    event log's keys are settings: `engine.kernel.audit.keyring(ctx.settings)`.)"""
    if app.config["SECRET_KEY"]:
        return

    def load_secret():
        if not app.config["SECRET_KEY"]:
            app.config["SECRET_KEY"] = _persistent_secret(app.config["DATA_DIR"])
    app.before_request(load_secret)

    class KeyReadFirst(SecureCookieSessionInterface):
        """The session cookie is opened before any `before_request`: read the key first."""

        def get_signing_serializer(self, app):
            load_secret()
            return super().get_signing_serializer(app)
    app.session_interface = KeyReadFirst()


def register_preparation(app):
    """Prepare the platform before the first request this process serves, once
    (a flag, then nothing per request); requests arriving meanwhile wait for it.
    Nothing when AUTO_MIGRATE is off: the tests prepare their database themselves.
    A failure is retried at the next request."""
    if not app.config["AUTO_MIGRATE"]:
        return
    lock = threading.Lock()

    def prepare_once():
        if app.extensions.get(PREPARED):
            return
        with lock:
            if app.extensions.get(PREPARED):
                return  # another thread of this process prepared while we waited
            try:
                prepare(app)
            except Exception:  # noqa: BLE001 - raised again unless the endpoint copes
                if request.endpoint not in TOLERANT:
                    raise
                log.exception("preparing the platform failed")
    app.before_request(prepare_once)


def prepare(app):
    """Make the platform ready: data folder, migrations (when AUTO_MIGRATE), first
    administrator, secret key, audit key file. Idempotent; safe from many processes
    at once."""
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    with app.app_context():
        with start_lock(app.extensions["motcua.db"].engine):
            if app.config["AUTO_MIGRATE"]:
                upgrade(directory=MIGRATIONS)
            bootstrap(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _persistent_secret(app.config["DATA_DIR"])
    settings = app.config["SETTINGS"]
    if not settings.audit_key and settings.audit_key_file:
        audit.key_file(settings.audit_key_file).ensure()
    app.extensions[PREPARED] = True


@contextmanager
def start_lock(engine):
    """Hold the start-up lock: migrations are applied by one process at a time, the
    others then find nothing left to apply. A lock file, not SQLite's own locking: a
    migration is several transactions, and a loser would see "database is locked"."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        database = Path(engine.url.database)
        database.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{database}.migrate.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            yield
    else:
        yield  # an in-memory database lives in one process


def bootstrap(app):
    """Create the configured administrator when the database has no admin yet."""
    username, password = app.config.get("ADMIN_USER"), app.config.get("ADMIN_PASSWORD")
    if not (username and password):
        return
    db = app.extensions["motcua.db"]
    if not needs_admin(db.session, username):
        return
    ctx = Ctx(db.session(), app.extensions["motcua.clock"], SYSTEM_ADMIN,
              settings=app.config["SETTINGS"])
    try:
        create_user(ctx, username, password, full_name="Administrator", roles=["admin"])
    except Conflict:
        pass  # another worker starting at the same moment created it
