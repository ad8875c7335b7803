"""The validation report as the terminal shows it: what to act on first, within a few lines."""

from __future__ import annotations

from typing import Any

import pytest

from shared.cli.render import DETAIL_LINES, print_report


def report(check: dict[str, Any]) -> dict[str, Any]:
    return {"tool_id": "demo", "overall": check["status"], "checks": [check], "duration_ms": 1500}


def shown(capsys: pytest.CaptureFixture[str], check: dict[str, Any]) -> list[str]:
    print_report(report(check))
    return [line.strip() for line in capsys.readouterr().out.splitlines()[2:]]


def test_fixture_problems_come_before_the_fixtures_that_matched(capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = [{"file": f"fixture_{n}.json", "status": "matched"} for n in range(6)]
    fixtures.append(
        {
            "file": "fixture_wrong.json",
            "status": "failed",
            "message": "1 output differs",
            "differences": "total: 15 != 14",
        }
    )
    check = {
        "name": "reference_fixtures",
        "status": "fail",
        "message": "reference/tolerance.yaml has 1 problem(s).",
        "details": {
            "fixtures": fixtures,
            "load_errors": ["fixture_bad.json: expected_outputs: unknown field"],
            "tolerance_errors": ["defaults.number: unknown option 'atoll'"],
        },
    }
    assert shown(capsys, check) == [
        "fixture_bad.json: expected_outputs: unknown field",
        "tolerance.yaml: defaults.number: unknown option 'atoll'",
        "fixture_wrong.json: failed 1 output differs",
        "total: 15 != 14",
        "matched: " + ", ".join(f"fixture_{n}.json" for n in range(6)),
    ]


def test_long_details_are_cut_with_a_pointer_to_json(capsys: pytest.CaptureFixture[str]) -> None:
    check = {
        "name": "output_conforms",
        "status": "fail",
        "message": "bad",
        "details": [f"line {n}" for n in range(20)],
    }
    lines = shown(capsys, check)
    assert lines[:DETAIL_LINES] == [f"line {n}" for n in range(DETAIL_LINES)]
    assert lines[DETAIL_LINES] == f"... {20 - DETAIL_LINES} more line(s); --json shows everything"
