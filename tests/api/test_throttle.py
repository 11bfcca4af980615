"""Failed logins are throttled per username and per address, public tracking per
address: 429 with Retry-After. The counters live in the database, so every
worker and process shares them; windows run on the wall clock (`AUTH_CLOCK`)."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from api import create_app
from engine.kernel.clock import FrozenClock

from ..conftest import PASSWORDS
from .helpers import open_dossier

WALL = datetime(2026, 5, 4, 2, 0, tzinfo=timezone.utc)
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def config(config):
    config.AUTH_CLOCK = FrozenClock(WALL)
    config.SETTINGS = replace(config.SETTINGS, login_failures_per_user=3,
                              login_failures_per_address=5, login_window_seconds=600,
                              public_lookups_per_address=4, public_window_seconds=60)
    return config


@pytest.fixture
def wall(app):
    return app.config["AUTH_CLOCK"]


def _login(client, username, password, address="10.0.0.1", **headers):
    return client.post(TOKEN, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_wrong_passwords_for_one_user_are_throttled_then_the_window_ends(demo, client, wall):
    for _ in range(3):
        assert _login(client, "officer", "wrong").status_code == 401
    blocked = _login(client, "officer", PASSWORDS["officer"], address="10.0.0.2")
    assert blocked.status_code == 429 and blocked.mimetype == "application/problem+json"
    assert blocked.headers["Retry-After"] == "600"
    assert _login(client, "OFFICER", "wrong", address="10.0.0.3").status_code == 429
    assert _login(client, "reception", PASSWORDS["reception"]).status_code == 200
    wall.advance(timedelta(seconds=590))
    assert _login(client, "officer", PASSWORDS["officer"]).headers["Retry-After"] == "10"
    wall.advance(timedelta(seconds=10))
    assert _login(client, "officer", PASSWORDS["officer"]).status_code == 200


def test_wrong_passwords_from_one_address_are_throttled(demo, client):
    for username in ("officer", "reception", "leader", "nobody", "admin"):
        assert _login(client, username, "wrong").status_code == 401
    assert _login(client, "supervisor", PASSWORDS["supervisor"]).status_code == 429
    assert _login(client, "supervisor", PASSWORDS["supervisor"],
                  address="10.9.9.9").status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(demo, app, client):
    app.config["TRUSTED_PROXIES"] = 1
    for username in ("officer", "reception", "leader", "nobody", "admin"):
        assert _login(client, username, "wrong", address="127.0.0.1",
                      **{"X-Forwarded-For": "198.51.100.7"}).status_code == 401
    assert _login(client, "supervisor", PASSWORDS["supervisor"], address="127.0.0.1",
                  **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert _login(client, "supervisor", PASSWORDS["supervisor"], address="127.0.0.1",
                  **{"X-Forwarded-For": "spoofed, 198.51.100.8"}).status_code == 200


def test_the_counters_are_shared_by_every_worker(demo, app, config, client):
    other = create_app(config)  # another worker or process on the same database
    for _ in range(3):
        assert _login(client, "officer", "wrong").status_code == 401
    response = _login(other.test_client(), "officer", PASSWORDS["officer"], address="10.1.1.1")
    assert response.status_code == 429


def test_a_wrong_current_password_counts_as_a_failed_login(demo, client, login_as):
    officer = login_as("officer")
    for _ in range(3):
        assert officer.post("/api/v1/me/password", json={
            "current": "wrong", "new": "a-new-password"}).status_code == 422
    assert officer.post("/api/v1/me/password", json={
        "current": PASSWORDS["officer"], "new": "a-new-password"}).status_code == 429
    assert _login(client, "officer", PASSWORDS["officer"]).status_code == 429


def test_public_tracking_is_throttled_per_address(household, login_as, client, wall):
    code = open_dossier(login_as("reception"), household)["code"]

    def track(address, dossier=code):
        return client.get(f"/api/v1/public/dossiers/{dossier}",
                          environ_base={"REMOTE_ADDR": address})
    assert track("10.0.0.1", code[:-4] + "9999").status_code == 404
    assert [track("10.0.0.1").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert track("10.0.0.1").headers["Retry-After"] == "60"
    assert track("10.0.0.2").status_code == 200
    wall.advance(timedelta(seconds=60))
    assert track("10.0.0.1").status_code == 200


def test_a_public_request_costs_a_few_statements_whatever_the_history(
        household, app, login_as, client, wall):
    code = open_dossier(login_as("reception"), household)["code"]
    with app.app_context():
        engine = app.extensions["motcua.db"].engine
    costs = []
    for round_ in range(3):
        seen = []

        def count(*_args):
            seen.append(1)
        event.listen(engine, "before_cursor_execute", count)
        try:
            for address in ("10.0.0.1", "10.0.0.2"):
                assert client.get(f"/api/v1/public/dossiers/{code}",
                                  environ_base={"REMOTE_ADDR": address}).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        costs.append(len(seen))
        wall.advance(timedelta(seconds=61))  # new windows: the ended ones are forgotten
    assert costs[1] == costs[2] and max(costs) <= 14  # two requests


def test_attempts_arriving_at_once_get_no_more_than_the_limit(demo, app):
    from concurrent.futures import ThreadPoolExecutor

    def attempt(_):
        return _login(app.test_client(), "officer", "wrong").status_code
    with ThreadPoolExecutor(12) as pool:
        statuses = sorted(pool.map(attempt, range(12)))
    assert statuses == [401] * 3 + [429] * 9


def test_the_limits_are_settings_from_the_environment(tmp_path):
    from api.config import from_env
    settings = from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_LOGIN_FAILURES_PER_USER": "7",
                         "MOTCUA_PUBLIC_WINDOW_SECONDS": "120",
                         "MOTCUA_HEARTBEAT_MAX_AGE_SECONDS": "45"}).SETTINGS
    assert (settings.login_failures_per_user, settings.login_failures_per_address) == (7, 20)
    assert (settings.public_window_seconds, settings.heartbeat_max_age_seconds) == (120, 45)
    for value in ("0", "many"):
        with pytest.raises(RuntimeError, match="MOTCUA_LOGIN_WINDOW_SECONDS"):
            from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_LOGIN_WINDOW_SECONDS": value})


def test_many_people_behind_one_address_log_in_at_once(demo, app):
    """Only failures count against an address: an office behind one address is not
    throttled for logging in together."""
    from concurrent.futures import ThreadPoolExecutor
    names = [name for name in PASSWORDS if name != "admin"][:12]

    def attempt(name):
        return _login(app.test_client(), name, PASSWORDS[name]).status_code
    with ThreadPoolExecutor(12) as pool:
        assert list(pool.map(attempt, names)) == [200] * 12


def test_counters_of_ended_windows_are_forgotten(household, client, wall, db):
    from sqlalchemy import select

    from engine.store.people import Throttle
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        client.get("/api/v1/public/dossiers/none", environ_base={"REMOTE_ADDR": address})
    wall.advance(timedelta(seconds=61))
    client.get("/api/v1/public/dossiers/none", environ_base={"REMOTE_ADDR": "10.0.0.4"})
    assert db.scalars(select(Throttle.key)).all() == ["10.0.0.4"]
