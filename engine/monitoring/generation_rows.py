"""A planned life played up to "now", into the rows the services would have written.

`Dossier` replays a dossier's happenings (`generation_life`) one by one, doing
to its row, its steps and its event log what each service does
(`engine.dossier.intake`, `lifecycle`, `supplements`, `tasks`, `workflow`,
`projection`, `engine.deadlines.statutory` and `steps`): the same statuses
through the one state machine (`engine.dossier.status.move`, so an illegal move
fails here too), the same clock fields, the same event types and detail keys in
the same order, the same revision bumps. Due times come from the generator's
`WorkTable`, equal to the services' maths. Happenings after "now" do not
happen. `rows()` then gives the dossier row, its steps and their candidates,
its parties, the live timer rows (what the scheduler would still have to act
on) and its events (unsealed: `generation_write` chains them).
"""
from datetime import timedelta

from ..dossier import status

# `incident` is left out, SQL NULL (`generation_write` gives JSON null to those received
# on the spot, as the ORM leaves them: the services clear it on a dossier just inserted)
COLUMNS = ("code", "status", "national_status", "data", "state", "created_at",
           "received_at", "due_at", "resolved_at", "clock_state", "clock_started_at",
           "transfer_by", "clock_paused_at", "clock_remaining_seconds", "extended_to",
           "supplement_requested_at", "updated_at", "revision")
TASK_COLUMNS = ("id", "element_id", "name", "status", "assignee_id", "form_key", "allotment",
                "created_at", "due_at", "overdue_at", "ended_at", "completed_by")


class _Row:
    """A row under construction, read by `status.move` like the model it stands for."""

    def __init__(self, **values):
        self.__dict__.update(values)


class Dossier:
    def __init__(self, env, where, template, values, fresh):
        self.env, self.where, self.template, self.table = env, where, template, env.table
        self.service, self.values, self.fresh = where.service, values, fresh
        self.row = _Row(code=where.code, status=None, national_status=None, received_at=None,
                        incident=None, tasks=[], data={}, state=None, due_at=None,
                        resolved_at=None, clock_state=None, clock_started_at=None,
                        transfer_by=None, clock_paused_at=None, clock_remaining_seconds=None,
                        extended_to=None, supplement_requested_at=None, revision=0)
        self.steps = {}  # template id: task _Row
        self.moment = None  # index of the template moment the instance is at
        self.moment_at = {}  # moment index: when it was written
        self.timer_due = {}  # template timer id: its due instant now
        self.events = []
        self.closed = False
        self.appointment = None  # the due time on the receipt (or after the papers came back)
        self.on_the_spot = False

    # -- replay ------------------------------------------------------------------

    def play(self, happenings, now) -> None:
        for happening in sorted(happenings, key=lambda h: h.at):
            if happening.at > now or self.closed:
                break
            getattr(self, "_" + happening.kind)(happening.at, *happening.args)

    def _event(self, at, actor, type_, detail=None, task=None):
        self.events.append({"type": type_, "at": at, "actor": actor.username,
                            "task_id": task.id if task is not None else None,
                            "element_id": task.element_id if task is not None else None,
                            "detail": detail or {}})

    def _touch(self, at):
        self.row.revision += 1
        self.row.updated_at = at

    def _new(self, at):
        self.row.created_at, self.row.updated_at, self.row.revision = at, at, 1
        status.move(self.row, status.NEW)

    def _submit(self, at, clerk):
        self._new(at)
        self._event(at, clerk, "dossier.submitted", {"channel": "online"})

    def _refuse(self, at, clerk, reason):
        if self.row.status is None:  # refused on the spot at the desk
            self._new(at)
        else:
            self._touch(at)
        status.move(self.row, status.REFUSED)
        self._event(at, clerk, "dossier.refused", {"reason": reason})

    def _send_back(self, at, clerk):
        if self.row.status is None:  # at the desk: never received
            self._new(at)
        else:
            self._touch(at)
        status.move(self.row, status.SUPPLEMENT)
        self._event(at, clerk, "dossier.supplement_requested", {
            "missing": self._missing(), "note": "", "at_reception": True})

    def _missing(self) -> list:
        return list((self.service.documents or ["Giấy tờ"])[:1])

    def _papers_in(self, at, clerk):
        self._event(at, clerk, "dossier.supplement_received", {"documents": self._missing()})
        self._receive_now(at, clerk)

    def _receive(self, at, clerk):
        if self.row.status is None:  # received on the spot at the desk
            self._new(at)
            self.on_the_spot = True
        self._receive_now(at, clerk)

    def _receive_now(self, at, clerk):
        row, table = self.row, self.table
        status.move(row, status.RECEIVED)
        row.received_at = at
        row.transfer_by = self.env.transfer_by(at)
        row.clock_state, row.clock_paused_at = "running", None
        row.clock_started_at = table.next_working(at)
        row.due_at = self.service.due(table, at)
        self.appointment = row.due_at
        self._event(at, clerk, "dossier.received", {
            "channel": self.where.channel, "unit": self.where.desk.code,
            "due_at": row.due_at.isoformat()})
        self._write(at, 0, clerk)

    def _write(self, at, index, actor):
        """`workflow.write`: the instance's moment, its steps, data and status."""
        moment = self.template.moments[index]
        ready = set(moment.ready)
        for uuid, task in self.steps.items():
            if task.status == "open" and uuid not in ready:
                task.status, task.ended_at = "cancelled", at
                self._event(at, actor, "task.cancelled", task=task)
        for uuid in moment.ready:
            if uuid not in self.steps:
                self._open(at, uuid, actor)
        for uuid in moment.timers:
            if uuid not in self.timer_due:
                self.timer_due[uuid] = self._timer_due(uuid, at)
        self.moment = index
        self.moment_at.setdefault(index, at)  # a rewrite (papers back) changes no task
        self._touch(at)
        if moment.completed and self.row.status != status.RESOLVED:
            status.move(self.row, status.RESOLVED)
            self.row.resolved_at, self.row.clock_state = at, "stopped"
            self._event(at, actor, "dossier.resolved")
        elif not moment.completed and self.row.status in status.WORKING:
            status.settle(self.row)

    def _open(self, at, uuid, actor):
        step = self.template.steps[uuid]
        spec = self.service.specs.get(step.element_id, {})
        groups = self.env.world.groups(self.service, step.element_id, step.lane,
                                       self.where.handling, self.where.desk)
        task = _Row(id=self.fresh[uuid], element_id=step.element_id, name=step.name,
                    status="open", assignee_id=None, form_key=spec.get("form_key"),
                    allotment=spec.get("allotment"), created_at=at, due_at=None,
                    overdue_at=None, ended_at=None, completed_by=None, groups=groups, rungs=[])
        self.steps[uuid] = task
        self.row.tasks.append(task)
        self._schedule(task, at)
        self._event(at, actor, "task.opened", {
            "candidate_groups": groups,
            "due_at": task.due_at.isoformat() if task.due_at else None}, task)

    def _schedule(self, task, start):
        """`steps.schedule`: the step's due time from `start` and its ladder."""
        if not task.allotment:
            return
        task.due_at = self.table.step_due(start, task.allotment)
        task.rungs = [(r.kind, r.due_at) for r in self.table.ladder(
            start, task.due_at, self.service.policy)]

    def _timer_due(self, uuid, at):
        timer = self.template.timers[uuid]
        return self.table.add(at, timer.delta) if timer.working else at + timer.delta

    def _claim(self, at, uuid, person):
        task = self.steps[uuid]
        task.assignee_id = person.id
        self._touch(at)
        self._event(at, person, "task.claimed", task=task)

    def _complete(self, at, index, person):
        moment = self.template.moments[index]
        task = self.steps[moment.done]
        task.status, task.ended_at, task.completed_by = "completed", at, person.username
        self._event(at, person, "task.completed", moment.done_data.load(self.values), task)
        self._write(at, index, person)

    def _ask(self, at, person, missing):
        row = self.row
        self._touch(at)
        status.move(row, status.SUPPLEMENT)
        row.supplement_requested_at = at
        left = max(self.table.between(at, row.due_at), timedelta())
        row.clock_state, row.clock_paused_at = "paused", at
        row.clock_remaining_seconds = int(left.total_seconds())
        self._event(at, person, "clock.paused", {"remaining_seconds": row.clock_remaining_seconds})
        self._event(at, person, "dossier.supplement_requested", {
            "missing": missing, "note": "", "late": False})

    def _papers(self, at, clerk):
        """`lifecycle.receive_supplement` of a received dossier."""
        row, table = self.row, self.table
        shifted = self._shifter(row.clock_paused_at, at)
        for uuid in self.template.moments[self.moment].timers:
            self.timer_due[uuid] = shifted(self.timer_due[uuid])
        restart = self.service.clock_policy != "pause"
        row.clock_state, row.clock_paused_at = "running", None
        if restart:
            row.clock_started_at = table.next_working(at)
            row.due_at = self.service.due(table, at)
        else:
            row.due_at = table.add(at, timedelta(seconds=row.clock_remaining_seconds or 0))
            row.clock_remaining_seconds = None
            self._event(at, clerk, "clock.resumed")
        self.appointment = row.due_at  # the reports measure against the new one
        self._event(at, clerk, "dossier.supplement_received", {
            "documents": self._missing(), "due_at": row.due_at.isoformat()})
        for task in row.tasks:
            if task.status == "open" and task.allotment and task.due_at is not None:
                self._resume(task, at, shifted, restart)
        status.settle(row)
        self._write(at, self.moment, clerk)

    def _resume(self, task, at, shifted, restart):
        if restart:
            self._schedule(task, at)
            return
        task.rungs = [(r.kind, shifted(r.due_at)) for r in self.table.ladder(
            task.created_at, task.due_at, self.service.policy)]
        task.due_at = shifted(task.due_at)

    def _shifter(self, since, now):
        table = self.table

        def shifted(instant):
            left = table.between(since, instant)
            return table.add(now, left) if left > timedelta() else instant
        return shifted

    def _extend(self, at, leader, new_due, reason):
        row = self.row
        row.extended_to, row.due_at = new_due, new_due
        self._event(at, leader, "clock.extended", {"new_due_at": new_due.isoformat(),
                                                   "reason": reason})
        self._touch(at)

    def _close(self, at, kind, actor, reason):
        for task in self.row.tasks:
            if task.status == "open":
                task.status, task.ended_at = "cancelled", at
                self._event(at, actor, "task.cancelled", task=task)
        self.row.clock_state = "stopped"
        status.move(self.row, kind)
        self._touch(at)
        self._event(at, actor, f"dossier.{kind}", {"reason": reason})
        self.closed = True

    def _return(self, at, clerk, channel):
        status.move(self.row, status.RETURNED)
        self._touch(at)
        self._event(at, clerk, "dossier.returned", {"channel": channel, "note": ""})

    # -- what was written ---------------------------------------------------------

    def rows(self) -> dict:
        """The dossier's columns (ids of units and procedure aside), steps,
        candidates, parties and live timers."""
        row = self.row
        if self.moment is not None:
            values = {**self.values, **self._instance_values()}
            moment = self.template.moments[self.moment]
            row.state, row.data = moment.state.render(values), moment.data.load(values)
        tasks = [{name: getattr(task, name) for name in TASK_COLUMNS} for task in row.tasks]
        candidates = [{"task_id": task.id, "party": group}
                      for task in row.tasks for group in task.groups]
        parties = {self.where.desk.code, self.where.handling.code}
        parties.update(group for task in row.tasks for group in task.groups)
        return {"dossier": {name: getattr(row, name) for name in COLUMNS},
                "on_the_spot": self.on_the_spot,
                "tasks": tasks, "candidates": candidates, "parties": sorted(parties),
                "timers": self._timers()}

    def _instance_values(self) -> dict:
        """Slots of the state only a replay knows: timers' due instants, when each
        task last changed."""
        values = {f"@@m{index}@@": repr(at.timestamp()) for index, at in self.moment_at.items()}
        for uuid, timer in self.template.timers.items():
            due = self.timer_due.get(uuid)
            values[timer.literal] = f'"{due.isoformat() if due else timer.literal}"'
        return values

    def _timers(self) -> list[dict]:
        """What the scheduler still has to act on: nothing once closed, nothing
        while the papers are away (held)."""
        row = self.row
        if row.status not in status.WORKING:
            return []
        found = [("dossier_due", None, None, row.due_at, {})] if row.clock_state == "running" \
            else []
        for task in row.tasks:
            if task.status == "open":
                found += [(kind, task.id, task.element_id, due, {}) for kind, due in task.rungs]
        for uuid in self.template.moments[self.moment].timers:
            timer = self.template.timers[uuid]
            found.append(("bpmn", self.fresh[uuid], timer.element_id, self.timer_due[uuid],
                          {"timer": timer.kind}))
        return [{"kind": kind, "task_id": task_id, "element_id": element_id, "due_at": due,
                 "detail": detail} for kind, task_id, element_id, due, detail in found]

    def outcome(self, now) -> str:
        """Where the dossier stands at `now`, in the words of the report."""
        row, zone = self.row, self.table.zone
        if row.status in (status.RESOLVED, status.RETURNED):
            resolved, due = row.resolved_at.astimezone(zone), self.appointment.astimezone(zone)
            if resolved.date() < due.date():
                return "resolved_early"
            return "resolved_on_time" if resolved <= due else "resolved_late"
        if row.status in status.WORKING:
            return "open_overdue" if row.due_at < now else "open_in_progress"
        return OUTCOMES[row.status]


OUTCOMES = {status.SUPPLEMENT: "open_waiting_supplement", status.NEW: "new_awaiting_reception",
            status.REFUSED: "refused", status.WITHDRAWN: "withdrawn", status.STOPPED: "stopped"}
