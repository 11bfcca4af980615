"""Words several page families write the same way: a statutory time, and the
history's name of each event type."""
from flask_babel import gettext as _
from flask_babel import pgettext


def statutory_time(value: int, unit: str) -> str:
    """`3 working days`; English needs the singular for one, Vietnamese never does."""
    one = value == 1
    texts = {"working_days": (_("%(value)s working day"), _("%(value)s working days")),
             "days": (_("%(value)s day"), _("%(value)s days")),
             "hours": (_("%(value)s hour"), _("%(value)s hours"))}
    pair = texts.get(unit)
    return f"{value} {unit}" if pair is None else pair[0 if one else 1] % {"value": value}


def event_labels() -> dict:
    """The history's words for each event type (a type not here shows as it is)."""
    return {
        "dossier.submitted": pgettext("event", "Submitted online"),
        "dossier.received": pgettext("event", "Received"),
        "dossier.refused": pgettext("event", "Refused"),
        "dossier.supplement_requested": pgettext("event", "Supplement requested"),
        "dossier.supplement_received": pgettext("event", "Supplement received"),
        "dossier.moved": pgettext("event", "Moved to another handling unit"),
        "dossier.incident": pgettext("event", "Incident"),
        "dossier.retried": pgettext("event", "Retried"),
        "dossier.resolved": pgettext("event", "Resolved"),
        "dossier.overdue": pgettext("event", "Dossier overdue"),
        "dossier.escalated": pgettext("event", "Escalated"),
        "dossier.withdrawn": pgettext("event", "Withdrawn"),
        "dossier.stopped": pgettext("event", "Stopped"),
        "dossier.returned": pgettext("event", "Result delivered"),
        "dossier.viewed": pgettext("event", "Viewed"),
        "document.added": pgettext("event", "Document added"),
        "document.reused": pgettext("event", "Document reused"),
        "document.downloaded": pgettext("event", "Document downloaded"),
        "clock.paused": pgettext("event", "Clock paused"),
        "clock.resumed": pgettext("event", "Clock resumed"),
        "clock.extended": pgettext("event", "Extended (apology)"),
        "task.opened": pgettext("event", "Step opened"),
        "task.claimed": pgettext("event", "Step claimed"),
        "task.unclaimed": pgettext("event", "Step released"),
        "task.assigned": pgettext("event", "Step assigned"),
        "task.completed": pgettext("event", "Step completed"),
        "task.cancelled": pgettext("event", "Step cancelled"),
        "task.reminded": pgettext("event", "Reminder sent"),
        "task.overdue": pgettext("event", "Step overdue"),
        "task.escalated": pgettext("event", "Step escalated"),
        "timer.fired": pgettext("event", "Timer fired"),
        "timer.failed": pgettext("event", "Timer failed"),
    }
