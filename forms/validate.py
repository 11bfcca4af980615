"""Validation of submitted data against a form-js definition, with marshmallow.

`schema_for(definition)` builds (and caches) a marshmallow schema from the
form's components: types, required, lengths, patterns, min/max, options,
dates. Keys the form does not define are refused, so a submission can only
set the variables its form names. `validate` returns the cleaned data or
raises `FormDataInvalid` with one error per field.
"""
import json
import math
from datetime import date, datetime, time
from functools import lru_cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.kernel.errors import field_errors

VALUE_TYPES = {"radio", "select"}
LIST_TYPES = {"checklist", "taglist"}
PHONE = r"^(\+84|0)\d{9,10}$"
# an empty answer to a required field reads as marshmallow's missing one, not as a length
MISSING = fields.Field.default_error_messages["required"]
# Vietnamese data, named in a field's `validate.validationType` (form-js keeps
# unknown types; the browser checks email and phone, the server all of them)
VN_TYPES = {
    "citizen_id": (r"^\d{12}$", "Not a 12-digit citizen identity number."),
    "vn_phone": (r"^(\+84|0)(3|5|7|8|9)\d{8}$", "Not a Vietnamese mobile number."),
    "agency_code": (r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
                    "Not an agency identifier code such as 000.00.01.H22."),
}


class FormDataInvalid(ValueError):
    def __init__(self, errors: list[dict]):
        super().__init__("form data is invalid")
        self.errors = errors


class Numeric(fields.Field):
    """A finite JSON number (not a boolean); numeric strings from text inputs too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid number.")
        if isinstance(value, int):
            return value
        try:
            number = float(value if isinstance(value, float) else str(value).strip())
        except ValueError:
            raise ValidationError("Not a valid number.") from None
        if not math.isfinite(number):
            raise ValidationError("Not a valid number.")
        return int(number) if number.is_integer() and not isinstance(value, float) else number


class IsoText(fields.String):
    """A date, time or date-time kept as its ISO text once it parses."""

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text == "" and not self.required:
            return text  # form-js sends "" for an empty field
        try:
            self.parse(text)
        except ValueError:
            raise ValidationError("Not a valid date or time.") from None
        return text


DATE_PARSERS = {"date": date.fromisoformat, "time": time.fromisoformat,
                "datetime": datetime.fromisoformat}


def _options(component) -> list:
    return [option["value"] for option in component.get("values") or []
            if isinstance(option, dict) and "value" in option]


def _full(pattern: str) -> str:
    """The whole value must match: `$` alone lets a trailing newline through."""
    return f"(?:{pattern})\\Z"


def _unless_empty(check):
    """An optional field left empty ("" from form-js) is not checked."""
    def run(value):
        return True if value == "" else check(value)
    return run


def _checks(component) -> list:
    rules, checks = component.get("validate") or {}, []
    if "minLength" in rules or "maxLength" in rules:
        checks.append(validate.Length(min=rules.get("minLength"), max=rules.get("maxLength")))
    if rules.get("pattern"):
        checks.append(validate.Regexp(_full(rules["pattern"])))
    if rules.get("validationType") == "email":
        checks.append(validate.Email())
    if rules.get("validationType") == "phone":
        checks.append(validate.Regexp(_full(PHONE), error="Not a valid phone number."))
    if rules.get("validationType") in VN_TYPES:
        pattern, error = VN_TYPES[rules["validationType"]]
        checks.append(validate.Regexp(_full(pattern), error=error))
    if "min" in rules or "max" in rules:
        checks.append(validate.Range(min=rules.get("min"), max=rules.get("max")))
    return checks


def _field(component):
    kind = component["type"]
    required = bool((component.get("validate") or {}).get("required"))
    options = dict(required=required, validate=_checks(component), allow_none=not required)
    if kind in ("textfield", "textarea"):
        if required:  # form-js sends "" for an empty field: that is not an answer
            options["validate"] = [validate.Length(min=1, error=MISSING), *options["validate"]]
        else:
            options["validate"] = [_unless_empty(check) for check in options["validate"]]
        return fields.String(**options)
    if kind == "number":
        return Numeric(**options)
    if kind == "checkbox":
        return fields.Boolean(required=required, allow_none=not required)
    if kind in VALUE_TYPES:
        allowed = _options(component)
        return fields.Raw(required=required, allow_none=not required,
                          validate=validate.OneOf(allowed) if allowed else None)
    if kind in LIST_TYPES:
        allowed = _options(component)
        item = fields.Raw(validate=validate.OneOf(allowed) if allowed else None)
        return fields.List(item, required=required, allow_none=not required,
                           validate=validate.Length(min=1, error=MISSING) if required else None)
    if kind == "datetime":
        return IsoText(DATE_PARSERS[component.get("subtype", "date")], **options)
    if kind == "dynamiclist":
        return fields.List(fields.Nested(_schema(component.get("components", []))),
                           required=required, allow_none=not required)
    return None  # display-only components carry no data


def _entries(components):
    """(key, field) pairs, with groups flattened; read-only fields take no input."""
    for component in components:
        if component.get("type") == "group":
            yield from _entries(component.get("components", []))
        elif component.get("key") and not (component.get("readonly")
                                           or component.get("disabled")):
            field = _field(component)
            if field is not None:
                yield component["key"], field


def _schema(components) -> Schema:
    return Schema.from_dict(dict(_entries(components)), name="Submission")(unknown=RAISE)


@lru_cache(maxsize=256)
def _cached(definition_json: str) -> Schema:
    return _schema(json.loads(definition_json).get("components", []))


def schema_for(definition: dict) -> Schema:
    return _cached(json.dumps(definition, sort_keys=True))


def validate_data(definition: dict, data: dict) -> dict:
    try:
        return schema_for(definition).load(data)
    except ValidationError as exc:
        raise FormDataInvalid(field_errors(exc.messages)) from None
