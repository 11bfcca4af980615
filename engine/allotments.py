"""Checking that a diagram's step allotments fit the statutory time: the
allotments along the longest path from a start add up to no more than it
(a loop is counted once; sub-processes count for nothing themselves)."""
from collections import defaultdict

WORKING_DAY_HOURS = 8


def hours(allotment: str) -> float:
    number = float(allotment[:-1])
    return number * WORKING_DAY_HOURS if allotment.endswith("d") else number


def longest_path_hours(flows, weights: dict[str, float]) -> float:
    """The heaviest path through the flow graph, ignoring edges back into it."""
    children, targets = defaultdict(list), set()
    for source, target in flows:
        children[source].append(target)
        targets.add(target)
    best, on_path = {}, set()

    def walk(node):
        if node in best:
            return best[node]
        on_path.add(node)
        heaviest = max((walk(child) for child in children[node] if child not in on_path),
                       default=0.0)
        on_path.discard(node)
        best[node] = weights.get(node, 0.0) + heaviest
        return best[node]

    starts = [node for node in children if node not in targets] or list(children)
    return max((walk(node) for node in starts), default=0.0)


def statutory_hours(value: int, unit: str) -> float | None:
    """The statutory time in working hours; None for calendar days (no fixed count)."""
    if unit == "working_days":
        return value * WORKING_DAY_HOURS
    return float(value) if unit == "hours" else None


def problem(diagram, procedure) -> dict | None:
    limit = statutory_hours(procedure.statutory_value, procedure.statutory_unit)
    weights = {task.element_id: hours(task.allotment)
               for task in diagram.user_tasks if task.allotment}
    total = longest_path_hours(diagram.flows, weights)
    if limit is None or total <= limit:
        return None
    return {"element_id": diagram.process_id,
            "message": f"the allotments on the longest path add up to {total:g} working hours, "
                       f"more than the statutory {limit:g}"}
