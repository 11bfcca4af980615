"""Persistence: the SQLAlchemy extension object, column types and models.

Query helpers here and in the services only flush; `engine.kernel.uow` owns commits.
Importing this package registers every model on `db.metadata` (migrations and
tests rely on that).
"""
from .base import db  # noqa: F401
from . import people, procedures, dossiers, events, system  # noqa: F401
from . import calendar, documents, facts, notifications, timers  # noqa: F401
