"""Tokens can be revoked: logging out, changing one's password, an admin setting
a password or deactivating a user. Expiry follows the wall clock (here a frozen
`AUTH_CLOCK`), not the platform clock."""
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, select

from api.auth import SALT
from engine.kernel.clock import FrozenClock
from engine.store.people import RevokedToken

from ..conftest import PASSWORDS

WALL = datetime(2026, 5, 4, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(config):
    config.AUTH_CLOCK = FrozenClock(WALL)
    return config


@pytest.fixture
def wall(app):
    return app.config["AUTH_CLOCK"]


@contextmanager
def statements(app):
    """Counts the SQL statements run while the block runs."""
    seen = []
    with app.app_context():
        engine = app.extensions["motcua.db"].engine

    def count(*_args):
        seen.append(1)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_logout_revokes_only_this_token(demo, login_as):
    first, second = login_as("officer"), login_as("officer")
    assert first.post("/api/v1/auth/logout").status_code == 204
    response = first.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["detail"] == "The token has been revoked; request a new one."
    assert first.post("/api/v1/auth/logout").status_code == 401
    assert second.get("/api/v1/me").status_code == 200


def test_changing_one_s_password_revokes_every_earlier_token(demo, login_as, client):
    officer, other = login_as("officer"), login_as("officer")
    body = {"current": "wrong-password", "new": "a-new-password"}
    wrong = officer.post("/api/v1/me/password", json=body)
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == [{"field": "current",
                                           "message": "not your current password"}]
    short = officer.post("/api/v1/me/password", json={**body, "new": "short"})
    assert short.status_code == 422
    changed = officer.post("/api/v1/me/password",
                           json={"current": PASSWORDS["officer"], "new": "a-new-password"})
    assert changed.status_code == 204
    assert officer.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 401
    old = client.post("/api/v1/auth/token", json={
        "username": "officer", "password": PASSWORDS["officer"]})
    assert old.status_code == 401
    assert login_as("officer", "a-new-password").get("/api/v1/me").status_code == 200


def test_an_admin_sets_a_password_and_deactivates_revoking_tokens(demo, login_as, client):
    admin, officer = login_as("admin"), login_as("officer")
    response = admin.patch("/api/v1/users/officer", json={"password": "set-by-admin"})
    assert response.status_code == 200 and response.get_json()["active"] is True
    assert officer.get("/api/v1/me").status_code == 401
    officer = login_as("officer", "set-by-admin")
    response = admin.patch("/api/v1/users/officer", json={"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert officer.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/auth/token", json={
        "username": "officer", "password": "set-by-admin"}).status_code == 401
    assert admin.patch("/api/v1/users/officer", json={"active": True}).status_code == 200
    assert officer.get("/api/v1/me").status_code == 401  # still revoked once reactivated
    assert login_as("officer", "set-by-admin").get("/api/v1/me").status_code == 200


def test_an_admin_changes_roles_units_and_name(demo, login_as):
    admin = login_as("admin")
    officer = login_as("officer")
    response = admin.patch("/api/v1/users/officer", json={
        "full_name": "Lê Văn Mới", "roles": ["officer", "leader"], "units": ["UBND.PHUHOI.LD"]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"username": "officer", "full_name": "Lê Văn Mới",
                                   "email": None, "roles": ["leader", "officer"],
                                   "units": ["UBND.PHUHOI.LD"], "active": True}
    # roles and units are read at each request: the token keeps working, with the new ones
    assert officer.get("/api/v1/me").get_json()["units"] == ["UBND.PHUHOI.LD"]
    assert admin.patch("/api/v1/users/officer", json={"roles": ["king"]}).status_code == 422
    assert admin.patch("/api/v1/users/nobody", json={"active": False}).status_code == 404
    assert officer.patch("/api/v1/users/officer", json={"active": False}).status_code == 403


def test_the_last_active_admin_stays(demo, login_as):
    admin = login_as("admin")
    assert admin.patch("/api/v1/users/admin", json={"active": False}).status_code == 409
    assert admin.patch("/api/v1/users/admin", json={"roles": ["officer"]}).status_code == 409
    assert admin.post("/api/v1/users", json={"username": "admin2", "password": "long-enough",
                                             "roles": ["admin"]}).status_code == 201
    assert admin.patch("/api/v1/users/admin", json={"active": False}).status_code == 200


def test_tokens_expire_by_the_wall_clock_not_the_platform_clock(demo, login_as, wall, clock):
    officer = login_as("officer")
    clock.advance(timedelta(days=30))  # workflow time moves on: the token does not care
    assert officer.get("/api/v1/me").status_code == 200
    wall.advance(timedelta(hours=8, seconds=1))
    response = officer.get("/api/v1/me")
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]


def test_a_token_without_an_id_is_refused(demo, app, client, db):
    from engine.people.directory import get_user
    uid = get_user(db, "officer").id
    old = URLSafeTimedSerializer("test-secret", salt=SALT).dumps({"uid": uid})
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401


def test_revoked_tokens_are_forgotten_once_expired(demo, login_as, wall, db):
    login_as("officer").post("/api/v1/auth/logout")
    wall.advance(timedelta(hours=9))
    login_as("officer").post("/api/v1/auth/logout")
    assert db.scalar(select(func.count()).select_from(RevokedToken)) == 1


def test_an_authenticated_request_costs_the_same_however_many_tokens_were_revoked(
        demo, app, login_as):
    def me_cost():
        caller = login_as("officer")
        with statements(app) as seen:
            assert caller.get("/api/v1/me").status_code == 200
        return len(seen)
    before = me_cost()
    for _ in range(5):
        login_as("officer").post("/api/v1/auth/logout")
    assert me_cost() == before <= 7  # the user and its revocation in one query
