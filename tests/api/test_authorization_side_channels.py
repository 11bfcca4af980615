"""The authorization matrix beyond single requests: the ladder's notifications
reach, and are read by, only people who see the dossier; documents are reused
only from dossiers the caller sees. Same world as `test_authorization_matrix`."""
from datetime import timedelta

from api.config import TestConfig
from engine.kernel.context import Ctx
from engine.scheduling.scheduler import fire_due

from .helpers import APPLICANT
from .test_authorization_matrix import _check
from .test_authorization_matrix import matrix as matrix  # noqa: F401 - the shared fixture


def test_notifications_reach_only_those_who_see_the_dossier(
        client, matrix, clock, db):  # noqa: F811
    """The ladder's notifications go to people who see the dossier, read by them alone."""
    (whos, world), misses, owners = matrix, [], {}
    code = world.target("received", fresh=True)["code"]
    task = world.desk.get(f"/api/v1/dossiers/{code}").get_json()["tasks"][0]
    assert world.desk.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    clock.advance(timedelta(days=14))
    assert fire_due(Ctx(db, clock, settings=TestConfig.SETTINGS), "matrix") >= 4
    for who in whos[:-1]:
        for item in who.caller.get("/api/v1/notifications?per_page=100").get_json()["items"]:
            owners[item["id"]] = who.username
            _check(misses, f"GET the dossier of {item['type']}", who, 200,
                   who.caller.get(f"/api/v1/dossiers/{item['dossier_code']}"))
    assert {"reception", "leader", "supervisor", "sup_own"} <= set(owners.values())
    mine = next(number for number, owner in owners.items() if owner == "reception")
    for who in whos:
        want = 200 if who.username == "reception" else 401 if who.caller is None else 404
        _check(misses, "POST /notifications/{notification_id}/read", who, want,
               client.post(f"/api/v1/notifications/{mine}/read", headers=who.headers),
               client.post("/api/v1/notifications/999999/read", headers=who.headers))
    assert misses == [], "\n".join(misses)


def test_documents_are_reused_only_from_dossiers_the_caller_sees(client, matrix):  # noqa: F811
    (whos, world), misses = matrix, []
    source = world.target(None)
    for who in whos:
        own = client.post("/api/v1/dossiers", headers=who.headers, json={
            "procedure": world.household, "handling_unit": "UBND.PHUHOI",
            "applicant": APPLICANT, "channel": "direct"})
        # into a dossier of the caller's own desk, else one like the source
        code = (own.get_json() if own.status_code == 201 else world.target(
            "received", fresh=True))["code"]
        want = (401 if who.caller is None else 403 if not who.has(("reception", "officer"))
                else 201 if who.sees() else 404)
        url = f"/api/v1/dossiers/{code}/documents"
        _check(misses, f"reuse into {code}", who, want,
               client.post(url, json={"reuse": source["document_id"]}, headers=who.headers),
               client.post(url, json={"reuse": 999999}, headers=who.headers))
    assert misses == [], "\n".join(misses)
