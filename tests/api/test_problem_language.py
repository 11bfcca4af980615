"""Problems in the reader's language: a problem's title, detail and field messages
follow `Accept-Language` (English by default) through the catalogue, values kept;
fields, status and type do not change (api/problem_texts.py)."""
from api.presentation import translations
from api.problem_texts import translate

from .helpers import claim_and_complete, open_dossier, open_task

HOUSEHOLD = "1.001612"


def test_form_errors_read_in_the_requests_language(household, login_as):
    desk = login_as("reception")
    code = open_dossier(desk, HOUSEHOLD)["code"]
    task = open_task(desk, code, "Task_Check")
    assert desk.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    url, data = f"/api/v1/tasks/{task['id']}/complete", {"business_name": "", "capital": -1}
    english = desk.post(url, json={"data": data}).get_json()
    vietnamese = desk.post(url, json={"data": data},
                           headers={"Accept-Language": "vi"}).get_json()
    assert (english["title"], english["detail"]) == ("Invalid input", "The form data is invalid.")
    assert english["errors"] == [
        {"field": "business_name", "message": "Missing data for required field."},
        {"field": "capital", "message": "Must be greater than or equal to 0."}]
    assert (vietnamese["title"], vietnamese["detail"]) == (
        "Dữ liệu không hợp lệ", "Dữ liệu biểu mẫu không hợp lệ.")
    assert vietnamese["errors"] == [
        {"field": "business_name", "message": "Trường bắt buộc, chưa được nhập."},
        {"field": "capital", "message": "Phải lớn hơn hoặc bằng 0."}]
    assert vietnamese["status"] == english["status"] == 422


def test_a_lost_claim_names_the_winner_in_vietnamese(household, login_as):
    desk = login_as("reception")
    code = open_dossier(desk, HOUSEHOLD)["code"]
    check = open_task(desk, code, "Task_Check")
    claim_and_complete(desk, check["id"], {"business_name": "Quán Cơm", "capital": 1})
    review = open_task(desk, code, "Task_Review")
    assert login_as("officer").post(f"/api/v1/tasks/{review['id']}/claim").status_code == 200
    answer = login_as("officer2").post(f"/api/v1/tasks/{review['id']}/claim",
                                       headers={"Accept-Language": "vi"})
    assert answer.status_code == 409
    assert answer.get_json()["title"] == "Xung đột"
    assert answer.get_json()["detail"] == \
        f"Bước này đã được officer nhận xử lý (mã bước {review['id']})."


def test_values_stay_and_unknown_sentences_stay_english():
    vi = translations("vi")
    assert translate("Must be greater than or equal to 1.", vi) == "Phải lớn hơn hoặc bằng 1."
    assert translate("Must be greater than 1.", vi) == "Phải lớn hơn 1."
    assert translate("Must be greater than or equal to 1 and less than or equal to 9.", vi) == \
        "Phải từ 1 đến 9."
    assert translate("Longer than maximum length 200.; Unknown field.", vi) == \
        "Dài hơn độ dài tối đa 200.; Trường không có trong biểu mẫu."
    assert translate("Must be one of: ok, reject.", vi) == "Phải là một trong: ok, reject."
    assert translate("Something the catalogue does not know.", vi) == \
        "Something the catalogue does not know."
