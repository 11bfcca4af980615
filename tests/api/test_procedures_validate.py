"""Checking a diagram without deploying it (POST /procedures/{code}/validate): the
deployment's checks and problems, nothing stored."""
import io
import json

from .conftest_data import BH, FORMS

PROC = {"code": "TEST.V", "name": "Thủ tục thử", "agency": "UBND.PHUHOI",
        "statutory_time": {"value": 3, "unit": "working_days"}}
URL = "/api/v1/procedures/TEST.V"


def _upload(designer, path, xml, forms=()):
    files = {"file": (io.BytesIO(xml), "d.bpmn"),
             "forms": [(io.BytesIO(json.dumps(f).encode()), f"{f['id']}.json") for f in forms]}
    return designer.post(f"{URL}/{path}", data=files, content_type="multipart/form-data")


def test_validate_answers_as_a_deployment_would_and_stores_nothing(demo, login_as):
    designer = login_as("designer")
    assert designer.post("/api/v1/procedures", json=PROC).status_code == 201
    # a missing form: the same 422 naming the element and line as deploying
    refused = _upload(designer, "validate", BH.read_bytes())
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert {"element_id": "Task_Check", "line": 34,
            "message": "form 'reception-check' is not uploaded"} in refused.get_json()["errors"]
    assert refused.get_json()["errors"] == _upload(
        designer, "versions", BH.read_bytes()).get_json()["errors"]

    valid = _upload(designer, "validate", BH.read_bytes(), FORMS)
    assert valid.status_code == 200, valid.get_json()
    body = valid.get_json()
    assert body["process_id"] == "business_household" and len(body["checksum"]) == 64
    assert isinstance(body["warnings"], list)
    assert designer.get(f"{URL}/versions").get_json()["items"] == []  # nothing stored
    assert designer.get(f"{URL}/versions/1").status_code == 404
    # the forms it checked were not stored either: a diagram alone still misses them
    assert _upload(designer, "validate", BH.read_bytes()).status_code == 422
    deployed = _upload(designer, "versions", BH.read_bytes(), FORMS).get_json()
    assert deployed["version"] == 1 and deployed["checksum"] == body["checksum"]


def test_validate_is_for_designers(demo, login_as):
    officer = login_as("officer")
    response = officer.post("/api/v1/procedures/TEST.V/validate", data=BH.read_bytes(),
                            content_type="application/xml")
    assert response.status_code == 403
