"""Shared schema pieces: instants in ISO 8601 with offset to the millisecond,
the paginated list envelope, a report's period."""
from datetime import datetime

from marshmallow import Schema, fields, validate
from werkzeug.routing import IntegerConverter

from engine.deadlines.worktime import VN
from engine.kernel.clock import parse_instant


class Instant(fields.DateTime):
    """Serialized in Vietnam time with its offset, e.g. 2026-04-24T16:00:00.000+07:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else instant_text(value)


def instant_text(value: datetime | str) -> str:
    """An instant (or its stored ISO text) as the API writes instants."""
    return parse_instant(value).astimezone(VN).isoformat(timespec="milliseconds")


MAX_PER_PAGE = 200  # a page of dossiers with their data and open tasks stays a few MB


class PeriodArgs(Schema):
    """A report's period (`engine.monitoring.period`)."""
    date_from = fields.Date(data_key="from", load_default=None, metadata={
        "description": "First day, inclusive (Asia/Ho_Chi_Minh); default: 29 days before "
                       "`to` (30 days in all)"})
    date_to = fields.Date(data_key="to", load_default=None, metadata={
        "description": "Last day, inclusive; default: today. At most 366 days in all"})


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_schema(item_schema, name):
    """A paginated response schema: items, page, per_page, total."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)),
                             "page": fields.Integer(), "per_page": fields.Integer(),
                             "total": fields.Integer()}, name=name)


class StoredId(IntegerConverter):
    """`<int:...>` in a path: an id the database can hold. A larger number
    names nothing (404), instead of overflowing the driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)  # ids are PostgreSQL `integer`
        super().__init__(url_map, *args, **kwargs)
