"""Races: 20 clients, each a thread with its own test client and its own
token, fire the same contested action at the same three dossiers at once:
claims, completions, supplement requests, withdrawals, stops, extensions,
returns of the result, and withdraw against stop. For each dossier exactly
one request wins and the others get 409, none a 500; the dossier ends as the
winner left it and its log holds exactly one event of the winning action,
by the winner, with the winner's payload. Runs on the suite's database."""
import random
import threading

import pytest

from engine.catalogue.loading import load_people

from .api.helpers import claim_and_complete, open_dossier, open_task

CLIENTS, DOSSIERS, SEED = 20, 3, 13
CHECK = {"business_name": "Hộ", "capital": 1, "needs_inspection": False}
REVIEW = {"review_note": "Đủ", "review_outcome": "ok"}
APPROVE = {"decision": "approve", "decision_note": "Cấp"}
GROUPS = {"desk": ("reception", ["TTPVHCC"]), "off": ("officer", ["UBND.PHUHOI.KT"]),
          "lead": ("leader", ["UBND.PHUHOI", "UBND.PHUHOI.LD"])}  # leaders of the handling unit


@pytest.fixture
def racers(household, admin_ctx, login_as):
    """`racers(group)`: CLIENTS users of that group, each logged in (a token each)."""
    def make(group):
        role, units = GROUPS[group]
        users = [{"username": f"{group}{i:02d}", "password": f"{group}{i:02d}-password",
                  "roles": [role], "units": units} for i in range(CLIENTS)]
        load_people(admin_ctx, {"users": users})
        admin_ctx.session.close()
        return [login_as(user["username"], user["password"]) for user in users]
    return make


def race(app, plans):
    """`plans[i]`: client i's requests `(key, caller, method, url, body)`, sent in
    order once every client is ready; returns `(key, client, status, body)` rows."""
    barrier, rows, lock = threading.Barrier(len(plans)), [], threading.Lock()

    def run(index):
        client = app.test_client()
        barrier.wait()
        for key, caller, method, url, body in plans[index]:
            response = getattr(client, method)(url, json=body, headers=caller.headers)
            with lock:
                rows.append((key, index, response.status_code, response.get_json()))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    return rows


def contest(app, keys, action):
    """Every client does `action(i, key)` on every key, in its own seeded order;
    asserts one 200 per key, 409 for the rest, and returns each key's winner."""
    plans = []
    for index in range(CLIENTS):
        order = list(keys)
        random.Random(SEED * 100 + index).shuffle(order)
        plans.append([(key, *action(index, key)) for key in order])
    rows = race(app, plans)
    assert [row for row in rows if row[2] >= 500] == []
    winners = {}
    for key in keys:
        statuses = sorted(status for k, _, status, _ in rows if k == key)
        assert statuses == [200] + [409] * (CLIENTS - 1), (key, statuses)
        winners[key] = next(index for k, index, status, _ in rows if k == key and status == 200)
    return winners


def history(login_as, code, *types):
    events = login_as("admin").get(f"/api/v1/dossiers/{code}/history").get_json()
    return [event for event in events if event["type"] in types]


def _dossiers(login_as, household, steps=()):
    reception, codes = login_as("reception"), []
    for _ in range(DOSSIERS):
        code = open_dossier(reception, household)["code"]
        for element, user, data in steps:
            claim_and_complete(login_as(user), open_task(reception, code, element)["id"], data)
        codes.append(code)
    return codes


def test_one_claim_wins(app, household, racers, login_as):
    desks = racers("desk")
    tasks = [open_dossier(login_as("reception"), household)["tasks"][0]
             for _ in range(DOSSIERS)]
    winners = contest(app, [task["id"] for task in tasks], lambda i, task_id: (
        desks[i], "post", f"/api/v1/tasks/{task_id}/claim", {}))
    for task in tasks:
        winner = desks[winners[task["id"]]].username
        assert login_as("admin").get(f"/api/v1/tasks/{task['id']}").get_json()[
            "assignee"] == winner
        [claimed] = history(login_as, task["dossier_code"], "task.claimed")
        assert claimed["actor"] == winner and claimed["task_id"] == task["id"]


def test_one_completion_wins(app, household, login_as, racers):
    racers("desk")
    sessions = [login_as("desk00", "desk00-password") for _ in range(CLIENTS)]
    tasks = [open_dossier(login_as("reception"), household)["tasks"][0]
             for _ in range(DOSSIERS)]
    for task in tasks:
        assert sessions[0].post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    winners = contest(app, [task["id"] for task in tasks], lambda i, task_id: (
        sessions[i], "post", f"/api/v1/tasks/{task_id}/complete",
        {"data": {**CHECK, "business_name": f"Hộ số {i}"}}))
    for task in tasks:
        name = f"Hộ số {winners[task['id']]}"
        dossier = login_as("admin").get(f"/api/v1/dossiers/{task['dossier_code']}").get_json()
        assert dossier["data"]["business_name"] == name
        assert sorted(t["element_id"] for t in dossier["tasks"]) == ["Task_Fee", "Task_Review"]
        [done] = history(login_as, task["dossier_code"], "task.completed")
        assert (done["task_id"], done["detail"]["data"]["business_name"]) == (task["id"], name)


def _life_cycle(app, login_as, codes, callers, action, body):
    return contest(app, codes, lambda i, code: (
        callers[i], "post", f"/api/v1/dossiers/{code}/{action}", body(i)))


def test_one_supplement_request_wins(app, household, racers, login_as):
    callers = racers("desk")[:CLIENTS // 2] + racers("off")[:CLIENTS - CLIENTS // 2]
    codes = _dossiers(login_as, household)
    winners = _life_cycle(app, login_as, codes, callers, "supplement-request",
                          lambda i: {"missing": [f"Giấy tờ {i}"], "note": f"ghi chú {i}"})
    for code in codes:
        winner = winners[code]
        dossier = login_as("admin").get(f"/api/v1/dossiers/{code}").get_json()
        assert (dossier["status"], dossier["national_status"]) == ("supplement", 5)
        [asked] = history(login_as, code, "dossier.supplement_requested")
        assert (asked["actor"], asked["detail"]["missing"], asked["detail"]["note"]) == (
            callers[winner].username, [f"Giấy tờ {winner}"], f"ghi chú {winner}")


@pytest.mark.parametrize("action, group, status, event", [
    ("withdraw", "desk", "withdrawn", "dossier.withdrawn"),
    ("stop", "lead", "stopped", "dossier.stopped"),
])
def test_one_closing_action_wins(app, household, racers, login_as, action, group, status, event):
    callers = racers(group)
    codes = _dossiers(login_as, household, [("Task_Check", "reception", CHECK)])
    winners = _life_cycle(app, login_as, codes, callers, action, lambda i: {"reason": f"lý do {i}"})
    for code in codes:
        _closed_once(login_as, code, status, event, callers[winners[code]].username,
                     f"lý do {winners[code]}")


def _closed_once(login_as, code, status, event, actor, reason):
    dossier = login_as("admin").get(f"/api/v1/dossiers/{code}").get_json()
    assert (dossier["status"], dossier["tasks"]) == (status, [])
    [closed] = history(login_as, code, "dossier.withdrawn", "dossier.stopped")
    assert (closed["type"], closed["actor"], closed["detail"]["reason"]) == (event, actor, reason)
    cancelled = [e["task_id"] for e in history(login_as, code, "task.cancelled")]
    assert sorted(cancelled) == sorted(set(cancelled)) and len(cancelled) == 2  # fee, review


def test_withdraw_against_stop_one_wins(app, household, racers, login_as):
    desks, leaders = racers("desk"), racers("lead")
    callers = [desks[i] if i % 2 else leaders[i] for i in range(CLIENTS)]
    codes = _dossiers(login_as, household, [("Task_Check", "reception", CHECK)])
    winners = contest(app, codes, lambda i, code: (
        callers[i], "post", f"/api/v1/dossiers/{code}/{'withdraw' if i % 2 else 'stop'}",
        {"reason": f"lý do {i}"}))
    for code in codes:
        winner = winners[code]
        status, event = (("withdrawn", "dossier.withdrawn") if winner % 2
                         else ("stopped", "dossier.stopped"))
        _closed_once(login_as, code, status, event, callers[winner].username, f"lý do {winner}")


def test_one_extension_wins(app, household, racers, login_as):
    leaders = racers("lead")
    codes = _dossiers(login_as, household)  # due Mon 4 May 2026 09:00

    def new_due(i):  # 20 distinct working instants within the statutory time after it
        return f"2026-05-05T{8 + i // 6:02d}:{(i % 6) * 10:02d}:00.000+07:00"

    winners = _life_cycle(app, login_as, codes, leaders, "extension",
                          lambda i: {"new_due_at": new_due(i), "reason": f"lý do {i}"})
    for code in codes:
        winner = winners[code]
        dossier = login_as("admin").get(f"/api/v1/dossiers/{code}").get_json()
        assert dossier["due_at"] == dossier["clock"]["extended_to"] == new_due(winner)
        [extended] = history(login_as, code, "clock.extended")
        assert extended["actor"] == leaders[winner].username
        assert extended["detail"]["reason"] == f"lý do {winner}"


def test_one_return_of_the_result_wins(app, household, racers, login_as):
    desks = racers("desk")
    codes = _dossiers(login_as, household, [
        ("Task_Check", "reception", CHECK), ("Task_Review", "officer", REVIEW),
        ("Task_Fee", "reception", {}), ("Task_Approve", "leader", APPROVE)])
    channels = ("desk", "post", "electronic")
    winners = _life_cycle(app, login_as, codes, desks, "return",
                          lambda i: {"channel": channels[i % 3], "note": f"ghi chú {i}"})
    for code in codes:
        winner = winners[code]
        dossier = login_as("admin").get(f"/api/v1/dossiers/{code}").get_json()
        assert (dossier["status"], dossier["national_status"]) == ("returned", 10)
        [returned] = history(login_as, code, "dossier.returned")
        assert (returned["actor"], returned["detail"]) == (
            desks[winner].username, {"channel": channels[winner % 3], "note": f"ghi chú {winner}"})
