"""One generated dossier's life, planned: what happens to it, when, and by whom.

A dossier is first placed (`place`: procedure, handling unit, receiving desk and
its officer, channel, when it was handed in); then `plan` draws its life from
the shares in `SHARES` and lays it on the working calendar as `Happening`s, in
the order and with the actors the services would see: submitted online and
received later, or received on the spot; sent back for papers (which come back,
or never do and the desk refuses it) or refused at once; its steps claimed and
completed in the order the template walked them; one supplement during
processing, within the procedure's window; one extension by a leader of the
handling unit, asked at least the notice before the due time; withdrawn or
stopped midway; resolved early, on time or late against its appointment; the
result handed back. Work happens in working time ("active" time: the clock
and the steps wait while the papers are away), so a step is never claimed or
completed while its dossier waits. The plan ignores "now": the simulation
(`generation_rows`) applies what happened before it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import generation_data

HOUR = 3600 * 10**6  # microseconds
MINUTE = 60 * 10**6
SHARES = {
    "online": 0.50, "post": 0.08,  # the rest walk in
    "refused_at_desk": 0.015, "sent_back": 0.04, "papers_never_came": 0.12,
    "withdrawn": 0.010, "stopped": 0.005, "supplement": 0.06, "refusal_letter": 0.04,
    "late": 0.03, "apologised": 0.015, "on_time": 0.15,  # the rest early
    "stalled": 0.25,  # of the late: weeks late, not hours
    "desk_elsewhere": 0.15, "province_desk": 0.35, "not_collected": 0.03,
}
NO_PAPERS = "Quá thời hạn, công dân không bổ sung hồ sơ"
REASONS = {"withdrawn": "Công dân xin rút hồ sơ", "stopped": "Dừng xử lý theo đề nghị của cơ quan "
           "có thẩm quyền", "refused": "Hồ sơ không thuộc thẩm quyền giải quyết",
           "extension": "Cần thêm thời gian xác minh"}


@dataclass
class Place:
    """Where and how a dossier was handed in (drawn before anything else, so
    dossier codes follow the order of hand-in)."""
    index: int
    service: object
    handling: object
    desk: object
    clerk: object  # the desk's reception officer (a Person)
    channel: str
    handed_in: datetime
    code: str = ""
    number: tuple = ()  # ((agency code, day), number) of its code


@dataclass(frozen=True)
class Happening:
    at: datetime
    kind: str
    args: tuple = ()


def place(rng, world, table, days, index) -> Place:
    service = rng.choices(world.services, [s.weight for s in world.services])[0]
    handling = rng.choice(service.handling)
    desk = _desk(rng, world, service, handling)
    roll = rng.random()
    channel = "online" if roll < SHARES["online"] else (
        "post" if roll < SHARES["online"] + SHARES["post"] else "direct")
    if channel == "online" and rng.random() < 0.3:  # evenings and weekends too
        first = datetime.combine(days[0], datetime.min.time(), table.zone)
        span = (datetime.combine(days[-1], datetime.max.time(), table.zone) - first)
        handed_in = (first + timedelta(seconds=rng.randrange(int(span.total_seconds()))))
    else:
        handed_in = working_moment(rng, table, rng.choice(days))
    return Place(index, service, handling, desk, rng.choice(world.receptionists(desk.code)),
                 channel, handed_in.astimezone(table.zone).replace(microsecond=0))


def _desk(rng, world, service, handling):
    """Mostly the handling commune's own desk; else the province's centre or
    another commune's desk (any desk receives any dossier)."""
    local = world.local_desks(handling)
    if service.commune_level and local and rng.random() > SHARES["desk_elsewhere"]:
        return rng.choice(local)
    central = [desk for desk in world.central_desks if desk not in local]
    others = [desk for desk in world.desks if desk not in local and desk not in central]
    if central and (not others or rng.random() < SHARES["province_desk"]):
        return rng.choice(central)
    return rng.choice(others or local or world.desks)


def working_moment(rng, table, day) -> datetime:
    """A random instant of office hours on `day` (or the next working day)."""
    start = table.day_start(day)
    return table.instant(start + rng.randrange(table.day_length // timedelta(seconds=1))
                         * 10**6)


def plan(rng, env, where: Place):
    """(template, happenings) of one dossier's whole life."""
    service, table = where.service, env.table
    refusal = "refuse" in service.templates and rng.random() < SHARES["refusal_letter"]
    template = service.templates["refuse" if refusal else "main"]
    happenings, at = [], where.handed_in
    if where.channel == "online":
        happenings.append(Happening(at, "submit", (where.clerk,)))
        at = table.add(at, timedelta(microseconds=rng.randrange(HOUR // 4, 12 * HOUR)))
    roll = rng.random()
    if roll < SHARES["refused_at_desk"]:
        return template, happenings + [Happening(at, "refuse", (where.clerk, REASONS["refused"]))]
    if roll < SHARES["refused_at_desk"] + SHARES["sent_back"]:
        happenings.append(Happening(at, "send_back", (where.clerk,)))
        if rng.random() < SHARES["papers_never_came"]:
            late = table.add(at, table.day_length * 15)
            return template, happenings + [Happening(late, "refuse", (where.clerk, NO_PAPERS))]
        at = _later(rng, table, at, rng.randint(1, 10))
        happenings.append(Happening(at, "papers_in", (where.clerk,)))
    else:
        happenings.append(Happening(at, "receive", (where.clerk,)))
    return template, happenings + Processing(rng, env, where, template, at).happenings()


def _later(rng, table, at, days) -> datetime:
    moment = working_moment(rng, table, (at + timedelta(days=days)).astimezone(table.zone).date())
    return moment if moment > at else table.add(at, timedelta(hours=1))


@dataclass
class Pause:
    active: int  # active working time from reception to the request (microseconds)
    asked: datetime
    back: datetime
    due: datetime  # the appointment once the papers are back


class Processing:
    """The received dossier's work: steps, supplement, extension, ending, return."""

    def __init__(self, rng, env, where, template, received):
        self.rng, self.env, self.where, self.template = rng, env, where, template
        self.table, self.service = env.table, where.service
        self.received, self.start = received, self.table.offset(received)
        self.due = self.service.due(self.table, received)
        self.span = max(self.table.offset(self.due) - self.start, HOUR)
        self.pause = None

    def at(self, active: int) -> datetime:
        """The instant `active` working time after reception, the wait skipped."""
        pause = self.pause
        if pause is None or active <= pause.active:
            return self.table.instant(self.start + active)
        return self.table.instant(self.table.offset(pause.back) + active - pause.active)

    def happenings(self) -> list[Happening]:
        rng = self.rng
        ending = rng.random()
        timing = self._timing()
        if timing != "apologised" and rng.random() < SHARES["supplement"]:
            self.pause = self._pause()
        done, extension = self._resolution(timing, self.pause.due if self.pause else self.due)
        completions = self._spread(done)
        done = completions[-1]  # a diagram's timer may have hurried the steps
        if self.pause is not None and self.pause.active >= done:
            self.pause = None  # resolved before it would have been asked
        out = self._steps(completions)
        if self.pause is not None:
            out += self._supplement(completions)
        if extension is not None and extension.at < self.at(done):
            out.append(extension)
        if ending < SHARES["withdrawn"] + SHARES["stopped"]:
            return out + [self._close(ending, done)]
        if rng.random() > SHARES["not_collected"]:
            back = self.table.add(self.at(done), self.table.day_length * rng.uniform(0.1, 6))
            out.append(Happening(back, "return", (self.where.clerk, self._return_channel())))
        return out

    def _timing(self) -> str:
        roll, total = self.rng.random(), 0
        for name in ("late", "apologised", "on_time"):
            total += SHARES[name]
            if roll < total:
                return name
        return "early"

    def _pause(self) -> Pause:
        table, service = self.table, self.service
        window = table.amount(self.service.policy.supplement_window) // timedelta(microseconds=1)
        active = int(self.rng.uniform(0.05, 0.9) * min(window, self.span // 2))
        asked = self.at(active)
        back = _later(self.rng, table, asked, self.rng.randint(1, 12))
        if service.clock_policy == "pause":
            left = max(table.between(asked, self.due), timedelta())
            due = table.add(back, timedelta(seconds=int(left.total_seconds())))
        else:
            due = service.due(table, back)
        return Pause(active, asked, back, due)

    def _resolution(self, timing, due):
        """The active time at which the last step is done, and the extension if any."""
        table, rng = self.table, self.rng
        first = self.table.offset(self.pause.back) if self.pause else self.start
        floor = first + len(self.template.moments) * 10 * MINUTE
        due_at, day = table.offset(due), table.day_start(due.astimezone(table.zone).date())
        extension = None
        if timing == "apologised":
            extension = self._extension(due, due_at)
            timing = "late" if extension is None else timing
        if timing == "early" and day > floor:
            done = floor + int(rng.random() * (day - floor))
        elif timing in ("early", "on_time") and due_at - max(day, floor) > MINUTE:
            low = max(day, floor) + 1
            done = low + int(rng.random() * (due_at - low))
        else:
            done = due_at + 1 + int(rng.random() * self._lateness(extension, due_at))
        if self.pause is not None:  # as active time: the wait does not count
            return self.pause.active + done - first, extension
        return done - first, extension

    def _lateness(self, extension, due_at) -> int:
        """How late a late dossier may be: within its new appointment mostly, when
        apologised; else hours, or for a stalled one weeks."""
        if extension is not None and self.rng.random() < 0.8:
            return self.table.offset(extension.args[1]) - due_at
        if self.rng.random() < SHARES["stalled"]:
            return int(self.rng.uniform(1, 3) * self.span) + 40 * HOUR
        return int(self.rng.uniform(0.02, 0.3) * self.span) + HOUR

    def _extension(self, due, due_at):
        table, rng, policy = self.table, self.rng, self.service.policy
        leaders = self.env.world.leaders(self.where.handling.code)
        latest_ask = due_at - table.amount(policy.extension_notice) // timedelta(microseconds=1)
        if not leaders or latest_ask - self.start < HOUR:
            return None
        asked = self.start + int(rng.uniform(0.3, 1.0) * (latest_ask - self.start))
        if policy.extension_limit:
            latest = table.add(due, table.amount(policy.extension_limit))
        else:
            latest = self.service.due(table, due)
        days = rng.uniform(0.5, max(min(self.span / (table.day_length // timedelta(
            microseconds=1)), 5), 0.5))
        new_due = min(table.add(due, table.day_length * days), latest)
        return Happening(table.instant(asked), "extend",
                         (rng.choice(leaders), new_due, REASONS["extension"]))

    def _spread(self, done: int) -> list[int]:
        """Active times of the completions: shares of the work by allotment, with noise."""
        specs = self.service.specs
        weights = []
        for moment in self.template.moments[1:]:
            step = self.template.steps[moment.done]
            allotment = specs.get(step.element_id, {}).get("allotment")
            hours = self.table.amount(allotment) / timedelta(hours=1) if allotment else 4
            weights.append(max(hours, 0.25) * self.rng.gammavariate(2.0, 1.0))
        total, elapsed, out = sum(weights), 0.0, []
        for weight in weights:
            elapsed += weight
            out.append(int(done * elapsed / total))
        out[-1] = done
        return self._in_order(self._before_timers(out))

    def _in_order(self, completions) -> list[int]:
        """Each step done after it opened and after the step before it."""
        moments, steps = self.template.moments, self.template.steps
        for index in range(len(completions)):
            opened = steps[moments[index + 1].done].opened
            least = max(completions[opened - 1] + 2 if opened else 2,
                        completions[index - 1] + 1 if index else 2)
            completions[index] = max(completions[index], least)
        return completions

    def _before_timers(self, completions) -> list[int]:
        """A step watched by a diagram's working-time timer is done before it fires
        (no scheduler fires it here: a later completion would be a life the services
        never write)."""
        moments = self.template.moments
        for timer in self.template.timers.values():
            if not timer.working:
                continue
            opened = completions[timer.opened - 1] if timer.opened else 0
            due = opened + timer.delta // timedelta(microseconds=1)
            ends = next((index for index in range(timer.opened + 1, len(moments))
                         if timer.uuid not in moments[index].timers), None)
            if ends is None or completions[ends - 1] < due:
                continue
            latest = max(due - MINUTE, opened + ends - timer.opened)
            for index in range(ends):
                completions[index] = min(completions[index], latest - (ends - 1 - index))
        return completions

    def _steps(self, completions) -> list[Happening]:
        out, template, world = [], self.template, self.env.world
        for index, moment in enumerate(template.moments[1:], 1):
            step = template.steps[moment.done]
            opened = completions[step.opened - 1] if step.opened else 0
            finished = completions[index - 1]
            claimed = opened + 1 + int(self.rng.uniform(0.05, 0.6) * (finished - opened - 1))
            groups = world.groups(self.service, step.element_id, step.lane,
                                  self.where.handling, self.where.desk)
            person = self.rng.choice([p for g in groups for p in world.members(g)])
            out.append(Happening(self.at(claimed), "claim", (step.uuid, person)))
            out.append(Happening(self.at(finished), "complete", (index, person)))
        return out

    def _supplement(self, completions) -> list[Happening]:
        """Asked by an officer of an open step (else the desk); back at the desk."""
        pause, template, world = self.pause, self.template, self.env.world
        moment = template.moments[sum(1 for c in completions if c < pause.active)]
        people = []
        for uuid in moment.ready:
            step = template.steps[uuid]
            for group in world.groups(self.service, step.element_id, step.lane,
                                      self.where.handling, self.where.desk):
                people += [p for p in world.members(group) if p.roles & {"officer", "reception"}]
        asker = self.rng.choice(people) if people else self.where.clerk
        missing = self.service.documents or ["Giấy tờ còn thiếu"]
        return [Happening(pause.asked, "ask", (asker, [self.rng.choice(missing)])),
                Happening(pause.back, "papers", (self.where.clerk,))]

    def _close(self, roll, done) -> Happening:
        withdrawn = roll < SHARES["withdrawn"]
        leaders = self.env.world.leaders(self.where.handling.code)
        actor = self.where.clerk if withdrawn or not leaders else self.rng.choice(leaders)
        kind = "withdrawn" if withdrawn or not leaders else "stopped"
        return Happening(self.at(int(self.rng.uniform(0.05, 0.95) * done)), "close",
                         (kind, actor, REASONS[kind]))

    def _return_channel(self) -> str:
        channel = self.where.channel
        if channel == "post":
            return "post"
        if channel == "online":
            return "electronic" if self.rng.random() < 0.6 else "desk"
        return "desk" if self.rng.random() < 0.9 else "post"


def applicant(rng, where: Place) -> dict:
    return generation_data.applicant(rng, where.handling.name)
