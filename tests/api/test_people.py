"""Authentication, the current user, and administration of users and units."""
from sqlalchemy import select

from engine.store.events import Event


def test_token_and_me(demo, client, login_as):
    bad = client.post("/api/v1/auth/token", json={"username": "officer", "password": "nope"})
    assert bad.status_code == 401 and bad.mimetype == "application/problem+json"
    me = login_as("officer").get("/api/v1/me").get_json()
    assert me == {"username": "officer", "full_name": "Lê Văn Chuyên Viên", "email": None,
                  "roles": ["officer"], "units": ["UBND.PHUHOI.KT"]}


def test_missing_or_forged_token_is_401(demo, client):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer forged.token"})
    assert response.status_code == 401
    assert response.get_json()["detail"] == "The token is not valid."


def test_admin_manages_units_and_users(demo, login_as):
    admin = login_as("admin")
    response = admin.post("/api/v1/units", json={"code": "SXD", "name": "Sở Xây dựng",
                                                 "parent": "UBND", "agency_code": "000.00.14.H22"})
    assert response.status_code == 201
    assert response.get_json() == {"code": "SXD", "name": "Sở Xây dựng", "parent": "UBND",
                                   "agency_code": "000.00.14.H22", "function": None}
    assert admin.post("/api/v1/units", json={"code": "SXD", "name": "x"}).status_code == 409
    response = admin.post("/api/v1/users", json={
        "username": "xd1", "password": "long-enough", "roles": ["officer"], "units": ["SXD"]})
    assert response.status_code == 201
    assert "xd1" in [u["username"] for u in admin.get("/api/v1/users").get_json()["items"]]
    assert login_as("xd1", "long-enough").get("/api/v1/me").get_json()["units"] == ["SXD"]


def test_user_input_errors_name_fields(demo, login_as):
    admin = login_as("admin")
    response = admin.post("/api/v1/users", json={"username": "a b", "password": "short",
                                                 "roles": ["king"]})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"username", "password", "roles.0"}
    response = admin.post("/api/v1/users", json={"username": "zz", "password": "long-enough",
                                                 "units": ["NOWHERE"]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "units", "message": "no unit NOWHERE"}]
    assert admin.post("/api/v1/users", data="{", content_type="application/json").status_code \
        == 400


def test_only_admins_manage_people(demo, login_as):
    officer = login_as("officer")
    for method, url in (("get", "/api/v1/users"), ("get", "/api/v1/units")):
        assert getattr(officer, method)(url).status_code == 403
    assert officer.post("/api/v1/units", json={"code": "Z", "name": "Z"}).status_code == 403
    refused = officer.patch("/api/v1/units/UBND.PHUHOI.KT", json={"function": "archive"})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_the_user_list_shows_who_is_active(demo, login_as, db):
    admin = login_as("admin")
    assert admin.patch("/api/v1/users/officer", json={"active": False}).status_code == 200
    users = {u["username"]: u["active"] for u in admin.get("/api/v1/users").get_json()["items"]}
    assert users["officer"] is False and users["reception"] is True
    last = db.scalars(select(Event).where(Event.stream == "user:officer")
                      .order_by(Event.seq.desc())).first()
    assert (last.type, last.actor, last.detail) == ("user.updated", "admin", {"active": False})


def _function_of(admin, code):
    units = admin.get("/api/v1/units?per_page=100").get_json()["items"]
    return next(unit["function"] for unit in units if unit["code"] == code)


def test_admin_changes_a_units_function(demo, login_as, db):
    admin = login_as("admin")
    response = admin.patch("/api/v1/units/UBND.PHUHOI.KT", json={"function": "land_survey"})
    assert response.status_code == 200
    assert response.get_json() == {"code": "UBND.PHUHOI.KT",
                                   "name": "Công chức Kinh tế phường Phú Hội",
                                   "parent": "UBND.PHUHOI", "agency_code": None,
                                   "function": "land_survey"}
    assert _function_of(admin, "UBND.PHUHOI.KT") == "land_survey"
    last = db.scalars(select(Event).where(Event.stream == "unit:UBND.PHUHOI.KT")
                      .order_by(Event.seq.desc())).first()
    assert (last.type, last.actor, last.detail) == ("unit.function_set", "admin", {
        "code": "UBND.PHUHOI.KT", "from": "economy", "to": "land_survey"})
    cleared = admin.patch("/api/v1/units/UBND.PHUHOI.KT", json={"function": None})
    assert cleared.status_code == 200 and cleared.get_json()["function"] is None


def test_a_units_function_is_checked_and_the_unit_must_exist(demo, login_as):
    admin = login_as("admin")
    bad = admin.patch("/api/v1/units/UBND.PHUHOI.KT", json={"function": "Not An Id"})
    assert bad.status_code == 422
    assert [error["field"] for error in bad.get_json()["errors"]] == ["function"]
    assert admin.patch("/api/v1/units/UBND.PHUHOI.KT", json={}).status_code == 422
    missing = admin.patch("/api/v1/units/NOWHERE", json={"function": "desk"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
