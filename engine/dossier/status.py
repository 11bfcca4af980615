"""The dossier's status: one state machine (DOMAIN.md, "The dossier's life").

Owns every status a dossier can be in, its code on the national portal, the
moves allowed between them, and the sets the rest of the platform asks about
(working, closed). Every command that changes a dossier's status goes through
`move`; a move the machine does not allow is a conflict naming both states.

`received` (2) holds until the first step is completed, `processing` (4)
after; an `incident` (a failing script or timer) shows the national code of
the status it interrupted. `supplement` (5) is either a dossier sent back at
reception (never received: its clock has not started) or one whose processing
waits for the applicant's papers. Only processing can be stopped (8): a dossier
never received (new online, or sent back at reception) is the desk's to refuse
(3) or the applicant's to withdraw (7), never stopped.
"""
from sqlalchemy import and_

from ..kernel.errors import Conflict
from ..store.dossiers import STATUSES as STORED
from ..store.dossiers import Dossier

NEW, RECEIVED, REFUSED, PROCESSING, SUPPLEMENT = (
    "new", "received", "refused", "processing", "supplement")
WITHDRAWN, STOPPED, RESOLVED, RETURNED, INCIDENT = (
    "withdrawn", "stopped", "resolved", "returned", "incident")

NATIONAL = {NEW: 1, RECEIVED: 2, REFUSED: 3, PROCESSING: 4, SUPPLEMENT: 5,
            WITHDRAWN: 7, STOPPED: 8, RESOLVED: 9, RETURNED: 10}
STATUSES = (*NATIONAL, INCIDENT)
assert set(STATUSES) == set(STORED), "the status column's check must list every status"

WORKING = (RECEIVED, PROCESSING, INCIDENT)  # received, not waiting, not finished
OPEN = (NEW, SUPPLEMENT, *WORKING)  # may still be withdrawn; stopped once received
CLOSED = (REFUSED, WITHDRAWN, STOPPED, RETURNED)  # nothing more happens to it

_ENDINGS = {WITHDRAWN, STOPPED}
MOVES = {
    None: {NEW, RECEIVED, SUPPLEMENT, REFUSED},  # the desk's three outcomes, or online
    NEW: {RECEIVED, SUPPLEMENT, REFUSED, WITHDRAWN},  # never received: not stopped
    SUPPLEMENT: {RECEIVED, PROCESSING, INCIDENT, REFUSED} | _ENDINGS,  # stopped if received
    RECEIVED: {PROCESSING, INCIDENT, SUPPLEMENT, RESOLVED} | _ENDINGS,
    PROCESSING: {INCIDENT, SUPPLEMENT, RESOLVED} | _ENDINGS,
    INCIDENT: {RECEIVED, PROCESSING, SUPPLEMENT, RESOLVED} | _ENDINGS,
    RESOLVED: {RETURNED},
}


def move(dossier, to: str) -> None:
    """Put `dossier` in status `to`, with its national code, or refuse (409)."""
    code = dossier.code or "the new dossier"
    if to == STOPPED and dossier.received_at is None:
        raise Conflict(f"Dossier {code} is {dossier.status}: it cannot become {to}, as it was "
                       "never received (only processing stops; the desk refuses it instead).")
    if to not in MOVES.get(dossier.status, ()):
        raise Conflict(f"Dossier {code} is {dossier.status}: it cannot become {to}.")
    dossier.status = to
    dossier.national_status = national_code(dossier)


def settle(dossier) -> None:
    """A received dossier whose work moved on: an incident while one stands,
    else 2 or 4; its national code refreshed either way."""
    target = INCIDENT if dossier.incident else at_work(dossier)
    if target != dossier.status:
        move(dossier, target)
    dossier.national_status = national_code(dossier)


def at_work(dossier) -> str:
    """The status of a received dossier at work: 2 until a step is done, then 4."""
    done = any(task.status == "completed" for task in dossier.tasks)
    return PROCESSING if done else RECEIVED


def national_code(dossier) -> int:
    if dossier.status == INCIDENT:
        return NATIONAL[at_work(dossier)]
    return NATIONAL[dossier.status]


def require(dossier, *states: str, doing: str) -> None:
    """Refuse (409) a command that needs the dossier in one of `states`."""
    if dossier.status not in states:
        raise Conflict(f"Dossier {dossier.code} is {dossier.status}: cannot {doing} now.")


def clock_running():
    """Where-clause: dossiers whose statutory clock runs (at work, not waiting
    for papers, not closed): the ones that can be, or become, overdue."""
    return and_(Dossier.status.in_(WORKING), Dossier.clock_state == "running")
