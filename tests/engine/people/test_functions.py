"""`@function` names resolve to the handling unit itself or the nearest unit
below it with that function (breadth first, ties broken by code); `@desk` to
the receiving desk; other names stay as written."""
import pytest

from engine.kernel.errors import Invalid
from engine.people import functions
from engine.people.directory import create_unit
from engine.store.people import Unit

TREE = [  # code, parent, function
    ("P", None, None), ("A", "P", None), ("A.ZZ", "A", "land"), ("A.BB", "A", None),
    ("A.BB.X", "A.BB", "civil_status"), ("A.CC", "A", "civil_status"),
    ("A.AA", "A", "civil_status"), ("D", "P", "desk"), ("SELF", "P", "economy"),
]


@pytest.fixture
def units(admin_ctx):
    for code, parent, function in TREE:
        create_unit(admin_ctx, code, code, parent=parent, function=function)
    return {unit.code: unit for unit in admin_ctx.session.query(Unit)}


@pytest.mark.parametrize("name, handling, expected", [
    ("@civil_status", "A", "A.AA"),  # nearest level first, then by code (not A.BB.X)
    ("@civil_status", "A.BB", "A.BB.X"),
    ("@land", "P", "A.ZZ"),
    ("@economy", "SELF", "SELF"),  # the handling unit itself
    ("@desk", "A", "D"),  # the receiving desk, wherever it is
    ("@culture", "A", "@culture"),  # no such unit: stays as written, nobody holds it
    ("A.CC", "A", "A.CC"), ("leader", "A", "leader"),  # unit codes and roles unchanged
])
def test_resolve(units, admin_ctx, name, handling, expected):
    assert functions.resolve(admin_ctx.session, name, units[handling], units["D"]) == expected


def test_named_functions_and_checks(units):
    tasks = [{"lane": "@desk", "candidate_groups": ["@desk"]},
             {"lane": "@civil_status", "candidate_groups": ["@civil_status", "A.CC"]},
             {"lane": None, "candidate_groups": ["@leader", "officer"]}]
    assert functions.named_functions(tasks) == ["civil_status", "leader"]
    assert functions.lies_under(units["A.BB.X"], units["P"])
    assert not functions.lies_under(units["P"], units["A"])
    for bad in ("Civil", "1x", "a-b", "x" * 65):
        with pytest.raises(Invalid):
            functions.check_function(bad)
    functions.check_function("civil_status_2")


def test_loading_the_demo_again_gives_functions_to_units_loaded_before_them(admin_ctx):
    from sqlalchemy import select

    from engine.catalogue.loading import load_people
    from engine.store.events import Event
    load_people(admin_ctx, {"units": [{"code": "OLD", "name": "Old desk"}]})
    done = load_people(admin_ctx, {"units": [{"code": "OLD", "name": "Old desk",
                                              "function": "desk"}]})
    assert done == ["unit OLD: function desk"]
    assert admin_ctx.session.scalar(select(Unit.function).where(Unit.code == "OLD")) == "desk"
    assert load_people(admin_ctx, {"units": [{"code": "OLD", "name": "x",
                                              "function": "land"}]}) == []  # never overwritten
    types = admin_ctx.session.scalars(select(Event.type).where(Event.stream == "unit:OLD"))
    assert list(types) == ["unit.created", "unit.function_set"]
