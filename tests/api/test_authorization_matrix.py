"""The authorization matrix: every operation of the served OpenAPI document × every
role (and anonymous) × the caller's unit relation to the dossier (own unit, its
parent, another unit or commune, none), expected statuses from API.md: its "who"
column (TABLE) and "Who sees what" (`Who.sees`, from the text, not engine/people/access.py).
A role refusal (403) comes first; what the caller may not see is a 404 exactly like
that for nothing at all, and is never listed. All mismatches are reported at once."""
import io
import itertools
import re
from collections import namedtuple
from datetime import date, timedelta

import pytest

from engine.catalogue.loading import load_people

from ..conftest import DEMO, PASSWORDS
from .conftest_data import minimal_bpmn
from .helpers import APPLICANT, claim_and_complete

DEMO_UNITS = {user["username"]: user["units"] for user in DEMO["users"]}

Row = namedtuple("Row", "method path who scope ok state")
ADMIN, USER, ANYONE = ("admin",), "user", "anyone"
# API.md's "who" column: method, path, who (roles joined by "+", any user, anyone), what
# it acts on, status when allowed, the state its target needs (fresh per allowed call)
TABLE = """
POST   /auth/token                                      anyone      -            200 session
POST   /auth/logout                                     user        -            204 session
GET    /me                                              user        -            200 -
POST   /me/password                                     user        -            204 session
PATCH  /users/{username}                                admin       -            200 -
POST   /users                                           admin       -            201 -
GET    /users                                           admin       -            200 -
POST   /units                                           admin       -            201 -
PATCH  /units/{code}                                    admin       -            200 unit
GET    /units                                           admin       -            200 -
POST   /procedures                                      designer    -            201 -
GET    /procedures                                      user        -            200 -
GET    /procedures/{procedure}                          user        -            200 -
POST   /procedures/{procedure}/versions                 designer    -            201 -
POST   /procedures/{procedure}/validate                 designer    -            200 -
GET    /procedures/{procedure}/versions                 user        -            200 -
GET    /procedures/{procedure}/versions/{number}        user        -            200 -
GET    /procedures/{procedure}/versions/{number}/bpmn   user        -            200 -
POST   /dossiers                                        reception   desk         201 -
GET    /dossiers                                        user        dossier-list 200 -
GET    /dossiers/{code}                                 user        dossier      200 -
GET    /dossiers/{code}/history                         user        dossier      200 -
POST   /dossiers/{code}/retry                           leader      dossier      409 -
GET    /public/dossiers/{code}                          anyone      public       200 -
POST   /dossiers/{code}/receive                         reception   dossier      200 online
POST   /dossiers/{code}/refuse                          reception   dossier      200 online
POST   /dossiers/{code}/supplement-request      reception+officer   dossier      200 received
POST   /dossiers/{code}/supplement-received             reception   dossier      200 sent_back
POST   /dossiers/{code}/extension                       leader      dossier      200 received
POST   /dossiers/{code}/handling-unit                   leader      dossier      200 received
POST   /dossiers/{code}/withdraw                        reception   dossier      200 received
POST   /dossiers/{code}/stop                            leader      dossier      200 received
POST   /dossiers/{code}/return                          reception   dossier      200 resolved
POST   /dossiers/{code}/documents               reception+officer   dossier      201 -
GET    /dossiers/{code}/documents                       user        dossier      200 -
GET    /dossiers/{code}/documents/{document_id}/content user        dossier      200 -
GET    /dossiers/{code}/slips/{kind}                    user        dossier      200 -
GET    /tasks                                           user        task-list    200 -
GET    /tasks/{task_id}                                 user        task         200 -
POST   /tasks/{task_id}/claim                           user        claim        200 review_open
POST   /tasks/{task_id}/unclaim                         user        unclaim      200 review_claimed
POST   /tasks/{task_id}/assign                  leader+supervisor   assign       200 review_open
POST   /tasks/{task_id}/complete                        user        complete     200 review_claimed
GET    /calendar                                        user        -            200 -
POST   /calendar/overrides                              admin       -            201 -
DELETE /calendar/overrides                              admin       -            204 override
DELETE /calendar/overrides/{date}                       admin       -            204 override
GET    /notifications                                   user        -            200 -
POST   /notifications/{notification_id}/read            user        notification 200 -
POST   /notifications/read-all                          user        -            200 -
POST   /admin/clock                                     admin       -            200 -
GET    /monitor/overdue                         supervisor+leader   -            200 -
GET    /monitor/stats                                   supervisor  -            200 -
GET    /monitor/heatmap/{procedure}/{number}            supervisor  -            200 -
GET    /monitor/scores                                  supervisor  -            200 -
"""
ROWS = [Row(method, path, who if who in (USER, ANYONE) else tuple(who.split("+")),
            None if scope == "-" else scope, int(ok), None if state == "-" else state)
        for method, path, who, scope, ok, state in map(str.split, TABLE.strip().splitlines())]

# Who calls, by role and unit relation to the dossier's units: username:units
# ("*": the demo user as processes/demo.json has it; "-": no unit)
RELATIONS = ("own", "parent", "other", "none")
CALLERS = {(role, relation): (name, DEMO_UNITS[name] if units == "*" else
                              [] if units == "-" else units.split("+"))
           for role, *cells in map(str.split, """
admin       adm_own:UBND.PHUHOI    adm_parent:UBND    adm_other:UBND.KIMLONG    admin:-
designer    des_own:UBND.PHUHOI    designer:*         des_other:STP            des_none:-
reception   reception:*      rec_parent:UBND    kimlong_desk:*           rec_none:-
officer     officer:*        off_parent:UBND.PHUHOI   justice:*                off_none:-
leader      leader:*         lead_parent:UBND   kimlong_chutich:*        lead_none:-
supervisor  sup_own:UBND.PHUHOI    supervisor:*       sup_other:UBND.KIMLONG    sup_none:-
""".strip().splitlines())
           for relation, (name, units) in zip(RELATIONS, (c.split(":") for c in cells))}
PARENT = {unit["code"]: unit.get("parent") for unit in DEMO["units"]}
# desk, handling unit, steps' units
PARTIES = {"TTPVHCC", "UBND.PHUHOI", "UBND.PHUHOI.KT", "UBND.PHUHOI.LD"}
REVIEW_GROUP = "UBND.PHUHOI.KT"  # the target task: the specialist's review
OPENINGS = {"online": {"channel": "online"},  # waiting as new; sent back for papers:
            "sent_back": {"outcome": "supplement", "missing": ["Giấy"]}}
CHECK = {"business_name": "Hộ", "capital": 1, "needs_inspection": False}
REVIEW = {"review_note": "Đủ", "review_outcome": "ok"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PASSWORD = {**{name: f"{name}-matrix" for name, _ in CALLERS.values()}, **PASSWORDS}
QUERIES = {"GET /dossiers": "?per_page=100", "GET /tasks": "?per_page=100&scope=all",
           "GET /monitor/stats": "?from=2026-04-01&to=2026-04-30"}  # lists: all in one page
NO_DOSSIER, NO_TASK = "000.00.01.H22-260424-9999", "00000000-0000-0000-0000-000000000000"


def _up(code):
    while code:
        yield code
        code = PARENT.get(code)


class Who:
    """A caller (`caller` None: anonymous) and API.md's rules about what it sees."""

    def __init__(self, role, relation, username, units, caller):
        self.role, self.relation, self.username = role, relation, username
        self.units, self.caller = units, caller
        self.headers = caller.headers if caller else {}

    def __str__(self):
        return f"{self.role}/{self.relation}({self.username})"

    def has(self, roles):
        return self.role == "admin" or self.role in roles

    def sees(self):  # a unit or its ancestor is a party; supervisors: also below
        above = {code for unit in self.units for code in _up(unit)}
        below = self.role == "supervisor" and any(
            set(self.units) & set(_up(party)) for party in PARTIES)
        return self.role == "admin" or bool(above & PARTIES) or below

    def manages(self):  # a leader or supervisor of the review's unit or one above it
        return self.role in ("leader", "supervisor") and bool(
            set(self.units) & set(_up(REVIEW_GROUP)))

    def sees_task(self, assignee):
        return self.sees() and (self.role == "admin" or REVIEW_GROUP in self.units
                                or self.username == assignee or self.manages())


def expected(row, who, assignee=None):
    if who.caller is None:
        return row.ok if row.who == ANYONE else 401
    if row.who not in (USER, ANYONE) and not who.has(row.who):
        return 403  # a role refusal depends on nothing but the caller
    scope, admin = row.scope, who.role == "admin"
    if scope == "desk":
        return row.ok if len(who.units) == 1 else 422  # no desk to receive at
    if scope == "dossier" and not who.sees():
        return 404
    if scope in ("task", "claim", "unclaim", "assign", "complete"):
        if not who.sees_task(assignee):
            return 404
        allowed = {"task": True, "claim": admin or REVIEW_GROUP in who.units,
                   "unclaim": admin or who.username == assignee or who.manages(),
                   "assign": admin or who.manages(), "complete": who.username == assignee}
        if not allowed[scope]:
            return 409 if scope == "complete" else 403
    return row.ok


class World:
    """Targets: one shared per state for refused cells, a fresh one per allowed one."""

    def __init__(self, login_as, household):
        self.login_as, self.household, self.serial = login_as, household, itertools.count(1)
        self.desk, self.officer, self.admin = (login_as(name) for name in (
            "reception", "officer", "admin"))
        self.admin.post("/api/v1/users", json={"username": "matrix-target",
                                               "password": "matrix-target-pw"})
        self.admin.post("/api/v1/procedures", json={
            "code": "MATRIX.DEPLOY", "name": "x", "agency": "UBND.PHUHOI",
            "statutory_time": {"value": 1, "unit": "working_days"}})
        self.shared = {}

    def target(self, state, fresh=False):
        if fresh or state not in self.shared:
            make = getattr(self, "_" + (state or "base"), None)
            made = make() if make else self._received(**OPENINGS[state])
            if fresh:
                return made
            self.shared[state] = made
        return self.shared[state]

    def _received(self, **extra):
        response = self.desk.post("/api/v1/dossiers", json={
            "procedure": self.household, "handling_unit": "UBND.PHUHOI",
            "applicant": APPLICANT, "channel": "direct", **extra})
        assert response.status_code == 201, response.get_json()
        return {"code": response.get_json()["code"]}

    def _step(self, code, element, caller, data):
        tasks = self.desk.get(f"/api/v1/dossiers/{code}").get_json()["tasks"]
        task_id = next(t["id"] for t in tasks if t["element_id"] == element)
        return claim_and_complete(caller, task_id, data) if caller else task_id

    def _review_open(self):
        code = self._received()["code"]
        self._step(code, "Task_Check", self.desk, CHECK)
        return {"code": code, "task_id": self._step(code, "Task_Review", None, None)}

    def _review_claimed(self):
        target = self._review_open()
        assert self.officer.post(f"/api/v1/tasks/{target['task_id']}/claim").status_code == 200
        return {**target, "assignee": "officer"}

    def _base(self):  # the shared dossier: in processing, a document, the review open
        target = self._review_open()
        uploaded = self.desk.post(f"/api/v1/dossiers/{target['code']}/documents", data={
            "file": (io.BytesIO(PDF), "a.pdf"), "document_type": "don"},
            content_type="multipart/form-data")
        return {**target, "document_id": uploaded.get_json()["id"]}

    def _resolved(self):
        target = self._review_open()
        self._step(target["code"], "Task_Review", self.officer, REVIEW)
        self._step(target["code"], "Task_Fee", self.desk, {})
        self._step(target["code"], "Task_Approve", self.login_as("leader"),
                   {"decision": "approve", "decision_note": "Cấp"})
        return target

    def _unit(self):
        code = f"MXU{next(self.serial)}"
        self.admin.post("/api/v1/units", json={"code": code, "name": "x", "parent": "UBND"})
        return {"code": code}

    def _override(self):
        day = (date(2027, 1, 1) + timedelta(days=next(self.serial))).isoformat()
        self.admin.post("/api/v1/calendar/overrides", json={"date": day, "kind": "day_off"})
        return {"date": day}


def _request(row, who, target, world):
    """The cell's request: (path, keyword arguments for the test client)."""
    n, deploy = next(world.serial), row.method == "POST" and row.path.endswith(
        ("/versions", "/validate"))
    path = "/api/v1" + row.path.format(**{
        "procedure": "MATRIX.DEPLOY" if deploy else world.household, "number": 1,
        "kind": "receipt", "username": "matrix-target", "date": "2027-12-01",
        "notification_id": 1, "code": NO_DOSSIER, "task_id": NO_TASK, "document_id": 1,
        **target})
    bodies = {
        "/users": {"username": f"mx{n}", "password": "matrix-password", "roles": ["officer"]},
        "/users/{username}": {"full_name": f"Matrix {n}"},
        "/units": {"code": f"MX{n}", "name": "x", "parent": "UBND"},
        "/units/{code}": {"function": f"matrix_{n}"},
        "/procedures": {"code": f"MX.{n}", "name": "x", "agency": "UBND.PHUHOI",
                        "statutory_time": {"value": 1, "unit": "working_days"}},
        "/dossiers": {"procedure": world.household, "handling_unit": "UBND.PHUHOI",
                      "applicant": APPLICANT, "channel": "direct"},
        "/dossiers/{code}/refuse": {"reason": "x"}, "/dossiers/{code}/withdraw": {"reason": "x"},
        "/dossiers/{code}/stop": {"reason": "x"}, "/dossiers/{code}/return": {"channel": "desk"},
        "/dossiers/{code}/supplement-request": {"missing": ["Giấy"]},
        "/dossiers/{code}/extension": {"new_due_at": "2026-05-07T09:00:00+07:00", "reason": "x"},
        "/dossiers/{code}/handling-unit": {"unit": "UBND.KIMLONG", "reason": "x"},
        "/tasks/{task_id}/assign": {"username": "officer"},
        "/tasks/{task_id}/complete": {"data": REVIEW},
        "/calendar/overrides": {"date": (date(2029, 1, 1) + timedelta(days=n)).isoformat(),
                                "kind": "day_off"},
        "DELETE /calendar/overrides": {"date": target.get("date", "2027-12-01")},
        "/admin/clock": {"now": "2026-04-24T09:00:00+07:00"},
    }
    kwargs = {"headers": who.headers}
    body = bodies.get(f"{row.method} {row.path}", bodies.get(row.path, {}))
    if deploy:
        kwargs.update(data=minimal_bpmn(), content_type="application/xml")
    elif row.path == "/dossiers/{code}/documents" and row.method == "POST":
        kwargs.update(data={"file": (io.BytesIO(PDF), "a.pdf"), "document_type": "don"},
                      content_type="multipart/form-data")
    elif row.method != "GET":
        kwargs["json"] = body
    return path + QUERIES.get(f"{row.method} {row.path}", ""), kwargs


@pytest.fixture
def matrix(household, admin_ctx, login_as):
    """The callers (every role and relation, and anonymous) and their world."""
    load_people(admin_ctx, {"users": [
        {"username": name, "password": PASSWORD[name], "roles": [role], "units": units}
        for (role, _), (name, units) in CALLERS.items() if name not in DEMO_UNITS | PASSWORDS]})
    admin_ctx.session.close()
    whos = [Who(role, relation, name, units, login_as(name, PASSWORD[name]))
            for (role, relation), (name, units) in CALLERS.items()]
    return whos + [Who("anonymous", "none", "-", [], None)], World(login_as, household)


def _shape(path):  # parameters unnamed: /procedures/{code} is /procedures/{procedure}
    return re.sub(r"\{[^}]*\}", "{}", path.removeprefix("/api/v1"))


def _served(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    return {(method.upper(), _shape(path)) for path, ops in paths.items()
            for method in ops if method in ("get", "post", "put", "patch", "delete")}


def test_every_served_operation_has_a_row(client):
    assert _served(client) - {(row.method, _shape(row.path)) for row in ROWS} == set()


def _check(misses, what, who, want, response, ghost=None):
    """Record a wrong status, or a 404 that differs from one for nothing at all."""
    def seen(answer):
        return answer.status_code, (answer.get_json(silent=True) or {}).get("title")
    if response.status_code != want:
        misses.append(f"{what} as {who}: expected {want}, got {response.status_code} "
                      f"{response.get_json(silent=True)}")
    elif want == 404 and ghost is not None and seen(ghost) != seen(response):
        misses.append(f"{what} as {who}: the 404 differs from that for nothing {seen(ghost)}")


def _cell(client, world, row, who, misses):
    status = expected(row, who, "officer" if row.state == "review_claimed" else None)
    target = world.target(row.state, fresh=200 <= status < 300 and row.state is not None)
    send, (path, kwargs) = getattr(client, row.method.lower()), _request(row, who, target, world)
    response, ghost = send(path, **kwargs), None
    if status == 404 and response.status_code == 404:
        path, kwargs = _request(row, who, {}, world)
        ghost = send(path, **kwargs)
    _check(misses, f"{row.method} {row.path}", who, status, response, ghost)
    if response.status_code == 200 and row.scope in ("dossier-list", "task-list", "public"):
        _leaks(response, row, who, world, misses)


def _leaks(response, row, who, world, misses):
    """Lists show the shared dossier (and its tasks) to those who see it, to no one
    else; the public view shows nobody's personal data."""
    if row.scope == "public":
        shown = [value for value in APPLICANT.values() if value in str(response.get_json())]
        return misses.extend(f"GET {row.path} as {who} shows {value}" for value in shown)
    items = response.get_json()["items"]
    listed = world.target(None)["code"] in {i.get("dossier_code", i.get("code")) for i in items}
    if listed != who.sees() and (row.scope == "dossier-list" or listed):
        misses.append(f"GET {row.path} as {who}: lists the shared dossier: {listed}")


def test_matrix_of_operations_roles_and_units(client, matrix):
    (whos, world), misses, served = matrix, [], _served(client)
    rows = sorted((row for row in ROWS if (row.method, _shape(row.path)) in served
                   and row.scope != "notification"), key=lambda row: row.state == "session")
    for row in rows:  # the sessions' rows last: a password change ends the callers' tokens
        for who in whos:
            (_session_cell if row.state == "session" else _cell)(client, world, row, who, misses)
    assert misses == [], f"{len(misses)} of {len(whos) * len(rows)} cells:\n" + "\n".join(misses)


def _session_cell(client, _world, row, who, misses):
    """Token, logout, password change, each with a fresh token, which then stops working."""
    password, headers = PASSWORD.get(who.username, "wrong-password"), {}
    if who.caller is not None and row.path != "/auth/token":
        token = client.post("/api/v1/auth/token", json={"username": who.username,
                                                        "password": password})
        headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    body = {"/auth/token": {"username": who.username, "password": password},  # "-": no one
            "/me/password": {"current": password, "new": password + "-changed"}}
    response = client.post(f"/api/v1{row.path}", json=body.get(row.path, {}), headers=headers)
    want = expected(row, who) if who.caller or row.path != "/auth/token" else 401
    _check(misses, f"POST {row.path}", who, want, response)
    if headers and response.status_code == want:
        _check(misses, f"GET /me after POST {row.path}", who, 401,
               client.get("/api/v1/me", headers=headers))
