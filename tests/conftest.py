"""Fixtures: `app`, `db`, `client`, `clock`, `login_as`, and demo data.

Tests run on a fresh SQLite file by default, or on the database named by
`--database-url` (the suite's PostgreSQL run). The schema comes from the
migrations; each test ends by emptying every table.
"""
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from api import create_app
from api.config import TestConfig
from api.setup import prepare
from engine.catalogue.loading import load_people, load_procedure_folder
from engine.kernel.clock import FrozenClock
from engine.kernel import logs
from engine.kernel.context import SYSTEM_ADMIN, Ctx
from engine.store import db as _db

from .openapi_responses import Recorder

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
DEMO = json.loads((PROCESSES / "demo.json").read_text(encoding="utf-8"))
PASSWORDS = {user["username"]: user["password"] for user in DEMO["users"]}
PASSWORDS["admin"] = "admin-test-password"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 4, 24, 9, 0, tzinfo=VN)  # a Friday morning


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None,
                     help="run against this database (default: a fresh SQLite file)")


# Test files that run real processes (servers, schedulers, browsers) or long matrices:
# collected first, so that pytest-xdist hands them out first and the run does not end
# waiting on one of them alone (the longest named first; the order of
# other files is kept).
LONG = ("tests/test_timers_live.py", "tests/test_crash.py", "tests/test_fuzz.py",
        "tests/api/test_authorization_matrix.py", "tests/test_", "tests/browser/",
        "tests/api/test_procedures_in_every_commune.py")


def _long_first(items):
    def rank(item):
        return next((i for i, prefix in enumerate(LONG) if item.nodeid.startswith(prefix)),
                    len(LONG))
    items.sort(key=rank)


def pytest_collection_modifyitems(config, items):
    """Long files first (`LONG`). With `--database-url`, only the tests that use the
    database: the others (lint, pure functions, runs on their own SQLite file)
    already ran in the SQLite half and cannot behave differently here."""
    _long_first(items)
    if not config.getoption("--database-url"):
        return
    used = [("database_url" in getattr(item, "fixturenames", ()), item) for item in items]
    if not all(uses for uses, _ in used):
        config.hook.pytest_deselected(items=[item for uses, item in used if not uses])
        items[:] = [item for uses, item in used if uses]


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    url = request.config.getoption("--database-url")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    if "test" not in engine.url.database:  # the schema is dropped: never a real database
        raise pytest.UsageError(f"refusing to wipe {engine.url.database}: not a test database")
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker:  # a pytest-xdist worker: a database of its own beside the given one
        engine, url = _worker_database(engine, f"{engine.url.database}_{worker}")
    with engine.begin() as conn:  # start from an empty schema: migrations build it
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _worker_database(engine, name):
    """`name` on the same server (created if missing): its engine and URL."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = engine.url.set(database=name)
    return create_engine(url), url.render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(autouse=True)
def _log_context():
    """Each test starts with no request, job or dossier in the log context, as
    each request and each scheduler job does."""
    with logs.bound(request_id=None, job_id=None, dossier=None):
        yield


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """Apply the migrations once, through the platform's start-up (`prepare`)."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.DATA_DIR = tmp_path_factory.mktemp("migrate")
    app = create_app(config.finalize())
    prepare(app)
    with app.app_context():
        _db.engine.dispose()
    return database_url


@pytest.fixture
def config(migrated, database_url, clock, tmp_path):
    config = TestConfig()
    config.AUTO_MIGRATE = False
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.CLOCK = clock
    config.DATA_DIR = tmp_path
    config.ADMIN_USER, config.ADMIN_PASSWORD = "admin", PASSWORDS["admin"]
    return config.finalize()


@pytest.fixture
def app(config):
    app = create_app(config)
    prepare(app)  # migrated already (AUTO_MIGRATE off): creates the configured admin
    answers = Recorder(app)  # each answer must be as the OpenAPI document says
    yield app
    answers.stop()
    mismatches = answers.mismatches()
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()
    if mismatches:
        pytest.fail("answers that contradict the OpenAPI document:\n" + "\n".join(mismatches),
                    pytrace=False)


# Every sequence back to 1, as TRUNCATE ... RESTART IDENTITY would (a TRUNCATE of
# every table costs about 190 ms a test here; deleting the few rows, 20 ms)
RESTART_SEQUENCES = """DO $$ DECLARE s record; BEGIN
  FOR s IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', s.sequencename);
  END LOOP; END $$"""


def _empty_tables():
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            conn.execute(text(RESTART_SEQUENCES))


@pytest.fixture
def db(app):
    """A session for direct checks; requests still get their own app context."""
    with app.app_context():
        engine = _db.engine
    with Session(bind=engine) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin_ctx(app, db, clock):
    return Ctx(db, clock, SYSTEM_ADMIN, settings=app.config["SETTINGS"])


@pytest.fixture
def demo(admin_ctx):
    """The demo units and users of processes/demo.json."""
    load_people(admin_ctx, DEMO)
    admin_ctx.session.close()
    return DEMO


@pytest.fixture
def household(demo, admin_ctx):
    """The shipped business-household procedure, deployed."""
    load_procedure_folder(admin_ctx, PROCESSES / "business-household")
    admin_ctx.session.close()
    return "1.001612"


class Caller:
    """A test client that sends one user's bearer token."""

    def __init__(self, client, token, username):
        self.client, self.username = client, username
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(url, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(url, headers=headers, **kwargs)
        return call


@pytest.fixture
def login_as(client):
    def login(username, password=None):
        response = client.post("/api/v1/auth/token", json={
            "username": username, "password": password or PASSWORDS[username]})
        assert response.status_code == 200, response.get_json()
        return Caller(client, response.get_json()["access_token"], username)
    return login


@pytest.fixture
def live_env(app, database_url, tmp_path):
    """Environment for real platform processes on the test database, demo loaded."""
    from .processes import flask, platform_env
    env = platform_env(database_url, tmp_path)
    flask(env, "load-demo")
    return env
