"""A real server process killed with SIGKILL between requests loses no
acknowledged work: after a restart, the completed task is still completed."""
from .api.helpers import APPLICANT
from .processes import Server, call


def test_sigkill_loses_no_completed_task(live_env):
    server = Server(live_env).start()
    try:
        token = server.token("reception", "reception-demo")
        status, dossier = call(server.base, "POST", "/api/v1/dossiers", {
            "procedure": "1.001612", "applicant": APPLICANT, "channel": "direct"}, token)
        assert status == 201, dossier
        task_id = dossier["tasks"][0]["id"]
        assert call(server.base, "POST", f"/api/v1/tasks/{task_id}/claim", {}, token)[0] == 200
        status, done = call(server.base, "POST", f"/api/v1/tasks/{task_id}/complete", {
            "data": {"business_name": "A", "capital": 1, "needs_inspection": False}}, token)
        assert status == 200, done
    finally:
        server.kill()
    server.start()
    try:
        status, after = call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}",
                             token=token)
        assert status == 200
        assert sorted(t["element_id"] for t in after["tasks"]) == ["Task_Fee", "Task_Review"]
        _, history = call(server.base, "GET", f"/api/v1/dossiers/{dossier['code']}/history",
                          token=token)
        assert [e["type"] for e in history].count("task.completed") == 1
    finally:
        server.kill()
