"""`GET /dossiers?code=`: part of a dossier's code, as people type it (the
dossier search page), among the dossiers the caller may see; `%` and `_` are
plain characters there."""
from .helpers import open_dossier


def _codes(caller, **query):
    response = caller.get("/api/v1/dossiers", query_string=query)
    assert response.status_code == 200, response.get_json()
    return [item["code"] for item in response.get_json()["items"]]


def test_the_list_finds_dossiers_by_part_of_their_code(household, login_as):
    reception = login_as("reception")
    first = open_dossier(reception, household)["code"]
    second = open_dossier(reception, household)["code"]
    assert _codes(reception, code=second[-6:]) == [second]
    assert _codes(reception, code=f" {first.lower()} ") == [first]
    assert _codes(reception, code=first[:9]) == [second, first]
    assert _codes(reception, code="%") == _codes(reception, code="_") == []
    assert _codes(login_as("thuanhoa_kinhte"), code=first) == []  # not theirs to see
    too_long = reception.get("/api/v1/dossiers", query_string={"code": "x" * 65})
    assert too_long.status_code == 422
