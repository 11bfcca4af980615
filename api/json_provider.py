"""The application's JSON: NaN and the infinities neither in nor out.

They are not JSON (RFC 8259), yet Python's `json` reads and writes them by
default; a value stored once would then be served as a bare `NaN` that
clients cannot parse. Reading refuses them (`NotFinite`, a ValueError, so a
request carrying one is a 400; `loads_marking` puts a marker in their place
for the request guard to name the fields); writing raises instead of emitting
them, which `api.errors` turns into a logged 500 problem.
"""
import json
import math

from flask.json.provider import DefaultJSONProvider


class NotFinite(ValueError):
    """A JSON number that is NaN or infinite (`NaN`, `Infinity`, `1e999`)."""


def refuse_constant(name: str):
    raise NotFinite(f"{name} is not a JSON number")


def finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to inf without any constant
        raise NotFinite(f"{text} is not a finite number")
    return value


class Marker:
    """Where a non-finite number stood in a document read by `loads_marking`."""

    def __init__(self, text: str):
        self.text = text


def _mark_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else Marker(text)


def loads_marking(data):
    """`json.loads`, with a `Marker` in place of each NaN or infinity."""
    return json.loads(data, parse_constant=Marker, parse_float=_mark_float)


class StrictJSONProvider(DefaultJSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", refuse_constant)
        kwargs.setdefault("parse_float", finite_float)
        return super().loads(s, **kwargs)


def register(app):
    app.json = StrictJSONProvider(app)
