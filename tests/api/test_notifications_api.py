"""The current user's notifications: listed newest first, marked read one by one or all."""
from datetime import timedelta

from engine.dossier import intake
from engine.kernel.context import Ctx
from engine.scheduling.notifications import notify
from engine.people.directory import actor_for, get_user
from engine.kernel.uow import unit_of_work

URL = "/api/v1/notifications"


def _notify(ctx, username, message, **kwargs):
    with unit_of_work(ctx) as session:
        [row] = notify(ctx, [get_user(session, username)], "task.overdue", message, **kwargs)
        return row.id


def _messages(caller, query=""):
    response = caller.get(f"{URL}{query}")
    assert response.status_code == 200, response.get_json()
    return [item["message"] for item in response.get_json()["items"]]


def _three_for_leader(ctx, clock):
    ids = []
    for number in (1, 2, 3):
        ids.append(_notify(ctx, "leader", f"Thông báo {number}", task_id=f"t{number}"))
        clock.advance(timedelta(minutes=1))
    return ids


def test_lists_only_the_callers_newest_first(household, admin_ctx, clock, login_as):
    reception = get_user(admin_ctx.session, "reception")
    dossier = intake.open_dossier(Ctx(admin_ctx.session, clock, actor_for(
        admin_ctx.session, reception.id), settings=admin_ctx.settings), household,
        {"name": "An"}, "direct", handling_unit="UBND.PHUHOI")
    first = _notify(admin_ctx, "leader", "Hồ sơ quá hạn", dossier=dossier, task_id="t0")
    clock.advance(timedelta(minutes=1))
    _three_for_leader(admin_ctx, clock)
    _notify(admin_ctx, "officer", "Việc của chuyên viên")
    leader = login_as("leader")
    page = leader.get(f"{URL}?per_page=2").get_json()
    assert (page["page"], page["per_page"], page["total"]) == (1, 2, 4)
    assert [item["message"] for item in page["items"]] == ["Thông báo 3", "Thông báo 2"]
    assert _messages(leader, "?per_page=2&page=2") == ["Thông báo 1", "Hồ sơ quá hạn"]
    oldest = leader.get(f"{URL}?per_page=1&page=4").get_json()["items"][0]
    assert oldest == {"id": first, "type": "task.overdue", "at": "2026-04-24T09:00:00.000+07:00",
                      "dossier_code": dossier.code, "task_id": "t0",
                      "message": "Hồ sơ quá hạn", "read": False}
    assert _messages(login_as("officer")) == ["Việc của chuyên viên"]
    assert _messages(login_as("supervisor")) == []


def test_mark_read_is_the_owners_and_idempotent(demo, admin_ctx, clock, login_as):
    ids = _three_for_leader(admin_ctx, clock)
    leader = login_as("leader")
    response = leader.post(f"{URL}/{ids[1]}/read")
    assert response.status_code == 200
    assert response.get_json()["id"] == ids[1] and response.get_json()["read"] is True
    assert leader.post(f"{URL}/{ids[1]}/read").get_json()["read"] is True
    assert _messages(leader, "?unread=true") == ["Thông báo 3", "Thông báo 1"]
    assert _messages(leader, "?unread=false") == ["Thông báo 2"]
    for url in (f"{URL}/{ids[0]}/read", f"{URL}/999999/read"):
        response = login_as("officer").post(url)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 404
    assert _messages(leader, "?unread=true") == ["Thông báo 3", "Thông báo 1"]


def test_read_all_marks_only_the_callers_unread(demo, admin_ctx, clock, login_as):
    _three_for_leader(admin_ctx, clock)
    _notify(admin_ctx, "officer", "Việc của chuyên viên")
    leader = login_as("leader")
    assert leader.post(f"{URL}/read-all").get_json() == {"marked": 3}
    assert leader.post(f"{URL}/read-all").get_json() == {"marked": 0}
    assert _messages(leader, "?unread=true") == []
    assert _messages(login_as("officer"), "?unread=true") == ["Việc của chuyên viên"]


def test_notifications_need_a_token(demo, client):
    for method, url in (("get", URL), ("post", f"{URL}/1/read"), ("post", f"{URL}/read-all")):
        response = getattr(client, method)(url)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
