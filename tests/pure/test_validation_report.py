from __future__ import annotations

import pytest

from pixie_launcher.validation.report import (
    CHECK_NAMES,
    REPORT_FIELDS,
    Check,
    ReportDraft,
    blocked_by,
    counts_of,
    failed,
    mask_strings,
    overall_of,
    passed,
    skipped,
    summary_of,
    warned,
)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "pass"),
        (["pass", "skip"], "pass"),
        (["pass", "warn", "skip"], "warn"),
        (["warn", "fail"], "fail"),
        (["skip"], "pass"),
    ],
)
def test_overall(statuses: list[str], expected: str) -> None:
    checks = [Check("x", status, "m") for status in statuses]  # type: ignore[arg-type]
    assert overall_of(checks) == expected


@pytest.mark.parametrize(
    ("name", "done", "reason"),
    [
        ("folder_structure", {}, None),
        ("sample_input_run", {"tool_spawns": passed("tool_spawns", "ok")}, None),
        ("sample_input_run", {"tool_spawns": warned("tool_spawns", "slow")}, None),
        ("sample_input_run", {"tool_spawns": failed("tool_spawns", "no")}, "tool_spawns failed"),
        (
            "output_conforms",
            {"sample_input_run": skipped("sample_input_run", "-")},
            "sample_input_run was skipped",
        ),
        (
            "tool_spawns",
            {
                "tool_json_parses": passed("tool_json_parses", "ok"),
                "venv_functional": failed("venv_functional", "x"),
            },
            "venv_functional failed",
        ),
        ("clean_shutdown", {}, "tool_spawns did not run"),
    ],
)
def test_blocked_by(name: str, done: dict[str, Check], reason: str | None) -> None:
    check = blocked_by(name, done)
    if reason is None:
        assert check is None
    else:
        assert check is not None
        assert check.status == "skip"
        assert reason in check.message


def test_a_finished_report_lists_all_twelve_checks_in_order_with_exactly_its_fields() -> None:
    draft = ReportDraft("demo", "/tools/demo", "2026-11-30T08:00:00.000Z")
    draft.add(failed("tool_spawns", "it exited"))
    draft.add(passed("folder_structure", "fine"))
    report = draft.finish(1234)
    assert tuple(report) == REPORT_FIELDS
    assert [check["name"] for check in report["checks"]] == list(CHECK_NAMES)
    assert report["checks"][0]["status"] == "pass"
    assert report["checks"][1]["status"] == "skip"
    assert "stopped before this check" in report["checks"][1]["message"]
    assert report["overall"] == "fail"
    assert report["duration_ms"] == 1234


def test_unknown_checks_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown check"):
        ReportDraft("t", "/t", "now").add(passed("made_up", "?"))


def test_every_string_is_masked_keys_included() -> None:
    draft = ReportDraft("demo", "/tools/demo", "now", spawn_log="token=s3cret")
    draft.add(failed("sample_input_run", "HTTP 500: s3cret rejected", {"s3cret": ["echo s3cret"], "n": 5}))
    report = draft.finish(1, mask=lambda text: text.replace("s3cret", "***"))
    assert "s3cret" not in repr(report)
    assert report["spawn_log"] == "token=***"
    check = report["checks"][CHECK_NAMES.index("sample_input_run")]
    assert check["details"] == {"***": ["echo ***"], "n": 5}


def test_mask_strings_leaves_other_values_alone() -> None:
    assert mask_strings([1, 2.5, None, True, ("a",)], str.upper) == [1, 2.5, None, True, ["A"]]


def test_summary_counts() -> None:
    draft = ReportDraft("demo", "/tools/demo", "2026-11-30T08:00:00.000Z")
    for name in CHECK_NAMES[:3]:
        draft.add(passed(name, "ok"))
    draft.add(warned(CHECK_NAMES[3], "hmm"))
    report = draft.finish(5)
    assert summary_of(report) == {
        "overall": "warn",
        "timestamp": "2026-11-30T08:00:00.000Z",
        "counts": {"pass": 3, "warn": 1, "fail": 0, "skip": 8},
    }
    assert counts_of([]) == {"pass": 0, "warn": 0, "fail": 0, "skip": 0}
