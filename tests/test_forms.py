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


def test_the_generic_form_takes_flat_scalars_under_variable_names():
    from forms import validate_generic
    data = {"approved": True, "note": "Đủ điều kiện", "copies": 2, "fee": 1.5, "ref": None,
            "họ_tên": "An", "x" * 64: "", "note2": "y" * 2_000}
    assert validate_generic(data) == data
    assert validate_generic({}) == {}
    assert validate_generic({f"k{i}": i for i in range(50)})


@pytest.mark.parametrize("data, field", [
    ({"1st": 1}, "1st"), ({"a-b": 1}, "a-b"), ({"class": 1}, "class"), ({"": 1}, ""),
    ({"_private": 1}, "_private"), ({"x" * 65: 1}, "x" * 65), ({"applicant": "x"}, "applicant"),
    ({"channel": "online"}, "channel"), ({"dossier_code": "X"}, "dossier_code"),
    ({"rows": [1]}, "rows"), ({"who": {"name": "x"}}, "who"), ({"n": float("nan")}, "n"),
    ({"n": float("inf")}, "n"), ({"text": "y" * 2_001}, "text"),
])
def test_the_generic_form_names_each_bad_field(data, field):
    from forms import validate_generic
    with pytest.raises(FormDataInvalid) as info:
        validate_generic({"fine": 1, **data})
    assert [e["field"] for e in info.value.errors] == [field]
    assert info.value.errors[0]["message"]


def test_the_generic_form_is_bounded_in_count_and_reports_every_field():
    from forms import validate_generic
    with pytest.raises(FormDataInvalid) as info:
        validate_generic({f"k{i}": i for i in range(51)})
    assert [e["field"] for e in info.value.errors] == ["data"]
    with pytest.raises(FormDataInvalid) as info:
        validate_generic({"ok": 1, "bad key": 1, "nested": [], "add_working_days": 1},
                         reserved=frozenset({"add_working_days"}))
    assert [e["field"] for e in info.value.errors] == ["add_working_days", "bad key", "nested"]


def test_field_keys_walk_groups_and_dynamic_lists():
    from forms import field_keys
    definition = form(field("a"), {"type": "text", "text": "no key"},
                      {"type": "group", "components": [field("b"), {
                          "type": "dynamiclist", "key": "rows", "components": [field("c")]}]})
    assert field_keys(definition) == {"a", "b", "rows", "c"}
    assert field_keys({"id": "empty"}) == set()
