"""Shared schema pieces: instants in ISO 8601 with offset to the millisecond,
and the paginated list envelope."""
from marshmallow import Schema, fields, validate

from engine.calendar import VN


class Instant(fields.DateTime):
    """Serialized in Vietnam time with its offset, e.g. 2026-04-24T16:00:00.000+07:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(VN).isoformat(timespec="milliseconds")


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


def page_schema(item_schema, name):
    """A paginated response schema: items, page, per_page, total."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)),
                             "page": fields.Integer(), "per_page": fields.Integer(),
                             "total": fields.Integer()}, name=name)
