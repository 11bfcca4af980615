"""The unit of work: one public service call, one transaction.

`unit_of_work(ctx)` commits when the block ends and rolls back on any error.
Stale revisions, unique-key races, deadlocks and lock time-outs become
`Conflict` (retry); values the database cannot store become `Invalid`. On
SQLite a write transaction starts with BEGIN IMMEDIATE (see `sqlite_begin`),
so writers queue instead of failing on a stale snapshot.
"""
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..store import db  # noqa: F401 - the database handle the web layer binds
from .errors import Conflict, Invalid

_writing: ContextVar[bool] = ContextVar("motcua_writing", default=False)
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock, serialization, lock timeout
SQLITE_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


@contextmanager
def unit_of_work(ctx):
    if _writing.get():
        raise RuntimeError("units of work do not nest: call the inner service's helpers")
    session = ctx.session
    if session.in_transaction():
        session.rollback()  # end a read transaction so the write one starts fresh
    token = _writing.set(True)
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        translated = _translate(exc)
        if translated is None:
            raise
        raise translated from exc
    finally:
        _writing.reset(token)


@contextmanager
def side_read():
    """A read on another connection from inside a unit of work (the shared
    clock's offset): on SQLite it must not ask for the write lock its own
    unit of work holds."""
    token = _writing.set(False)
    try:
        yield
    finally:
        _writing.reset(token)


def _translate(exc):
    if isinstance(exc, StaleDataError):
        return Conflict("The dossier was changed by someone else; reload and retry.")
    orig = getattr(exc, "orig", None)
    if isinstance(exc, IntegrityError) and _is_unique_violation(orig):
        return Conflict("A concurrent change conflicts with this one; retry.")
    if isinstance(exc, OperationalError) and _is_retryable(orig):
        return Conflict("The database is busy with a concurrent change; retry.")
    if isinstance(exc, DataError):
        return Invalid("The input holds a value the database cannot store.")
    return None


def _is_unique_violation(orig) -> bool:
    return getattr(orig, "sqlstate", None) == "23505" or (
        isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig))


def _is_retryable(orig) -> bool:
    return getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES or (
        getattr(orig, "sqlite_errorcode", None) in SQLITE_BUSY_CODES)


def sqlite_begin(engine):
    """Let pysqlite leave transactions to us, and open write ones IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=15000",
                       "synchronous=FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")
