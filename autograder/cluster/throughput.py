"""How much each worker graded: printed at the end of a run, local or on a cluster."""

from __future__ import annotations


def per_worker(results: dict) -> dict[str, dict]:
    """Per worker: ``{"submissions", "busy_seconds"}``, from the results."""
    table: dict[str, dict] = {}
    for result in results.values():
        name = result.get("worker") or "(none: the grader crashed)"
        row = table.setdefault(name, {"submissions": 0, "busy_seconds": 0.0})
        row["submissions"] += 1
        row["busy_seconds"] += float(result.get("seconds") or 0.0)
    return table


def report(results: dict, wall_seconds: float) -> list[str]:
    """Lines of a table: per worker, submissions, busy seconds, submissions per minute."""
    table = per_worker(results)
    if not table:
        return []
    width = max(len(name) for name in table) + 2
    lines = [f"{'worker':<{width}}{'graded':>7}{'busy s':>9}{'per min':>9}"]
    for name, row in sorted(table.items()):
        rate = 60.0 * row["submissions"] / wall_seconds if wall_seconds > 0 else 0.0
        lines.append(
            f"{name:<{width}}{row['submissions']:>7}{row['busy_seconds']:>9.1f}{rate:>9.1f}"
        )
    total = sum(row["submissions"] for row in table.values())
    overall = 60.0 * total / wall_seconds if wall_seconds > 0 else 0.0
    lines.append(
        f"{'all':<{width}}{total:>7}{sum(r['busy_seconds'] for r in table.values()):>9.1f}"
        f"{overall:>9.1f}   ({wall_seconds:.1f} s wall clock)"
    )
    return lines
