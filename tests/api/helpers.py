"""Small helpers shared by API tests: open a dossier, find and finish tasks."""

APPLICANT = {"name": "Nguyễn Văn An", "id_number": "001099012345", "phone": "0912345678",
             "email": "an@example.vn", "address": "12 Lê Lợi, Huế"}


# The commune that handles the tests' business-household dossiers (a
# commune-level procedure since 2025) unless a test names another.
HOUSEHOLD, HOUSEHOLD_COMMUNE = "1.001612", "UBND.PHUHOI"


def open_dossier(reception, procedure, data=None, channel="direct", handling_unit=None):
    body = {"procedure": procedure, "applicant": APPLICANT, "channel": channel,
            "data": data or {}}
    if handling_unit is None and procedure == HOUSEHOLD:
        handling_unit = HOUSEHOLD_COMMUNE
    if handling_unit is not None:  # required for a commune-level procedure
        body["handling_unit"] = handling_unit
    response = reception.post("/api/v1/dossiers", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_task(caller, code, element_id):
    dossier = caller.get(f"/api/v1/dossiers/{code}").get_json()
    matches = [t for t in dossier["tasks"] if t["element_id"] == element_id]
    assert matches, f"{element_id} not open in {[t['element_id'] for t in dossier['tasks']]}"
    return matches[0]


def claim_and_complete(caller, task_id, data):
    assert caller.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    response = caller.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()
