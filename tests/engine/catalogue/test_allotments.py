"""Allotments along the longest path, loops counted once."""
from engine.catalogue.allotments import hours, longest_path_hours, statutory_hours


def test_longest_path_through_gateways_and_loops():
    flows = [("start", "a"), ("a", "split"), ("split", "b"), ("split", "c"), ("b", "join"),
             ("c", "join"), ("join", "d"), ("d", "gw"), ("gw", "a"), ("gw", "end"),
             ("c", "late"), ("late", "e")]  # a boundary path off c
    weights = {"a": 4, "b": 8, "c": 2, "d": 4, "e": 30}
    assert longest_path_hours(flows, weights) == 4 + 2 + 30
    assert longest_path_hours(flows, {**weights, "e": 1}) == 4 + 8 + 4


def test_units():
    assert (hours("2d", 8), hours("4h", 8), hours("1.5d", 8)) == (16, 4, 12)
    assert statutory_hours(3, "working_days", 8) == 24 and statutory_hours(6, "hours", 8) == 6
    assert statutory_hours(10, "days", 8) is None
    # a working day is what the office hours make it, not a constant
    assert hours("2d", 7.5) == 15 and statutory_hours(3, "working_days", 7.5) == 22.5


def test_the_answer_does_not_depend_on_the_order_of_flows():
    """A loop entered at one point (as drawn loops are): its back edge is the
    same whichever way the graph is walked, so is the answer."""
    flows = [("S", "A"), ("A", "B"), ("B", "C"), ("C", "A"), ("C", "F"), ("A", "G"),
             ("B", "E")]
    weights = {"A": 1, "B": 10, "C": 2, "F": 20, "G": 5}
    assert longest_path_hours(flows, weights) == 33  # S-A-B-C-F
    assert longest_path_hours(list(reversed(flows)), weights) == 33
