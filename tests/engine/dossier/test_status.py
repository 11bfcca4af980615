"""The dossier's status machine: national codes, allowed moves, and the
database's own check on the status column."""
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.dossier import status
from engine.kernel.errors import Conflict
from tests.api.helpers import open_dossier


def _dossier(state, done=False, received=True):
    tasks = [SimpleNamespace(status="completed")] if done else []
    return SimpleNamespace(code="X-1", status=state, national_status=None, tasks=tasks,
                           received_at="2026-04-24T09:00:00+07:00" if received else None)


def test_every_status_has_its_national_code():
    assert status.NATIONAL == {"new": 1, "received": 2, "refused": 3, "processing": 4,
                               "supplement": 5, "withdrawn": 7, "stopped": 8, "resolved": 9,
                               "returned": 10}


@pytest.mark.parametrize("start", [None, "new", "supplement"])
def test_code_3_is_reachable_from_every_channel(start):
    dossier = _dossier(start)
    status.move(dossier, status.REFUSED)
    assert (dossier.status, dossier.national_status) == ("refused", 3)


@pytest.mark.parametrize("start, to", [
    ("received", "returned"), ("returned", "returned"), ("stopped", "received"),
    ("resolved", "withdrawn"), ("refused", "received"), ("processing", "new")])
def test_an_illegal_move_is_a_conflict_naming_both_states(start, to):
    dossier = _dossier(start)
    with pytest.raises(Conflict, match=f"is {start}: it cannot become {to}"):
        status.move(dossier, to)
    assert dossier.status == start


@pytest.mark.parametrize("start", ["new", "supplement"])
def test_a_dossier_never_received_cannot_be_stopped(start):
    """Processing stops (8) only once it began: an online submission still new,
    or a dossier sent back at reception, is refused (3) or withdrawn (7)."""
    dossier = _dossier(start, received=False)
    with pytest.raises(Conflict, match=f"is {start}: it cannot become stopped, as it was "
                                       "never received"):
        status.move(dossier, status.STOPPED)
    assert (dossier.status, dossier.national_status) == (start, None)
    status.move(dossier, status.WITHDRAWN)
    assert (dossier.status, dossier.national_status) == ("withdrawn", 7)


@pytest.mark.parametrize("start", ["received", "processing", "incident", "supplement"])
def test_a_received_dossier_can_be_stopped(start):
    """`supplement` here is a dossier waiting for papers during processing."""
    dossier = _dossier(start)
    status.move(dossier, status.STOPPED)
    assert (dossier.status, dossier.national_status) == ("stopped", 8)


def test_an_incident_shows_the_code_of_the_work_it_interrupted():
    fresh, worked = _dossier("received"), _dossier("processing", done=True)
    status.move(fresh, status.INCIDENT)
    status.move(worked, status.INCIDENT)
    assert (fresh.national_status, worked.national_status) == (2, 4)


def test_closed_dossiers_move_no_more():
    for closed in status.CLOSED:
        assert not status.MOVES.get(closed)


def test_the_database_refuses_an_unknown_status(household, login_as, db):
    code = open_dossier(login_as("reception"), household)["code"]
    with pytest.raises(IntegrityError):
        db.execute(text("UPDATE dossier SET status = 'lost' WHERE code = :code"),
                   {"code": code})
        db.flush()
    db.rollback()
