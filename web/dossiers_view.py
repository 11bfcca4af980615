"""What the dossier page shows, built from what the API would answer.

`dossier_page(ctx, code, ...)` reads the dossier and its history through the
services the API calls (`GET /dossiers/{code}`, `.../history`), dumped with the
API's own schemas, and derives the rest: the diagram's marks (steps done, from
the history's `task.completed` events; current, the open tasks; overdue, open
tasks past their due time on the platform's clock), the history's rows in the
page's language, the dossier's slips, and the life-cycle actions the visitor's
roles allow (the server still decides each one).
"""
from flask import request
from flask_babel import gettext as _
from flask_babel import pgettext

from api.dossiers import EventOut
from api.presentation import instant, label
from api.schemas import DossierOut
from engine.dossier import handling, intake
from engine.dossier import status as states
from engine.kernel.clock import parse_instant
from engine.people.access import managed_groups, within
from engine.people.directory import unit_names

from .due import near_horizon
from .words import event_labels

READS = ("dossier.viewed", "document.downloaded")  # audit of reads: listed on request
HISTORY_PER_PAGE = 25


def dossier_page(ctx, code, history_page=1, reads=False) -> dict:
    dossier = intake.get_dossier(ctx, code)
    shown = DossierOut().dump(dossier)
    events = EventOut(many=True).dump(intake.history(ctx, code))
    names = _unit_names(ctx.session, dossier, events)
    allowed = actions(ctx, dossier)
    move_to = _move_choices(ctx, dossier) if "move" in allowed else []
    return {
        "dossier": shown,
        "procedure_name": dossier.procedure.name,
        "unit_names": names,
        "due_class": due_class(dossier, ctx.now(), near_horizon(ctx)),
        "marks": marks(shown["tasks"], events, ctx.now()),
        "steps": _current_steps(shown["tasks"], names, ctx.now()),
        "history": _history(dossier, events, names, history_page, reads),
        "slips": slips(code, events),
        "actions": [name for name in allowed if name != "move" or move_to],
        "move_to": move_to,
        "action_names": action_names(),
        "clock_states": _clock_states(),
    }


def due_class(dossier, now, horizon) -> str:
    """How the dossier's due time is coloured: on time, near due (due by `horizon`,
    `web.due`) or overdue; none when its clock does not run."""
    if dossier.due_at is None or dossier.status not in states.WORKING \
            or dossier.clock_state != "running":
        return ""
    if dossier.due_at < now:
        return "due-overdue"
    return "due-near" if dossier.due_at <= horizon else "due-ontime"


def marks(open_tasks, events, now) -> dict:
    """The diagram's elements by mark: `done` (a step completed, not open again),
    `current` (an open step) and `overdue` (an open step past its due time)."""
    current = list(dict.fromkeys(task["element_id"] for task in open_tasks))
    overdue = list(dict.fromkeys(task["element_id"] for task in open_tasks
                                 if _past(task.get("due_at"), now)))
    done = list(dict.fromkeys(event["element_id"] for event in events
                              if event["type"] == "task.completed" and event.get("element_id")
                              and event["element_id"] not in current))
    return {"done": done, "current": current, "overdue": overdue}


def _past(value, now) -> bool:
    due = parse_instant(value)
    return due is not None and due < now


def _unit_names(session, dossier, events) -> dict:
    codes = {dossier.receiving_unit.code, dossier.handling_unit.code}
    for task in dossier.tasks:
        codes.update(task.candidate_groups)
    for event in events:
        detail = event.get("detail") or {}
        codes.update(value for key in ("from", "to", "unit") if isinstance(
            value := detail.get(key), str))
    return unit_names(session, codes)


def _current_steps(open_tasks, names, now) -> list[dict]:
    return [{"name": task["name"], "element_id": task["element_id"],
             "groups": [names.get(group, group) for group in task["candidate_groups"]],
             "assignee": task["assignee"], "due_at": task.get("due_at"),
             "overdue": _past(task.get("due_at"), now)} for task in open_tasks]


def action_names() -> dict:
    """The actions' names (UI.md's fixed accessible names where it has one)."""
    return {"supplement_request": _("Request supplement"),
            "supplement_received": _("Supplement received"),
            "extension": _("Extension (apology)"),
            "move": _("Move to another handling unit"),
            "withdraw": _("Withdraw"), "stop": _("Stop"), "return": _("Return result")}


def _clock_states() -> dict:
    return {"not_started": pgettext("clock", "Not started"),
            "running": pgettext("clock", "Running"), "paused": pgettext("clock", "Paused"),
            "stopped": pgettext("clock", "Stopped")}


def _return_channels() -> dict:
    return {"desk": _("At the desk"), "post": _("By post"), "electronic": _("Electronically")}


def _history(dossier, events, names, page, reads) -> dict:
    kept = [event for event in events if reads or event["type"] not in READS]
    pages = max(1, -(-len(kept) // HISTORY_PER_PAGE))
    page = min(max(page, 1), pages)
    labels, steps = event_labels(), {task.id: task.name for task in dossier.tasks}
    rows = [{"at": event["at"], "actor": event["actor"],
             "what": labels.get(event["type"], event["type"]),
             "step": steps.get(event.get("task_id")) or event.get("element_id") or "",
             "detail": describe(event.get("detail") or {}, names)}
            for event in kept[(page - 1) * HISTORY_PER_PAGE:page * HISTORY_PER_PAGE]]
    return {"rows": rows, "page": page, "pages": pages, "total": len(kept),
            "reads": reads, "hidden": len(events) - len(kept)}


def describe(detail: dict, names: dict) -> str:
    """An event's detail in a line of the page's language (the fields people read)."""
    parts = []
    if isinstance(detail.get("from"), str) and isinstance(detail.get("to"), str):
        parts.append(f"{names.get(detail['from'], detail['from'])} → "
                     f"{names.get(detail['to'], detail['to'])}")
    if detail.get("missing"):
        parts.append(_("Missing: %(items)s", items="; ".join(map(str, detail["missing"]))))
    if detail.get("new_due_at"):
        parts.append(_("New due time: %(at)s", at=instant(detail["new_due_at"])))
    elif detail.get("due_at"):
        parts.append(_("Due: %(at)s", at=instant(detail["due_at"])))
    if detail.get("assignee"):
        parts.append(_("Assigned to %(user)s", user=detail["assignee"]))
    if detail.get("channel"):
        channel = detail["channel"]
        parts.append(_return_channels().get(channel) or label(channel, "channel"))
    if detail.get("document_type"):
        parts.append(str(detail["document_type"]))
    for key, text in (("reason", _("Reason: %(text)s")), ("note", _("Note: %(text)s")),
                      ("message", _("Message: %(text)s"))):
        if detail.get(key):
            parts.append(text % {"text": detail[key]})
    return " · ".join(parts)


SLIP_EVENTS = (("receipt", "dossier.received"), ("supplement", "dossier.supplement_requested"),
               ("refusal", "dossier.refused"), ("apology", "clock.extended"),
               ("handover", "task.opened"))


def slips(code, events) -> list[dict]:
    """The dossier's slips that apply (`GET /dossiers/{code}/slips/{kind}`)."""
    titles = {"receipt": _("Receipt and appointment"), "supplement": _("Supplement request"),
              "refusal": _("Refusal"), "apology": _("Apology and new appointment"),
              "handover": _("Hand-over log")}
    happened = {event["type"] for event in events}
    return [{"kind": kind, "title": titles[kind],
             "url": f"{request.script_root}/api/v1/dossiers/{code}/slips/{kind}"}
            for kind, type_ in SLIP_EVENTS if type_ in happened]


def actions(ctx, dossier) -> list[str]:
    """The life-cycle actions the visitor's roles allow on the dossier as it is
    now (API.md); the server checks each again."""
    actor, now = ctx.actor, dossier.status
    leads = "admin" in actor.roles or (actor.has("leader") and dossier.handling_unit.code in (
        within(ctx.session, actor) | managed_groups(ctx.session, actor)))
    works_in = "admin" in actor.roles or dossier.handling_unit.code in within(ctx.session, actor)
    allowed = {
        "supplement_request": actor.has("reception", "officer") and now in (
            states.NEW, states.RECEIVED, states.PROCESSING),
        "supplement_received": actor.has("reception") and now == states.SUPPLEMENT,
        "extension": actor.has("leader") and works_in and now in states.WORKING
        and dossier.clock_state == "running" and dossier.extended_to is None,
        "move": leads and now in states.OPEN,
        "withdraw": actor.has("reception") and now in states.OPEN,
        "stop": actor.has("leader") and now in states.OPEN and dossier.received_at is not None,
        "return": actor.has("reception") and now == states.RESOLVED,
    }
    return [name for name, ok in allowed.items() if ok]


def _move_choices(ctx, dossier) -> list[dict]:
    return [{"code": unit.code, "name": unit.name}
            for unit in handling.choices(ctx.session, dossier.procedure)
            if unit.code != dossier.handling_unit.code]
