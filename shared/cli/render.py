"""Printing reports and progress for people in a terminal."""

from __future__ import annotations

import json
from typing import Any

MARKS = {"pass": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
DETAIL_LINES = 8
BAR_WIDTH = 24


def _detail_lines(details: Any) -> list[str]:
    if details is None:
        return []
    if isinstance(details, str):
        return details.splitlines()
    if isinstance(details, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in details]
    if isinstance(details, dict) and isinstance(details.get("fixtures"), list):
        return _fixture_lines(details)
    return json.dumps(details, indent=2).splitlines()


def _fixture_lines(details: dict[str, Any]) -> list[str]:
    """What is wrong first (files that did not load, tolerance.yaml's problems, fixtures that
    failed with their differences), then the fixtures that were fine on one line: the first
    lines shown are the ones to act on."""
    lines = [f"{problem}" for problem in details.get("load_errors") or []]
    lines += [f"tolerance.yaml: {problem}" for problem in details.get("tolerance_errors") or []]
    fine: dict[str, list[str]] = {}
    for fixture in details["fixtures"]:
        status = str(fixture.get("status"))
        if status in ("matched", "skipped"):
            fine.setdefault(status, []).append(str(fixture.get("file")))
            continue
        lines.append(f"{fixture.get('file')}: {status} {fixture.get('message') or ''}".rstrip())
        lines += [f"  {line}" for line in str(fixture.get("differences") or "").splitlines()]
    lines += [f"{status}: {', '.join(files)}" for status, files in fine.items()]
    return lines


def print_report(report: dict[str, Any]) -> None:
    checks = report.get("checks") or []
    counts = {status: sum(1 for c in checks if c["status"] == status) for status in MARKS}
    summary = ", ".join(f"{counts[s]} {s}" for s in MARKS if counts[s])
    took = f" in {report['duration_ms'] / 1000:.1f} s" if isinstance(report.get("duration_ms"), int) else ""
    print(f"{report.get('tool_id')}: {str(report.get('overall')).upper()} ({summary}){took}")
    if report.get("error"):
        print(f"  {report['error']}")
    width = max((len(check["name"]) for check in checks), default=0)
    for check in checks:
        print(f"  {MARKS.get(check['status'], '?   ')}  {check['name']:<{width}}  {check['message']}")
        if check["status"] in ("fail", "warn"):
            lines = _detail_lines(check.get("details"))
            for line in lines[:DETAIL_LINES]:
                print(f"        {line}")
            if len(lines) > DETAIL_LINES:
                print(f"        ... {len(lines) - DETAIL_LINES} more line(s); --json shows everything")


def progress_line(done: int, total: int, label: str) -> str:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label}"


def summary_of(report: dict[str, Any]) -> dict[str, Any]:
    """The short form of a report that ``--summary`` prints, in the shape the original Pixie's
    ``pixie validate --summary`` gave skills: the verdict, how many checks ended each way, and
    only the checks that failed or warned. ``warnings`` is kept for those skills; Pixie puts
    nothing there (every problem is a check)."""
    checks = report.get("checks") or []
    counts = {status: 0 for status in ("pass", "warn", "fail", "skip")}
    for check in checks:
        if check.get("status") in counts:
            counts[check["status"]] += 1
    return {
        "tool_id": report.get("tool_id"),
        "tool_path": report.get("tool_path"),
        "timestamp": report.get("timestamp"),
        "overall": report.get("overall"),
        "counts": counts,
        "notable_checks": [check for check in checks if check.get("status") in ("fail", "warn")],
        "spawn_log": report.get("spawn_log"),
        "warnings": [],
    }
