"""What the reception desk's page offers: the handling units a new dossier may name
(`handling.choices`, each accepted by POST /dossiers) and the applicant's documents
another dossier may reuse (`documents.reusable`, each accepted by `{reuse}`)."""
from engine.catalogue.loading import load_procedure_folder
from engine.catalogue.procedures import get_procedure
from engine.dossier import documents, handling
from engine.kernel.context import Ctx
from engine.people.directory import actor_for, get_user

from ..conftest import PROCESSES
from .helpers import APPLICANT, HOUSEHOLD_COMMUNE, open_dossier
from .test_documents import OTHER, upload

COMMUNES = ["Ủy ban nhân dân phường Kim Long", "Ủy ban nhân dân phường Phú Hội",
            "Ủy ban nhân dân phường Thuận Hóa", "Ủy ban nhân dân xã Phú Vang"]


def test_choices_are_the_communes_that_can_handle_it_or_the_agency(
        household, admin_ctx, login_as):
    load_procedure_folder(admin_ctx, PROCESSES / "judicial-record")
    session = admin_ctx.session
    communes = handling.choices(session, get_procedure(session, household))
    assert [unit.name for unit in communes] == COMMUNES
    judicial = get_procedure(session, "2.000488")
    assert [unit.code for unit in handling.choices(session, judicial)] == [judicial.agency.code]
    reception = login_as("reception")
    for unit in communes:
        open_dossier(reception, household, handling_unit=unit.code)  # each one is accepted


def _open(caller, procedure, applicant):
    response = caller.post("/api/v1/dossiers", json={
        "procedure": procedure, "applicant": applicant, "channel": "direct",
        "handling_unit": HOUSEHOLD_COMMUNE})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _ctx(db, clock, app, username):
    return Ctx(db, clock, actor_for(db, get_user(db, username).id),
               settings=app.config["SETTINGS"])


def test_reusable_lists_the_applicants_documents_elsewhere_not_yet_held(
        household, login_as, db, clock, app):
    reception = login_as("reception")
    first = open_dossier(reception, household)["code"]
    mine = upload(reception, first).get_json()
    other = _open(reception, household, OTHER)
    upload(reception, other)  # another applicant's paper: never offered
    second = open_dossier(reception, household)["code"]
    ctx = _ctx(db, clock, app, "reception")
    found = documents.reusable(ctx, second)
    assert [d.id for d in found["items"]] == [mine["id"]] and found["total"] == 1
    assert found["dossiers"] == {found["items"][0].dossier_id: first}
    assert reception.post(f"/api/v1/dossiers/{second}/documents",
                          json={"reuse": mine["id"]}).status_code == 201
    db.rollback()  # a new read, as the next request's
    assert documents.reusable(ctx, second)["total"] == 0  # held now
    kimlong = _open(login_as("kimlong_desk"), household, APPLICANT)
    db.rollback()
    # the applicant's document lies in a dossier Kim Long's desk may not see
    assert documents.reusable(_ctx(db, clock, app, "kimlong_desk"), kimlong)["total"] == 0
