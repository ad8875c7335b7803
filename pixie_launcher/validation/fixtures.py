"""Reference fixtures: reading ``reference/``, choosing fixtures, judging a tool's answer to one,
and refreshing one from a new answer (``--update-fixtures``).

Only ``load_reference`` touches the disk; the code that POSTs each fixture to the tool calls the
pure functions here. Every problem in every fixture file is collected, each naming its file and
field, so an author fixes them all in one pass.

``refresh_fixture`` rewrites only *declared* output keys, never the whole response (a
streaming tool's ``run_id`` echo would otherwise become an expectation that fails on the next
run). It refreshes the keys the fixture already lists, so a fixture that deliberately compares
a few stable quantities stays that way; a fixture listing none (a smoke fixture) gets every
declared output the tool returned, and so does any fixture when ``every_declared_key`` is set.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pixie_launcher.validation.comparators import compare
from pixie_launcher.validation.compare.base import kind_of
from pixie_launcher.validation.tolerance import (
    ToleranceFile,
    check_block,
    parse_tolerance_yaml,
    resolve_tolerance,
    spec_errors,
)
from shared.jsonio import json_equal
from shared.toolcall import RUN_GRACE
from shared.toolspec import ToolSpec

FIELDS = (
    "name", "source", "inputs", "expected_outputs", "tolerance", "skip_reason", "tags",
    "validator_timeout_override",
)  # fmt: skip
_REQUIRED = ("name", "inputs", "expected_outputs")
_REFRESH_NOTE = re.compile(r"\s*\(?refreshed via --update-fixtures at [^)\s]*\)?$", re.IGNORECASE)
Status = Literal["matched", "failed", "skipped"]


@dataclass(frozen=True)
class Fixture:
    """One reference fixture file. ``tolerance`` blocks are already checked against output types."""

    file_name: str
    name: str
    inputs: Mapping[str, Any]
    expected_outputs: Mapping[str, Any]
    source: str | None = None
    tolerance: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    skip_reason: str | None = None
    tags: tuple[str, ...] = ()
    validator_timeout_override: float | None = None

    @property
    def stem(self) -> str:
        return self.file_name.removesuffix(".json")


def _json_error(file_name: str, exc: json.JSONDecodeError) -> str:
    return f"{file_name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def parse_fixture(file_name: str, text: str, spec: ToolSpec) -> tuple[Fixture | None, list[str]]:
    """A fixture from its file text, or every problem with it (each prefixed by ``file_name``)."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        return None, [_json_error(file_name, exc)]
    if not isinstance(data, dict):
        return None, [f"{file_name}: expected a JSON object, got {kind_of(data)}"]
    errors = [f"{file_name}: {name}: required field missing" for name in _REQUIRED if name not in data]
    errors += [
        f"{file_name}: {name}: unknown field; allowed fields: {', '.join(FIELDS)}"
        for name in data
        if name not in FIELDS
    ]

    def problem(name: str, ok: bool, wanted: str) -> None:
        if name in data and not ok:
            errors.append(f"{file_name}: {name}: expected {wanted}, got {kind_of(data[name])}")

    name, source, skip, tags = (data.get(k) for k in ("name", "source", "skip_reason", "tags"))
    timeout = data.get("validator_timeout_override")
    problem("name", isinstance(name, str) and bool(name.strip()), "a non-empty string")
    problem("inputs", isinstance(data.get("inputs"), dict), "an object")
    problem("expected_outputs", isinstance(data.get("expected_outputs"), dict), "an object")
    problem("source", source is None or isinstance(source, str), "a string")
    problem("skip_reason", skip is None or isinstance(skip, str), "a string")
    problem("tags", isinstance(tags, list) and all(isinstance(t, str) for t in tags), "a list of strings")
    timeout_ok = timeout is None or (
        isinstance(timeout, int | float)
        and not isinstance(timeout, bool)
        and math.isfinite(timeout)
        and timeout > 0
    )
    problem("validator_timeout_override", timeout_ok, "a positive number of seconds")
    types = {output.key: output.type for output in spec.outputs}
    declared = ", ".join(types) or "none"
    expected = data.get("expected_outputs")
    for key in expected if isinstance(expected, dict) else ():
        if key not in types:
            errors.append(
                f"{file_name}: expected_outputs.{key}: not a declared output key (declared: {declared})"
            )
    tolerance, tolerance_errors = _fixture_tolerance(data.get("tolerance", {}), types)
    errors += [f"{file_name}: {message}" for message in tolerance_errors]
    if errors:
        return None, errors
    fixture = Fixture(
        file_name=file_name,
        name=str(name),
        inputs=data["inputs"],
        expected_outputs=data["expected_outputs"],
        source=source,
        tolerance=tolerance,
        skip_reason=skip,
        tags=tuple(tags or ()),
        validator_timeout_override=None if timeout is None else float(timeout),
    )
    return fixture, []


def _fixture_tolerance(raw: object, types: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    if not isinstance(raw, dict):
        return {}, [f"tolerance: expected an object of output key → settings, got {kind_of(raw)}"]
    blocks: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for key, block in raw.items():
        if key not in types:
            errors.append(f"tolerance.{key}: not a declared output key")
            continue
        blocks[key], problems = check_block(types[key], block, f"tolerance.{key}")
        errors += problems
    return blocks, errors


@dataclass(frozen=True)
class Reference:
    """Everything in a tool's ``reference/`` folder, parsed, with the problems found."""

    present: bool
    fixtures: tuple[Fixture, ...] = ()
    errors: tuple[str, ...] = ()
    tolerance: ToleranceFile = field(default_factory=ToleranceFile)
    tolerance_errors: tuple[str, ...] = ()


def load_reference(tool_dir: Path, spec: ToolSpec) -> Reference:
    """Read ``<tool_dir>/reference/``: fixture_*.json sorted by file name, and tolerance.yaml.

    A bad tolerance.yaml leaves the built-in tolerances in place and its problems in
    ``tolerance_errors``; a bad fixture is left out and its problems are in ``errors``.
    """
    folder = tool_dir / "reference"
    if not folder.is_dir():
        return Reference(present=False)
    fixtures: list[Fixture] = []
    errors: list[str] = []
    for path in sorted((p for p in folder.glob("fixture_*.json") if p.is_file()), key=lambda p: p.name):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path.name}: could not read the file: {exc}")
            continue
        fixture, problems = parse_fixture(path.name, text, spec)
        errors += problems
        if fixture is not None:
            fixtures.append(fixture)
    tolerance, tolerance_errors = ToleranceFile(), []
    yaml_path = folder / "tolerance.yaml"
    if yaml_path.is_file():
        try:
            parsed = parse_tolerance_yaml(yaml_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            tolerance_errors = [f"could not read tolerance.yaml: {exc}"]
        else:
            tolerance_errors = list(parsed.errors)
            if parsed.file is not None:
                tolerance_errors += spec_errors(parsed.file, {o.key: o.type for o in spec.outputs})
                tolerance = parsed.file if not tolerance_errors else ToleranceFile()
    return Reference(True, tuple(fixtures), tuple(errors), tolerance, tuple(tolerance_errors))


def fixture_matches(fixture: Fixture, pattern: str) -> bool:
    """``--fixture``: the file name, its stem, the stem without ``fixture_``, or a glob of any."""
    names = (fixture.file_name, fixture.stem, fixture.stem.removeprefix("fixture_"))
    return any(name == pattern or fnmatch.fnmatchcase(name, pattern) for name in names)


def select_fixtures(
    fixtures: Iterable[Fixture], names: Sequence[str] = (), tags: Sequence[str] = ()
) -> tuple[Fixture, ...]:
    """Fixtures matching any ``--fixture`` pattern and having any ``--tag`` (each filter only if given)."""
    return tuple(
        fixture
        for fixture in fixtures
        if (not names or any(fixture_matches(fixture, pattern) for pattern in names))
        and (not tags or any(tag in fixture.tags for tag in tags))
    )


def fixture_timeout(fixture: Fixture, spec: ToolSpec, remaining: float) -> float:
    """Seconds one fixture may take: its own override, the tool's, or max runtime + 5 s, within budget."""
    wanted = (
        fixture.validator_timeout_override
        or spec.validator_timeout_override
        or spec.max_runtime_seconds + RUN_GRACE
    )
    return max(0.1, min(float(wanted), remaining))


@dataclass(frozen=True)
class OutputRow:
    """One compared output of one fixture: a row of the report's diff table."""

    key: str
    output_type: str
    comparator: str
    metric: str
    matched: bool
    skipped: bool = False
    degraded: bool = False


@dataclass(frozen=True)
class FixtureResult:
    fixture: Fixture
    status: Status
    rows: tuple[OutputRow, ...] = ()
    warnings: tuple[str, ...] = ()
    message: str = ""


def skipped_result(fixture: Fixture) -> FixtureResult:
    return FixtureResult(fixture, "skipped", message=f"skipped: {fixture.skip_reason}")


def failed_result(fixture: Fixture, message: str) -> FixtureResult:
    """A fixture that failed before any comparison (the tool errored, timed out, or the budget ran out)."""
    return FixtureResult(fixture, "failed", message=message)


def compare_fixture(
    fixture: Fixture, actual: object, spec: ToolSpec, tolerance: ToleranceFile | None = None
) -> FixtureResult:
    """Judge a tool's response against one fixture: each expected output with its resolved tolerance."""
    if fixture.skip_reason is not None:
        return skipped_result(fixture)
    if not isinstance(actual, Mapping):
        return failed_result(fixture, f"the tool's response is {kind_of(actual)}, not a JSON object")
    tolerance = tolerance or ToleranceFile()
    options = tolerance.options
    types = {output.key: output.type for output in spec.outputs}
    rows: list[OutputRow] = []
    warnings: list[str] = []
    for key, expected in fixture.expected_outputs.items():
        output_type = types.get(key)
        if output_type is None:
            rows.append(OutputRow(key, "?", "none", "not a declared output of the tool", False))
        elif key not in actual:
            policy = options.on_missing_expected_key
            if policy == "warn":
                warnings.append(f"{fixture.file_name}: expected output {key!r} is missing from the response")
            note = (
                "missing from the response"
                + {"fail": "", "warn": " (warn only)", "ignore": " (ignored)"}[policy]
            )
            rows.append(
                OutputRow(key, output_type, "missing", note, policy != "fail", skipped=policy != "fail")
            )
        else:
            block = resolve_tolerance(output_type, key, tolerance, fixture.tolerance.get(key))
            result = compare(output_type, expected, actual[key], block)
            rows.append(OutputRow(key, output_type, result.comparator, result.metric, result.matched,
                                  result.skipped, result.degraded))  # fmt: skip
    extra = [key for key in actual if key not in types]
    if extra and options.on_extra_output_key == "warn":
        warnings.append(
            f"{fixture.file_name}: undeclared key(s) in the response: {', '.join(map(str, extra))}"
        )
    elif extra and options.on_extra_output_key == "fail":
        rows += [OutputRow(str(key), "—", "extra_key", "not a declared output key", False) for key in extra]
    status: Status = "matched" if all(row.matched for row in rows) else "failed"
    return FixtureResult(fixture, status, tuple(rows), tuple(warnings))


def _cell(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: max(limit - 1, 0)] + "…"
    return flat.replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(result: FixtureResult, truncate_diff_chars: int = 400) -> str:
    """A fixture's outcome as a markdown heading and table (output | type | comparator | result | metric)."""
    fixture = result.fixture
    lines = [f"**{_cell(fixture.file_name, 200)}** ({_cell(fixture.name, 200)}): {result.status}"]
    if result.message:
        lines += ["", _cell(result.message, truncate_diff_chars)]
    if result.rows:
        lines += ["", "| output | type | comparator | result | metric |", "|---|---|---|---|---|"]
        for row in result.rows:
            verdict = "skipped" if row.skipped else "match" if row.matched else "**differs**"
            cells = (f"`{_cell(row.key, 100)}`", row.output_type, row.comparator, verdict)
            lines.append(f"| {' | '.join(cells)} | {_cell(row.metric, truncate_diff_chars)} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Refresh:
    """A fixture file's new text, the keys whose values changed, and wanted keys the answer lacked."""

    text: str
    changed_keys: tuple[str, ...]
    missing_keys: tuple[str, ...] = ()


def refresh_fixture(
    text: str, actual: Mapping[str, Any], spec: ToolSpec, now: datetime, *, every_declared_key: bool = False
) -> Refresh:
    """The fixture text with ``expected_outputs`` taken from ``actual`` and a dated note on ``source``.

    The text is returned unchanged when no value changed. ``now`` is taken as UTC when naive.
    Raises ValueError when ``text`` is not a fixture object.
    """
    data = json.loads(text.removeprefix("\ufeff"))
    if not isinstance(data, dict) or not isinstance(data.get("expected_outputs"), dict):
        raise ValueError("not a fixture: expected a JSON object with an expected_outputs object")
    old: dict[str, Any] = data["expected_outputs"]
    declared = [output.key for output in spec.outputs]
    wanted = declared if every_declared_key or not old else [key for key in old if key in declared]
    # Equal values stay as written (1000 is not rewritten as the 1000.0 the tool answered).
    changed = tuple(
        key for key in wanted if key in actual and (key not in old or not json_equal(old[key], actual[key]))
    )
    new = {**old, **{key: actual[key] for key in changed}}
    missing = tuple(key for key in wanted if key not in actual)
    if not changed:
        return Refresh(text, (), missing)
    stamp = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)
    note = f"refreshed via --update-fixtures at {stamp.isoformat().replace('+00:00', 'Z')}"
    source = _REFRESH_NOTE.sub("", data.get("source") or "").strip()
    rebuilt: dict[str, Any] = {}
    for key, value in data.items():
        rebuilt[key] = value
        if key == "name" and "source" not in data:
            rebuilt["source"] = None
    rebuilt["source"] = f"{source} ({note})" if source else note[0].upper() + note[1:]
    rebuilt["expected_outputs"] = new
    return Refresh(json.dumps(rebuilt, indent=2, ensure_ascii=False) + "\n", changed, missing)
