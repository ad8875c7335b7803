"""A validation report: twelve checks in a fixed order, each pass, warn, fail or skip.

The report is what a skill shows a person verbatim, so its shape is fixed (``REPORT_FIELDS``)
and every string in it passes through the tool's secret masker before it leaves the validator.
A check that cannot run because one it depends on failed is still listed, as ``skip`` with the
reason, so a reader always sees all twelve and knows which failure to fix first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "warn", "fail", "skip"]
Overall = Literal["pass", "warn", "fail"]

CHECK_NAMES: tuple[str, ...] = (
    "folder_structure",
    "tool_json_parses",
    "schemas_coherent",
    "pyproject_ok",
    "venv_functional",
    "tool_spawns",
    "schema_matches_disk",
    "sample_input_run",
    "output_conforms",
    "streaming_check",
    "reference_fixtures",
    "clean_shutdown",
)

NEEDS: Mapping[str, tuple[str, ...]] = {
    "schemas_coherent": ("tool_json_parses",),
    "tool_spawns": ("tool_json_parses", "venv_functional"),
    "schema_matches_disk": ("tool_spawns",),
    "sample_input_run": ("tool_spawns",),
    "output_conforms": ("sample_input_run",),
    "streaming_check": ("sample_input_run",),
    "reference_fixtures": ("tool_spawns",),
    "clean_shutdown": ("tool_spawns",),
}
"""The checks each check needs to have passed (or warned); the others run whatever happens."""

REPORT_FIELDS = (
    "tool_id",
    "tool_path",
    "timestamp",
    "overall",
    "checks",
    "sample_inputs",
    "sample_output",
    "spawn_log",
    "duration_ms",
)


@dataclass(frozen=True)
class Check:
    """One check's outcome. ``details`` is JSON: a list of problem lines, or an object where the
    check has structure to give (a failing fixture's inputs, outputs and differences)."""

    name: str
    status: Status
    message: str
    details: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message, "details": self.details}


def passed(name: str, message: str, details: Any = None) -> Check:
    return Check(name, "pass", message, details)


def warned(name: str, message: str, details: Any = None) -> Check:
    return Check(name, "warn", message, details)


def failed(name: str, message: str, details: Any = None) -> Check:
    return Check(name, "fail", message, details)


def skipped(name: str, message: str, details: Any = None) -> Check:
    return Check(name, "skip", message, details)


_BLOCKED_HOW = {"fail": "failed", "skip": "was skipped"}


def blocked_by(name: str, done: Mapping[str, Check]) -> Check | None:
    """A ``skip`` naming the first prerequisite of ``name`` that failed or was skipped, if any."""
    for needed in NEEDS.get(name, ()):
        earlier = done.get(needed)
        if earlier is None or earlier.status in ("fail", "skip"):
            how = "did not run" if earlier is None else _BLOCKED_HOW[earlier.status]
            return skipped(name, f"Skipped because {needed} {how}.")
    return None


def overall_of(checks: Iterable[Check]) -> Overall:
    statuses = {check.status for check in checks}
    if "fail" in statuses:
        return "fail"
    return "warn" if "warn" in statuses else "pass"


def counts_of(checks: Iterable[Check]) -> dict[str, int]:
    counts = {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
    for check in checks:
        counts[check.status] += 1
    return counts


@dataclass
class ReportDraft:
    """Filled in by the pipeline as checks complete; ``finish`` turns it into the report."""

    tool_id: str
    tool_path: str
    timestamp: str
    checks: dict[str, Check] = field(default_factory=dict)
    sample_inputs: Any = None
    sample_output: Any = None
    spawn_log: str | None = None

    def add(self, check: Check) -> Check:
        if check.name not in CHECK_NAMES:
            raise ValueError(f"unknown check {check.name!r}")
        self.checks[check.name] = check
        return check

    def finish(self, duration_ms: int, mask: Callable[[str], str] = lambda text: text) -> dict[str, Any]:
        """The report in check order; a check the pipeline never reached is a skip saying so."""
        ordered = [
            self.checks.get(name) or skipped(name, "Skipped: the validation stopped before this check.")
            for name in CHECK_NAMES
        ]
        report = {
            "tool_id": self.tool_id,
            "tool_path": self.tool_path,
            "timestamp": self.timestamp,
            "overall": overall_of(ordered),
            "checks": [check.to_dict() for check in ordered],
            "sample_inputs": self.sample_inputs,
            "sample_output": self.sample_output,
            "spawn_log": self.spawn_log,
            "duration_ms": duration_ms,
        }
        masked = mask_strings(report, mask)
        assert isinstance(masked, dict)
        return masked


def mask_strings(value: Any, mask: Callable[[str], str]) -> Any:
    """Every string in a JSON value (keys included) passed through ``mask``."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask(str(key)): mask_strings(item, mask) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_strings(item, mask) for item in value]
    return value


def summary_of(report: Mapping[str, Any]) -> dict[str, Any]:
    """The short form a tools list carries: the verdict, when, and how many checks of each kind."""
    checks = [Check(c["name"], c["status"], c["message"], c.get("details")) for c in report["checks"]]
    return {"overall": report["overall"], "timestamp": report["timestamp"], "counts": counts_of(checks)}
