"""The ``reference_fixtures`` check: run each fixture against the validator's copy and compare.

Fixtures share one time budget (the tool's ``validator_timeout_override``, else 60 s) so a tool
with many slow fixtures cannot hold a validation slot for ever; each fixture also has its own
limit. Every fixture runs even when an earlier one failed, and a failing fixture's inputs,
outputs and differences go into the check's details, which is where an author looks first.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher.validation import fixtures as fx
from pixie_launcher.validation.probes import follow_stream, post_run
from pixie_launcher.validation.report import Check, failed, passed, skipped, warned
from pixie_launcher.validation.tolerance import ToleranceFile
from shared.toolcall import unwrap_outputs
from shared.toolspec import ToolSpec
from shared.toolstream.events import is_streaming

OVERALL_BUDGET = 60.0
NAME = "reference_fixtures"


@dataclass(frozen=True)
class Fetched:
    """A fixture run's outputs: for a streaming tool, the streamed final state over its /run
    answer, and the /run answer alone (``answer``), which is what the original Pixie compared."""

    outputs: Any = None
    problem: str | None = None
    answer: dict[str, Any] | None = None


async def fetch_outputs(
    http: httpx.AsyncClient, base_url: str, spec: ToolSpec, fixture: fx.Fixture, folder: Path, timeout: float
) -> Fetched:
    run_id = f"fixture-{uuid.uuid4().hex[:12]}"
    answer, problem, shown = await post_run(http, base_url, run_id, fixture.inputs, folder, timeout)
    if problem is not None:
        return Fetched(problem=problem + (f": {shown[:300]}" if shown else ""))
    if not isinstance(answer, dict):
        return Fetched(answer)
    outputs = dict(unwrap_outputs(spec, answer))
    if is_streaming(spec):
        streamed, stream_check = await follow_stream(http, base_url, spec, run_id, answer, timeout)
        if stream_check.status == "fail":
            return Fetched(problem=stream_check.message)
        return Fetched({**outputs, **streamed}, answer=outputs if streamed else None)
    return Fetched(outputs)


def judge(
    fixture: fx.Fixture, fetched: Fetched, spec: ToolSpec, tolerance: ToleranceFile
) -> fx.FixtureResult:
    """Compare with the final state; a streaming tool's fixture may instead describe its /run
    answer, as fixtures written for the original Pixie do."""
    if fetched.problem is not None:
        return fx.failed_result(fixture, fetched.problem)
    result = fx.compare_fixture(fixture, fetched.outputs, spec, tolerance)
    if result.status == "failed" and fetched.answer is not None:
        on_answer = fx.compare_fixture(fixture, fetched.answer, spec, tolerance)
        if on_answer.status == "matched":
            note = f"{fixture.file_name}: matched the /run answer, not the final state of the stream"
            return replace(on_answer, warnings=(*on_answer.warnings, note))
    return result


def _describe(result: fx.FixtureResult, outputs: Any, markdown: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": result.fixture.name,
        "file": result.fixture.file_name,
        "status": result.status,
        "message": result.message,
    }
    if result.status == "failed":
        entry.update(inputs=dict(result.fixture.inputs), outputs=outputs, differences=markdown)
    if result.warnings:
        entry["warnings"] = list(result.warnings)
    return entry


async def check_fixtures(
    http: httpx.AsyncClient,
    base_url: str,
    tool_dir: Path,
    spec: ToolSpec,
    work_dir: Path,
    *,
    names: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> Check:
    reference = fx.load_reference(tool_dir, spec)
    if not reference.present:
        return skipped(NAME, "The tool has no reference fixtures (reference/fixture_*.json).")
    if not reference.fixtures and not reference.errors:
        return skipped(NAME, "The tool's reference/ folder has no fixture_*.json files.")
    chosen = fx.select_fixtures(reference.fixtures, names, tags)
    if not chosen and not reference.errors:
        # A warning, not a skip: a misspelt filter in a script would otherwise pass without
        # running a single fixture.
        wanted = ", ".join([*(f"--fixture {n}" for n in names), *(f"--tag {t}" for t in tags)])
        there = ", ".join(fixture.file_name for fixture in reference.fixtures)
        return warned(NAME, f"No fixture matches {wanted}; the tool has {there}.")
    budget_ends = time.monotonic() + float(spec.validator_timeout_override or OVERALL_BUDGET)
    options = reference.tolerance.options
    results: list[fx.FixtureResult] = []
    entries: list[dict[str, Any]] = []
    for fixture in chosen:
        if fixture.skip_reason:
            result = fx.skipped_result(fixture)
            results.append(result)
            entries.append(_describe(result, None, ""))
            continue
        remaining = budget_ends - time.monotonic()
        if remaining <= 0:
            result = fx.failed_result(fixture, "not run: the fixtures' time budget was used up")
            outputs: Any = None
        else:
            folder = work_dir / f"fixture-{uuid.uuid4().hex[:8]}"
            folder.mkdir(parents=True, exist_ok=True)
            fetched = await fetch_outputs(
                http, base_url, spec, fixture, folder, fx.fixture_timeout(fixture, spec, remaining)
            )
            result = judge(fixture, fetched, spec, reference.tolerance)
            outputs = fetched.outputs
        results.append(result)
        entries.append(_describe(result, outputs, fx.render_markdown(result, options.truncate_diff_chars)))
    return _verdict(results, entries, reference)


def _verdict(
    results: list[fx.FixtureResult], entries: list[dict[str, Any]], reference: fx.Reference
) -> Check:
    failed_count = sum(1 for r in results if r.status == "failed")
    skipped_count = sum(1 for r in results if r.status == "skipped")
    matched = len(results) - failed_count - skipped_count
    degraded = sorted({row.metric for r in results for row in r.rows if row.degraded})
    details: dict[str, Any] = {"fixtures": entries}
    if reference.errors:
        details["load_errors"] = list(reference.errors)
    if reference.tolerance_errors:
        details["tolerance_errors"] = list(reference.tolerance_errors)
    if degraded:
        details["degraded"] = degraded
    note = ""
    if degraded:
        note = f" {len(degraded)} comparison(s) fell back to size and SHA-256 (see details.degraded)."
    problems = []
    if reference.errors:
        problems.append(f"{len(reference.errors)} fixture problem(s) stopped fixtures from loading")
    if reference.tolerance_errors:
        problems.append(f"reference/tolerance.yaml has {len(reference.tolerance_errors)} problem(s)")
    if failed_count:
        problems.append(
            f"{failed_count} of {len(results)} fixture(s) failed ({matched} matched, {skipped_count} skipped)"
        )
    if problems:
        return failed(NAME, "; ".join(problems).capitalize() + "." + note, details)
    if results and skipped_count == len(results):
        return warned(NAME, f"All {len(results)} fixture(s) were skipped (skip_reason).", details)
    skipped_note = f"; {skipped_count} skipped" if skipped_count else ""
    return passed(NAME, f"{matched} fixture(s) matched{skipped_note}.{note}", details)
