"""Submitted data checked against form-js definitions, including Vietnamese data."""
import pytest

from forms import FormDataInvalid, validate_data


def form(*components):
    return {"id": "f", "type": "default", "components": list(components)}


def field(key, kind="textfield", **validate):
    return {"type": kind, "key": key, "validate": validate}


@pytest.mark.parametrize("vtype, good, bad", [
    ("citizen_id", "001099012345", "00109901234"),
    ("vn_phone", "0912345678", "0212345678"),
    ("vn_phone", "+84912345678", "84912345678"),
    ("agency_code", "000.00.01.H22", "000.00.01.h22"),
    ("email", "an@example.vn", "an@"),
])
def test_vietnamese_and_common_types(vtype, good, bad):
    definition = form(field("x", validationType=vtype))
    assert validate_data(definition, {"x": good}) == {"x": good}
    with pytest.raises(FormDataInvalid) as info:
        validate_data(definition, {"x": bad})
    assert [e["field"] for e in info.value.errors] == ["x"]


def test_types_options_dates_and_unknown_keys():
    definition = form(field("n", "number", min=1, max=5, required=True),
                      {"type": "radio", "key": "r", "values": [{"label": "A", "value": "a"}]},
                      {"type": "datetime", "key": "d", "subtype": "date"},
                      {"type": "checklist", "key": "c", "values": [{"label": "X", "value": "x"}]},
                      {"type": "group", "components": [field("inner", maxLength=3)]},
                      {"type": "text", "text": "display only"})
    good = {"n": "3", "r": "a", "d": "2026-04-24", "c": ["x"], "inner": "abc"}
    assert validate_data(definition, good) == {**good, "n": 3}
    with pytest.raises(FormDataInvalid) as info:
        validate_data(definition, {"n": 9, "r": "b", "d": "24/04/2026", "c": ["y"],
                                   "inner": "abcd", "extra": 1})
    assert {e["field"] for e in info.value.errors} == {"n", "r", "d", "c.0", "inner", "extra"}
    with pytest.raises(FormDataInvalid):
        validate_data(definition, {"n": True})  # a boolean is not a number


def test_optional_fields_may_be_left_empty():
    definition = form(field("email", validationType="email"),
                      field("phone", validationType="vn_phone"),
                      {"type": "datetime", "key": "d", "subtype": "date"},
                      {"type": "dynamiclist", "key": "rows", "components": [field("x")]})
    empty = {"email": "", "phone": "", "d": "", "rows": None}
    assert validate_data(definition, empty) == empty


@pytest.mark.parametrize("data", [{"n": float("nan")}, {"n": "-inf"}, {"n": float("inf")}])
def test_numbers_must_be_finite(data):
    with pytest.raises(FormDataInvalid):
        validate_data(form(field("n", "number", min=0, max=10)), data)


def test_a_trailing_newline_does_not_pass_a_pattern():
    definition = form(field("id", validationType="citizen_id"),
                      field("code", pattern="^[A-Z]{3}$"))
    for data in ({"id": "001099012345\n"}, {"code": "ABC\n"}):
        with pytest.raises(FormDataInvalid):
            validate_data(definition, data)


@pytest.mark.parametrize("component, message", [
    ({"type": "textfield", "key": "x", "validate": {"pattern": "("}}, "not valid"),
    ({"type": "datetime", "key": "d", "subtype": "datetime-local"}, "subtype"),
])
def test_broken_definitions_are_refused_at_deploy(component, message):
    from forms import FormDefinitionError, parse_definition
    with pytest.raises(FormDefinitionError, match=message):
        parse_definition(form(component))
