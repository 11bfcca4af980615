"""The dossier's status machine: national codes, allowed moves, and the
database's own check on the status column."""
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.dossier import status
from engine.kernel.errors import Conflict
from tests.api.helpers import open_dossier


def _dossier(state, done=False):
    tasks = [SimpleNamespace(status="completed")] if done else []
    return SimpleNamespace(code="X-1", status=state, national_status=None, tasks=tasks)


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
