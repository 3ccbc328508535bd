"""Loops in references: a record its own parent, a concept its own broader concept."""

from __future__ import annotations

from collections.abc import Iterator


def loops(targets: dict[str, list[str]]) -> Iterator[tuple[str, list[str]]]:
    """(first record, the loop from it back to it) for each loop among the references."""
    finished: set[str] = set()
    for start in sorted(targets):
        if start in finished:
            continue
        path: list[str] = []
        on_path: dict[str, int] = {}
        stack = [(start, iter(sorted(targets.get(start, []))))]
        path.append(start)
        on_path[start] = 0
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                finished.add(node)
                on_path.pop(node, None)
                path.pop()
            elif child in on_path:
                loop = [*path[on_path[child] :], child]
                yield loop[0], loop
            elif child not in finished and child in targets:
                on_path[child] = len(path)
                path.append(child)
                stack.append((child, iter(sorted(targets[child]))))
