"""Camunda's generic form: what a step without a form definition accepts.

Camunda lets a step without a form take any variables; a diagram drawn for it
decides at a gateway on what the deciding step submitted (`approved ==
True`). Here that data is kept to what a script can safely read as a
variable: a flat object of scalar values under identifier keys that are not
reserved, bounded in count and size. `validate_generic` returns the data or
raises `FormDataInvalid` with one error per bad field.
"""
import builtins
import keyword
import math

from .definitions import RESERVED_KEYS
from .validate import FormDataInvalid

MAX_FIELDS = 50
MAX_KEY_LENGTH = 64
MAX_TEXT_LENGTH = 2_000
SCALARS = (str, int, float, bool, type(None))
SHOWN_KEY = 80  # a refused key is echoed back cut to this length


def validate_generic(data: dict, reserved=RESERVED_KEYS) -> dict:
    if not isinstance(data, dict):
        raise FormDataInvalid([{"field": "data", "message": "Not an object."}])
    errors = []
    if len(data) > MAX_FIELDS:
        errors.append({"field": "data",
                       "message": f"At most {MAX_FIELDS} fields; {len(data)} were sent."})
    for key in sorted(data, key=str):
        message = _key_problem(key, reserved) or _value_problem(data[key])
        if message:
            errors.append({"field": str(key)[:SHOWN_KEY], "message": message})
    if errors:
        raise FormDataInvalid(errors)
    return dict(data)


def _key_problem(key, reserved) -> str | None:
    if not isinstance(key, str) or not key.isidentifier() or keyword.iskeyword(key):
        return "Not a variable name (letters, digits and _, not starting with a digit)."
    if key.startswith("_"):
        return "A name may not start with _."
    if len(key) > MAX_KEY_LENGTH:
        return f"A name may have at most {MAX_KEY_LENGTH} characters."
    if key in reserved:
        return "Reserved: the platform sets this variable."
    if hasattr(builtins, key):  # a script's `len(...)` would find the value instead
        return "Reserved: the name of a function scripts use."
    return None


def _value_problem(value) -> str | None:
    if not isinstance(value, SCALARS):
        return "Only a string, number, boolean or null (no lists or objects)."
    if isinstance(value, float) and not math.isfinite(value):
        return "Not a finite number."
    if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
        return f"At most {MAX_TEXT_LENGTH} characters."
    return None
