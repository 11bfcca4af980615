"""Checking that a diagram's step allotments fit the statutory time: the
allotments along the longest path from a start add up to no more than it
(a loop is counted once; sub-processes count for nothing themselves).

Loops are found as the back edges of a depth-first walk from the starts:
for loops entered at one point, as drawn processes have them, these are the
same whatever the walk's order; a loop with several entries may be cut at
another edge (an exact answer there is the longest simple path, which is
exponential to find)."""
from collections import defaultdict


def hours(allotment: str, day_hours: float) -> float:
    number = float(allotment[:-1])
    return number * day_hours if allotment.endswith("d") else number


def longest_path_hours(flows, weights: dict[str, float]) -> float:
    """The heaviest path through the flow graph with its back edges (loops) removed."""
    children, targets = defaultdict(list), set()
    for source, target in flows:
        children[source].append(target)
        targets.add(target)
    starts = [node for node in children if node not in targets] or list(children)
    dag = _without_back_edges(children, starts)
    best = {}
    for node in _postorder(dag, starts):
        best[node] = weights.get(node, 0.0) + max((best[c] for c in dag[node]), default=0.0)
    return max((best[node] for node in starts), default=0.0)


def _without_back_edges(children, starts):
    """Depth-first from the starts; an edge to a node still on the path closes a loop."""
    dag, state = defaultdict(list), {}
    for start in starts:
        stack = [(start, iter(children[start]))]
        state[start] = "open"
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                state[node] = "done"
                stack.pop()
            elif state.get(child) != "open":
                dag[node].append(child)
                if child not in state:
                    state[child] = "open"
                    stack.append((child, iter(children[child])))
    return dag


def _postorder(dag, starts):
    seen, order = set(), []
    for start in starts:
        stack = [(start, iter(dag[start]))]
        seen.add(start)
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                order.append(node)
                stack.pop()
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(dag[child])))
    return order


def statutory_hours(value: int, unit: str, day_hours: float) -> float | None:
    """The statutory time in working hours; None for calendar days (no fixed count)."""
    if unit == "working_days":
        return value * day_hours
    return float(value) if unit == "hours" else None


def problem(diagram, procedure, day_hours: float) -> dict | None:
    """`day_hours`: the working day's length (the calendar's office hours)."""
    limit = statutory_hours(procedure.statutory_value, procedure.statutory_unit, day_hours)
    weights = {task.element_id: hours(task.allotment, day_hours)
               for task in diagram.user_tasks if task.allotment}
    total = longest_path_hours(diagram.flows, weights)
    if limit is None or total <= limit:
        return None
    return {"element_id": diagram.process_id,
            "message": f"the allotments on the longest path add up to {total:g} working hours, "
                       f"more than the statutory {limit:g}"}
