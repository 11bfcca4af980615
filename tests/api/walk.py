"""Walking one dossier through a shipped procedure, over the API only.

Shared by `tests/api/test_procedure_*.py`: `deploy` a folder of `processes/`,
open a walk-in dossier at a desk with `Walk`, then for each step find the task
among the dossier's open tasks, claim it and complete it as a user of its
lane's unit. The walk keeps who did which step, to check the dossier's history.
`Walk.follow` takes a procedure's happy path (its `PATH`: the steps, each in
a lane role) with a staff mapping (lane role: username, unit code), so one
module's path serves any commune; `Walk.watch` runs a check before each step.
Where a dossier ended (which end event of the diagram) is the one thing the API
does not say: `end_events` reads it from the dossier's stored workflow state.
"""
import json

from lxml import etree
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.catalogue.loading import load_procedure_folder
from engine.store.dossiers import Dossier

from ..conftest import PROCESSES
from .helpers import claim_and_complete, open_dossier

READS = ("dossier.viewed", "document.downloaded")  # logs of reads, not steps


def deploy(admin_ctx, folder_name: str) -> str:
    """Deploy `processes/<folder_name>`; returns the procedure code."""
    folder = PROCESSES / folder_name
    assert "deployed version 1" in load_procedure_folder(admin_ctx, folder)
    admin_ctx.session.close()
    return json.loads((folder / "procedure.json").read_text(encoding="utf-8"))["code"]


class Walk:
    """One walk-in dossier, opened by `desk_user`, and the steps done on it."""

    def __init__(self, login_as, procedure: str, desk_user: str, data=None,
                 handling_unit=None):
        self._login_as, self._callers = login_as, {}
        self.steps = []  # (element_id, username) in the order they were completed
        self._watchers = []  # called with (element_id, task) before each step
        self.opened = open_dossier(self.caller(desk_user), procedure, data, channel="direct",
                                   handling_unit=handling_unit)
        self.code = self.opened["code"]

    def caller(self, username: str):
        if username not in self._callers:
            self._callers[username] = self._login_as(username)
        return self._callers[username]

    def read(self, username: str) -> dict:
        """The dossier as `username` sees it."""
        response = self.caller(username).get(f"/api/v1/dossiers/{self.code}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def deliver(self, username: str, channel: str = "desk") -> dict:
        """Hand the result back (national status 10, "result delivered")."""
        response = self.caller(username).post(f"/api/v1/dossiers/{self.code}/return",
                                              json={"channel": channel})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert (body["status"], body["national_status"]) == ("returned", 10)
        return body

    def open_steps(self, username: str) -> list[str]:
        return sorted(task["element_id"] for task in self.read(username)["tasks"])

    def task(self, element_id: str, username: str, group: str) -> dict:
        """The open task of `element_id` in the dossier; its only candidate is `group`."""
        tasks = [t for t in self.read(username)["tasks"] if t["element_id"] == element_id]
        assert tasks, f"{element_id} is not open: {self.open_steps(username)}"
        assert tasks[0]["candidate_groups"] == [group], tasks[0]
        return tasks[0]

    def watch(self, watcher) -> None:
        """Call `watcher(element_id, task)` before each step is claimed."""
        self._watchers.append(watcher)

    def step(self, element_id: str, username: str, group: str, data: dict) -> list[str]:
        """Claim and complete a step as `username`; returns the steps open after it."""
        task = self.task(element_id, username, group)
        for watcher in self._watchers:
            watcher(element_id, task)
        result = claim_and_complete(self.caller(username), task["id"], data)
        self.steps.append((element_id, username))
        return sorted(t["element_id"] for t in result["tasks"])

    def follow(self, path, staff: dict, channel: str = "desk") -> dict:
        """Take the steps of `path` not taken yet, then hand the result back at
        the desk. `path` lists (element_id, lane role, data, steps open after);
        `staff` maps each lane role to (username, unit code): who does the step
        and the step's one candidate group. Until the last step the dossier is
        processing (4), after it resolved (9); returns the delivered dossier."""
        done = [element_id for element_id, _ in self.steps]
        assert done == [element_id for element_id, *_ in path[:len(done)]], done
        for index, (element_id, role, data, opens) in enumerate(path[len(done):], len(done)):
            username, group = staff[role]
            assert self.step(element_id, username, group, data) == opens, element_id
            last = index == len(path) - 1
            assert self.status(username) == (("resolved", 9) if last else ("processing", 4))
        return self.deliver(staff["desk"][0], channel)

    def refused(self, element_id: str, username: str, group: str, data: dict) -> list[str]:
        """Claim a step and submit invalid data: a 422 that changes nothing in the
        dossier. Returns the fields the error names."""
        task = self.task(element_id, username, group)
        caller = self.caller(username)
        assert caller.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
        before = self.read(username)
        response = caller.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == 422, response.get_json()
        assert response.mimetype == "application/problem+json"
        assert self.read(username) == before
        return [error["field"] for error in response.get_json()["errors"]]

    def status(self, username: str) -> tuple:
        """(status, national_status) of the dossier."""
        dossier = self.read(username)
        return dossier["status"], dossier["national_status"]

    def end_events(self, username: str, db) -> list[str]:
        """The end events of the diagram that the dossier's process reached."""
        dossier = self.read(username)
        bpmn = self.caller(username).get(
            f"/api/v1/procedures/{dossier['procedure']}/versions/{dossier['version']}/bpmn")
        assert bpmn.status_code == 200
        ends = {e.get("id") for e in etree.fromstring(bpmn.data).iter(
            "{http://www.omg.org/spec/BPMN/20100524/MODEL}endEvent")}
        with Session(bind=db.get_bind()) as session:  # a fresh read, not the test's snapshot
            state = session.scalars(select(Dossier.state).where(Dossier.code == self.code)).one()
        return sorted({task["task_spec"] for task in json.loads(state)["tasks"].values()
                       if task["state"] == TaskState.COMPLETED and task["task_spec"] in ends})

    def decide_last(self, element_id: str, username: str, group: str, decision: dict,
                    db) -> list[str]:
        """Complete the last step with `decision`: the dossier resolves (a refusal
        letter is a result too) keeping the decision in its data; returns the end
        events reached."""
        assert self.step(element_id, username, group, decision) == []
        assert self.status(username) == ("resolved", 9)
        data = self.read(username)["data"]
        assert {key: data[key] for key in decision} == decision
        return self.end_events(username, db)

    def history(self, username: str) -> list[dict]:
        """The dossier's history without the logs of who read it."""
        response = self.caller(username).get(f"/api/v1/dossiers/{self.code}/history")
        assert response.status_code == 200, response.get_json()
        return [e for e in response.get_json() if e["type"] not in READS]

    def task_events(self, username: str) -> list[tuple]:
        """(type, element_id, actor) of every claim and completion in the history."""
        return [(e["type"], e["element_id"], e["actor"]) for e in self.history(username)
                if e["type"] in ("task.claimed", "task.completed")]

    def expected_task_events(self) -> list[tuple]:
        """What `task_events` should be for the steps this walk did."""
        return [event for element_id, username in self.steps for event in (
            ("task.claimed", element_id, username), ("task.completed", element_id, username))]
