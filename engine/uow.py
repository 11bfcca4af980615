"""The unit of work: one public service call, one transaction.

`unit_of_work(ctx)` commits when the block ends and rolls back on any error.
Stale revisions and unique-key races become `Conflict`. On SQLite a write
transaction starts with BEGIN IMMEDIATE (see `sqlite_begin`), so writers queue
instead of failing on a stale snapshot.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict

_writing: ContextVar[bool] = ContextVar("motcua_writing", default=False)


@contextmanager
def unit_of_work(ctx):
    session = ctx.session
    if session.in_transaction():
        session.rollback()  # end a read transaction so the write one starts fresh
    token = _writing.set(True)
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict("The dossier was changed by someone else; reload and retry.") from exc
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("A concurrent change conflicts with this one; retry.") from exc
    except OperationalError as exc:
        session.rollback()
        if "locked" in str(exc.orig):
            raise Conflict("The database is busy; retry.") from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        _writing.reset(token)


def sqlite_begin(engine):
    """Let pysqlite leave transactions to us, and open write ones IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=15000",
                       "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")
