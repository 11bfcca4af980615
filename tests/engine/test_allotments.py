"""Allotments along the longest path, loops counted once."""
from engine.allotments import hours, longest_path_hours, statutory_hours


def test_longest_path_through_gateways_and_loops():
    flows = [("start", "a"), ("a", "split"), ("split", "b"), ("split", "c"), ("b", "join"),
             ("c", "join"), ("join", "d"), ("d", "gw"), ("gw", "a"), ("gw", "end"),
             ("c", "late"), ("late", "e")]  # a boundary path off c
    weights = {"a": 4, "b": 8, "c": 2, "d": 4, "e": 30}
    assert longest_path_hours(flows, weights) == 4 + 2 + 30
    assert longest_path_hours(flows, {**weights, "e": 1}) == 4 + 8 + 4


def test_units():
    assert (hours("2d"), hours("4h"), hours("1.5d")) == (16, 4, 12)
    assert statutory_hours(3, "working_days") == 24 and statutory_hours(6, "hours") == 6
    assert statutory_hours(10, "days") is None
