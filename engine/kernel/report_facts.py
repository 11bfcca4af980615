"""Folding a dossier's events into its report facts (`engine.store.facts`).

`fold` is the one definition, a pure function of a facts dict and an event
(type, instant, detail): `record` applies it as each event is recorded, in the
same unit of work; the data generator and the migration that fills the table
for existing dossiers apply it to stored events in order. An instant is set by
the first event that brings it, never changed.
"""
from datetime import datetime

from ..store.facts import DossierFacts

ENTRIES = ("dossier.submitted", "dossier.received", "dossier.supplement_requested",
           "dossier.refused")
CLOSINGS = {"dossier.resolved": "resolved", "dossier.withdrawn": "withdrawn",
            "dossier.refused": "refused", "dossier.stopped": "stopped"}
DOCUMENTS = ("document.added", "document.reused")
FOLDED = frozenset({*ENTRIES, *CLOSINGS, *DOCUMENTS, "dossier.supplement_received",
                    "clock.extended"})
INSTANTS = ("entered_at", "sent_back_at", "received_at", "appointment_at", "asked_at",
            "answered_at", "second_appointment_at", "apologised_at", "closed_at")


def fold(facts: dict, type_: str, at: datetime, detail: dict) -> None:
    """`facts` after one more event (the keys of `DossierFacts`, instants aware)."""
    if type_ not in FOLDED or facts.get("closed_at") is not None:
        return
    once = _once(facts)
    if type_ in ENTRIES:
        once("entered_at", at)
    if type_ == "dossier.received":
        once("received_at", at)
        once("appointment_at", _instant(detail.get("due_at")))
    elif type_ == "dossier.supplement_requested":
        once("sent_back_at" if facts.get("received_at") is None else "asked_at", at)
    elif type_ == "dossier.supplement_received" and facts.get("received_at") is not None:
        once("answered_at", at)
        once("second_appointment_at", _instant(detail.get("due_at")))
    elif type_ == "clock.extended":
        once("apologised_at", at)
    elif type_ in DOCUMENTS:
        facts["documents"] = (facts.get("documents") or 0) + 1
        facts["undigitised"] = (facts.get("undigitised") or 0) + (not detail.get("digitized"))
    elif type_ in CLOSINGS:
        facts["closed_at"], facts["closed_as"] = at, CLOSINGS[type_]
        if type_ == "dossier.resolved":
            facts["digitised"] = bool(facts.get("documents")) and not facts.get("undigitised")


def first_facts(dossier, procedure, handling_unit_id=None) -> dict:
    """What a dossier's facts start from: the columns that never change (the
    procedure's level and field as they were when it entered)."""
    return {"dossier_id": dossier.id, "procedure_id": dossier.procedure_id,
            "channel": dossier.channel, "level": procedure.level, "field": procedure.field or "",
            "receiving_unit_id": dossier.receiving_unit_id,
            "handling_unit_id": handling_unit_id or dossier.handling_unit_id,
            "documents": 0, "undigitised": 0}


def folded(start: dict, happened) -> dict | None:
    """A whole row from `start` (the `first_facts` keys) and the dossier's events
    in order (each with `type`, `at`, `detail`); None if none entered it."""
    facts = dict(start)
    for event in happened:
        fold(facts, event["type"], event["at"], event["detail"] or {})
    if facts.get("entered_at") is None:
        return None
    return {name: facts.get(name) for name in DossierFacts.__table__.columns.keys()}


def record(session, dossier, event) -> None:
    """Fold a just-recorded event into its dossier's row (created by its first)."""
    if event.type not in FOLDED:
        return
    row = session.get(DossierFacts, dossier.id)
    facts = first_facts(dossier, dossier.procedure) if row is None else {
        name: getattr(row, name) for name in DossierFacts.__table__.columns.keys()}
    fold(facts, event.type, event.at, event.detail or {})
    if row is None:
        if facts.get("entered_at") is None:
            return  # not a dossier's first event: an older stream, before the facts
        session.add(DossierFacts(**facts))
    else:
        for name, value in facts.items():
            if getattr(row, name) != value:
                setattr(row, name, value)


def appointment(session, dossier_id):
    """The appointment on the dossier's receipt, if it was received."""
    row = session.get(DossierFacts, dossier_id)
    return row.appointment_at if row is not None else None


def _once(facts):
    def set_once(name, value):
        if facts.get(name) is None and value is not None:
            facts[name] = value
    return set_once


def _instant(text):
    return datetime.fromisoformat(text) if text else None
