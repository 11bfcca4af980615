"""What the inbox and task pages show beside the engine's data: each step's due
state in words, the dossier's history as readable lines, and the words the task
page's script writes (translated here, handed over in the page data).

A step is overdue past its due time and near due when its due time falls within
the platform's near-due setting (`MOTCUA_NEAR_DUE`, working time on the working
calendar), the threshold the supervisors' overdue list uses, so one step reads
the same on both pages. A step whose dossier waits for the applicant's papers is
neither: its time is held (`GET /tasks?overdue=true` leaves it out too).
"""
from flask_babel import pgettext

from engine.dossier import intake, status
from engine.kernel.errors import NotFound

from .due import near_horizon
from .words import event_labels

# reads of personal data are logged in the same stream; they are not the dossier's story
READS = {"dossier.viewed", "document.downloaded"}


def due_reader(ctx):
    """A function giving a task's due state: `state` (overdue, near, ontime, held,
    none), its words and the due time."""
    now, horizon = ctx.now(), near_horizon(ctx)
    words = {"overdue": pgettext("inbox", "Overdue"), "near": pgettext("inbox", "Near due"),
             "ontime": pgettext("inbox", "Within time"),
             "held": pgettext("inbox", "Held: waiting for papers"),
             "none": pgettext("inbox", "No time limit")}

    def due(task) -> dict:
        if task.due_at is None:
            state = "none"
        elif task.dossier.status not in status.WORKING:
            state = "held"
        elif task.due_at < now:
            state = "overdue"
        else:
            state = "near" if task.due_at <= horizon else "ontime"
        return {"state": state, "words": words[state], "at": task.due_at}
    return due


def history_rows(ctx, dossier):
    """The dossier's events, newest first, as (instant, words, step, actor); None
    when the visitor may act on the step but not read the dossier's history."""
    try:
        events = intake.history(ctx, dossier.code)
    except NotFound:
        return None
    words, steps = event_labels(), {task.id: task.name for task in dossier.tasks}
    return [{"at": event.at, "words": words.get(event.type, event.type),
             "step": steps.get(event.task_id) or event.element_id or "",
             "actor": event.actor}
            for event in reversed(events) if event.type not in READS]


def task_texts() -> dict:
    """The words of the task page's script, by the name it looks them up with."""
    return {
        "invalid": pgettext("inbox", "The step was not completed: correct the fields "
                                     "marked below."),
        "failed": pgettext("inbox", "The step was not completed"),
        "claim_failed": pgettext("inbox", "Could not claim the step"),
        "claimed": pgettext("inbox", "You claimed this step: fill in the form and complete it."),
        "other_fields": pgettext("inbox", "Other problems"),
        "name": pgettext("inbox", "Name"),
        "type": pgettext("inbox", "Type"),
        "value": pgettext("inbox", "Value"),
        "text": pgettext("inbox", "Text"),
        "number": pgettext("inbox", "Number"),
        "boolean": pgettext("inbox", "Yes or no"),
        "yes": pgettext("inbox", "Yes"),
        "no": pgettext("inbox", "No"),
        "remove": pgettext("inbox", "Remove"),
    }
