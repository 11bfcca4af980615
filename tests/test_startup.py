"""Starting the platform: building the app or asking for `--help` writes
nothing; `prepare` (the gunicorn master, the CLI commands) and `flask db
upgrade` apply the migrations once however many processes start together, and
every starter ends with the same secret key. However the app is served
(gunicorn without its config file, `flask run`), each process prepares an empty
database before its first request."""
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from api import create_app, setup
from api.config import TestConfig, _persistent_secret
from api.setup import MIGRATIONS

from .processes import ROOT, Gunicorn, Server, _free_port, call, platform_env

HEAD = ScriptDirectory(MIGRATIONS).get_current_head()
PREPARE = "from api import create_app; from api.setup import prepare; prepare(create_app())"


def test_flask_help_writes_nothing(tmp_path):
    env = platform_env(None, tmp_path / "data", secret_key=None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "--help"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "load-demo" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no data folder, database or key


def _test_app(data, clock, auto_migrate=True, **extra):
    config = TestConfig()
    config.SECRET_KEY, config.DATA_DIR, config.CLOCK = None, data, clock
    config.AUTO_MIGRATE, config.ADMIN_USER, config.ADMIN_PASSWORD = auto_migrate, "admin", "pw"
    for name, value in extra.items():
        setattr(config, name, value)
    return create_app(config.finalize())


def test_create_app_writes_nothing_and_the_key_comes_at_first_use(tmp_path, clock):
    def fresh_app():  # AUTO_MIGRATE off, as in the tests: the first request prepares nothing
        return _test_app(tmp_path / "data", clock, auto_migrate=False)
    first = fresh_app()
    assert list(tmp_path.iterdir()) == []
    assert first.test_client().get("/api/v1/openapi.json").status_code == 200
    key = (tmp_path / "data" / "secret_key").read_text()
    second = fresh_app()  # another worker, or a restart
    assert second.test_client().get("/api/v1/openapi.json").status_code == 200
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]


def test_the_first_requests_prepare_an_empty_database_once(tmp_path, clock, monkeypatch):
    """Eight threads' first requests at once: one `prepare`, the others wait for
    it; later requests find the flag and prepare nothing."""
    app = _test_app(tmp_path / "data", clock)
    assert list(tmp_path.iterdir()) == []  # building the app wrote nothing
    calls, prepare = [], setup.prepare
    monkeypatch.setattr(setup, "prepare", lambda app: calls.append(1) or prepare(app))

    def health(_):  # what /healthz reads needs the tables
        return app.test_client().get("/healthz").get_json()["database"]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(health, range(8))) == ["ok"] * 8
    assert app.test_client().post("/api/v1/auth/token", json={  # the first administrator
        "username": "admin", "password": "pw"}).status_code == 200
    assert len(calls) == 1
    _schema_at_head(f"sqlite:///{tmp_path / 'data' / 'motcua.db'}")


def test_preparing_that_fails_is_a_500_but_healthz_says_unreachable(tmp_path, clock):
    """A database that cannot be prepared: the API answers problem+json 500, each
    request trying again; /healthz answers from what it finds (503)."""
    (tmp_path / "a-file").write_text("")
    url = f"sqlite:///{tmp_path / 'a-file' / 'motcua.db'}"  # its folder cannot be made
    client = _test_app(tmp_path / "data", clock, SQLALCHEMY_DATABASE_URI=url).test_client()
    for _ in range(2):
        response = client.post("/api/v1/auth/token", json={"username": "admin", "password": "pw"})
        assert response.status_code == 500 and response.is_json, response.get_data()
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["problems"]) == (
        503, ["database unreachable"])
    assert not client.application.extensions.get(setup.PREPARED)


def test_racing_starters_converge_on_one_secret_key(tmp_path):
    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _: _persistent_secret(tmp_path / "data"), range(64)))
    assert len(keys) == 1
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A database no process has migrated: SQLite in the data folder, or on the
    PostgreSQL run a schema of its own in the test database."""
    if not database_url.startswith("postgresql"):
        yield None, f"sqlite:///{tmp_path / 'data' / 'motcua.db'}"
        return
    admin = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS startup_race CASCADE"))
        conn.execute(text("CREATE SCHEMA startup_race"))
    url = f"{database_url}?options=-csearch_path%3Dstartup_race"
    yield url, url.replace("postgresql://", "postgresql+psycopg://", 1)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA startup_race CASCADE"))
    admin.dispose()


def _schema_at_head(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert {"dossier", "task", "user"} <= tables
    assert versions == [(HEAD,)]


@pytest.mark.timeout(120)
def test_processes_starting_together_migrate_once(empty_database, tmp_path):
    """Four `prepare` and two `flask db upgrade` at once on an empty database."""
    url, sqlalchemy_url = empty_database
    env = platform_env(url, tmp_path / "data", secret_key=None)
    commands = [[sys.executable, "-c", PREPARE]] * 4 + [
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]] * 2
    starters = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for command in commands]
    outputs = [starter.communicate(timeout=100)[0] for starter in starters]
    assert [starter.returncode for starter in starters] == [0] * 6, outputs
    assert sum(output.count("initial schema") for output in outputs) == 1
    _schema_at_head(sqlalchemy_url)
    assert [p.name for p in (tmp_path / "data").glob("secret_key*")] == ["secret_key"]


@pytest.mark.timeout(90)
def test_gunicorn_with_four_workers_starts_on_an_empty_sqlite(tmp_path):
    data = tmp_path / "data"
    server = Gunicorn(platform_env(None, data, secret_key=None), workers=4).start()
    try:
        status, health = call(server.base, "GET", "/healthz")  # no scheduler: degraded
        assert (status, health["database"], health["status"]) == (503, "ok", "degraded")
        for _ in range(8):  # spread over the workers: each one answers
            assert call(server.base, "GET", "/healthz")[1]["database"] == "ok"
        token = server.token("admin", "admin-process-tests")  # bootstrapped by the master
        assert call(server.base, "GET", "/api/v1/me", token=token)[0] == 200
        assert server.running()
        assert not [line for line in server.lines if "Worker exiting" in line
                    or "failed to boot" in line]
    finally:
        server.stop()
    assert server.process.returncode == 0
    _schema_at_head(f"sqlite:///{data / 'motcua.db'}")
    assert [p.name for p in data.glob("secret_key*")] == ["secret_key"]


def _ready_together(base, count=16):
    """`count` first requests at once (not logins: those are throttled per user), then
    a login as the administrator the start-up creates; what each answered."""
    def health(_):
        return call(base, "GET", "/healthz")[1]["database"]
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(health, range(count)))
    return answers + [call(base, "POST", "/api/v1/auth/token", {
        "username": "admin", "password": "admin-process-tests"})[0]]


@pytest.mark.timeout(120)
def test_gunicorn_without_its_config_file_prepares_an_empty_database(empty_database, tmp_path):
    """`gunicorn --chdir <repo> -w 4 wsgi:app` started elsewhere (no gunicorn.conf.py,
    so no master preparing): the workers' first requests migrate once, under the lock."""
    url, sqlalchemy_url = empty_database
    (tmp_path / "elsewhere").mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-w", "4", "--no-control-socket",
         "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=tmp_path / "elsewhere",
        env=platform_env(url, tmp_path / "data", secret_key=None),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines = []
    try:
        for line in server.stderr:  # the master listens: requests queue until workers serve
            lines.append(line)
            if "Listening at" in line:
                break
        reader = threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True)
        reader.start()
        answers = _ready_together(f"http://127.0.0.1:{port}")
        assert answers == ["ok"] * 16 + [200], "".join(lines)
    finally:
        server.terminate()
        server.wait(timeout=40)
    reader.join(timeout=10)
    assert sum("initial schema" in line for line in lines) == 1, "".join(lines)
    _schema_at_head(sqlalchemy_url)
    assert [p.name for p in (tmp_path / "data").glob("secret_key*")] == ["secret_key"]


@pytest.mark.timeout(90)
def test_flask_run_prepares_an_empty_database(empty_database, tmp_path):
    url, sqlalchemy_url = empty_database
    server = Server(platform_env(url, tmp_path / "data", secret_key=None)).start()
    try:
        assert _ready_together(server.base, 4) == ["ok"] * 4 + [200]
        status, health = call(server.base, "GET", "/healthz")
        assert (status, health["database"]) == (503, "ok")  # no scheduler: degraded
    finally:
        server.kill()
    _schema_at_head(sqlalchemy_url)
