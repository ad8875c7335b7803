"""The ``pixie`` console script's commands for tool authors: ``validate``, ``tools`` and ``new``.

Each test runs the installed script as a subprocess, on a tools folder and a data directory of its
own, and checks what a person or a script sees: the exit status, the printed text and the files.
The tool validated is the validator's fixture tool (``tests/fixtures/tools/validator-tool``),
broken in one way at a time by a ``VALIDATOR_FAULT`` in its ``.env``. Its environment is built
once for the module, by the module's first ``pixie validate`` (stand-alone, building allowed), and
every other copy links that ``.venv`` (an environment is identified by a hash of pyproject.toml and
uv.lock, so the link stays ready). With no Pixie running on the data directory the CLI validates
on its own; one test starts the three processes and goes through the launcher.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation.report import CHECK_NAMES, REPORT_FIELDS
from tests.support.system import running_system, wait_until
from tests.support.tools import write_tool

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "tools" / "validator-tool"
SCRIPT = Path(sys.executable).parent / "pixie"
TOOL_ID = "validator-tool"
ID_RULE = "^[a-z][a-z0-9-]*$"
CALL_TIMEOUT = 90.0
NOT_RUNNING = "Pixie is not running: validating here; the report will not be saved."
# A row of the table: two spaces, the mark, two spaces, the check's name, the message.
ROW = re.compile(r"^  (ok  |WARN|FAIL|skip)  ([a-z_]+) +(.*)$")
MARK_STATUS = {"ok": "pass", "WARN": "warn", "FAIL": "fail", "skip": "skip"}
# A second fixture whose expected total is wrong: 1 + 4 + 9 is 14, not 15.
WRONG_FIXTURE = {
    "name": "Squares to three",
    "source": "Written wrong on purpose: 1 + 4 + 9 = 14.",
    "inputs": {"count": 3, "power": 2, "series_name": "squares"},
    "expected_outputs": {"total": 15},
}

pytestmark = pytest.mark.timeout(180)  # the module's first validation also builds the environment


# -- running the script ----------------------------------------------------------------------------


def run_pixie(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The script's exit status and output, decoded as is (text mode would turn a lone carriage
    return, which the progress lines use, into a newline)."""
    raw = subprocess.run([str(SCRIPT), *args], capture_output=True, timeout=CALL_TIMEOUT, env=env, cwd=cwd)
    return subprocess.CompletedProcess(raw.args, raw.returncode, raw.stdout.decode(), raw.stderr.decode())


@dataclass(frozen=True)
class Home:
    """A tools folder and a data directory, with no Pixie running on them."""

    root: Path
    tools_dir: Path
    data_dir: Path
    env: dict[str, str]

    def pixie(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_pixie(args, self.env, self.root)


def make_home(root: Path) -> Home:
    tools_dir, data_dir = root / "tools", root / "data"
    tools_dir.mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIXIE_")}
    env.pop("PYTHONPATH", None)
    env.update(PIXIE_TOOLS_DIR=str(tools_dir), PIXIE_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return Home(root, tools_dir, data_dir, env)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return make_home(tmp_path)


# -- the tool ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    folder: Path
    first: subprocess.CompletedProcess[str]  # the `pixie validate` that built the environment


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """validator-tool with its environment, built by the module's first `pixie validate`."""
    place = make_home(tmp_path_factory.mktemp("built"))
    folder = place.tools_dir / TOOL_ID
    shutil.copytree(SOURCE, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    first = place.pixie("validate", TOOL_ID)
    assert (folder / ".venv" / "bin" / "python").exists(), first.stdout + first.stderr
    return Built(folder, first)


def add_tool(built: Built, tools_dir: Path, name: str = TOOL_ID, *, fault: str | None = None) -> Path:
    """A copy of validator-tool in ``tools_dir/name`` sharing the built environment. A name other
    than the tool's id becomes its id too; ``fault`` goes into its ``.env``."""
    folder = tools_dir / name
    shutil.copytree(built.folder, folder, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    (folder / ".venv").symlink_to(built.folder / ".venv", target_is_directory=True)
    if name != TOOL_ID:
        tool_json = folder / "tool.json"
        old = f'"id": "{TOOL_ID}"'
        assert old in tool_json.read_text()
        tool_json.write_text(tool_json.read_text().replace(old, f'"id": "{name}"'))
    if fault is not None:
        (folder / ".env").write_text(f"VALIDATOR_FAULT={fault}\n")
        (folder / ".env").chmod(0o600)
    return folder


def add_wrong_fixture(folder: Path) -> Path:
    path = folder / "reference" / "fixture_wrong.json"
    path.write_text(json.dumps(WRONG_FIXTURE, indent=2) + "\n")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# -- reading the output ----------------------------------------------------------------------------


def rows(stdout: str) -> list[tuple[str, str, str]]:
    """(check, status, message) for each row of the printed table(s), in order."""
    found = []
    for line in stdout.splitlines():
        match = ROW.match(line)
        if match:
            found.append((match[2], MARK_STATUS[match[1].strip()], match[3]))
    return found


def expected(**changed: str) -> list[tuple[str, str]]:
    """(check, status) for all twelve checks: pass unless named."""
    unknown = set(changed) - set(CHECK_NAMES)
    assert not unknown, unknown
    return [(name, changed.get(name, "pass")) for name in CHECK_NAMES]


def statuses_in_table(stdout: str) -> list[tuple[str, str]]:
    return [(name, status) for name, status, _ in rows(stdout)]


def statuses_in_report(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(check["name"], check["status"]) for check in report["checks"]]


def check_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(check for check in report["checks"] if check["name"] == name)
    return found


def on_terminal(text: str) -> list[str]:
    """The lines a terminal shows for ``text``: a carriage return goes back to the start of the line,
    and what is printed after it overwrites only as many characters as it has."""
    shown = []
    for line in text.removesuffix("\n").split("\n"):
        screen = ""
        for part in line.split("\r"):
            screen = part + screen[len(part) :]
        shown.append(screen.rstrip())
    return shown


def cells(line: str) -> list[str]:
    return re.split(r" {2,}", line.strip())


def assert_one_error_line(result: subprocess.CompletedProcess[str], line: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


# -- pixie validate, stand-alone -------------------------------------------------------------------


def test_the_first_validation_builds_the_environment_and_passes(built: Built) -> None:
    first = built.first
    assert first.returncode == 0, first.stdout + first.stderr
    header = first.stdout.splitlines()[0]
    assert re.fullmatch(r"validator-tool: PASS \(12 pass\) in \d+\.\d s", header), header
    assert statuses_in_table(first.stdout) == expected()
    venv = next(message for name, _, message in rows(first.stdout) if name == "venv_functional")
    assert venv.endswith("runs in .venv (built just now).")
    errors = first.stderr.splitlines()
    assert errors[0] == NOT_RUNNING
    assert errors[1].startswith("  uv: $ uv sync")
    assert all(line.startswith("  uv: ") for line in errors[1:])
    assert "Traceback" not in first.stderr


def test_a_passing_tool_prints_one_row_per_check_and_exits_0(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir)
    result = home.pixie("validate", TOOL_ID)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("validator-tool: PASS (12 pass) in ")
    assert len(lines) == 1 + len(CHECK_NAMES)  # nothing but the rows: no details for passing checks
    assert [name for name, _, _ in rows(result.stdout)] == list(CHECK_NAMES)
    assert statuses_in_table(result.stdout) == expected()
    messages = {name: message for name, _, message in rows(result.stdout)}
    assert messages["venv_functional"].endswith("runs in .venv.")  # the linked environment is ready
    assert messages["reference_fixtures"] == "1 fixture(s) matched."
    assert result.stderr.splitlines() == [NOT_RUNNING]  # nothing was built


def test_a_failing_check_is_shown_with_its_details_and_exits_1(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir, fault="fixture_mismatch")
    result = home.pixie("validate", TOOL_ID)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("validator-tool: FAIL (11 pass, 1 fail) in ")
    assert statuses_in_table(result.stdout) == expected(reference_fixtures="fail")
    messages = {name: message for name, _, message in rows(result.stdout)}
    assert messages["reference_fixtures"] == "1 of 1 fixture(s) failed (0 matched, 0 skipped)."
    assert "        fixture_basic.json: failed" in result.stdout.splitlines()
    assert "expected 3025, got 3025.5" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_copied_folder_that_keeps_the_id_fails_as_pixie_would_refuse_to_run_it(
    built: Built, home: Home
) -> None:
    add_tool(built, home.tools_dir)
    copy = home.tools_dir / "copy"
    shutil.copytree(built.folder, copy, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".env"))
    (copy / ".venv").symlink_to(built.folder / ".venv", target_is_directory=True)
    result = home.pixie("validate", "copy", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["tool_id"] == "copy"  # as Pixie lists it: the id belongs to the other folder
    parse = check_of(report, "tool_json_parses")
    assert parse["status"] == "fail"
    assert parse["details"] == [
        f"copy/tool.json: id '{TOOL_ID}' is already used by the tool in folder '{TOOL_ID}'; "
        "give this tool its own id"
    ]
    assert check_of(report, "tool_spawns")["status"] == "skip"
    assert home.pixie("validate", TOOL_ID).returncode == 0  # the folder that owns the id is fine


def test_a_warning_alone_exits_0(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir, fault="extra_key")
    result = home.pixie("validate", TOOL_ID)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("validator-tool: WARN (11 pass, 1 warn) in ")
    assert statuses_in_table(result.stdout) == expected(output_conforms="warn")
    messages = {name: message for name, _, message in rows(result.stdout)}
    assert '1 undeclared key: "debug"' in messages["output_conforms"]


@pytest.mark.parametrize(
    ("fault", "overall", "status", "changed"),
    [
        (None, "pass", 0, {}),
        ("extra_key", "warn", 0, {"output_conforms": "warn"}),
        ("fixture_mismatch", "fail", 1, {"reference_fixtures": "fail"}),
    ],
)
def test_json_prints_only_the_report(
    built: Built, home: Home, fault: str | None, overall: str, status: int, changed: dict[str, str]
) -> None:
    folder = add_tool(built, home.tools_dir, fault=fault)
    result = home.pixie("validate", TOOL_ID, "--json")
    assert result.returncode == status, result.stdout + result.stderr
    report = json.loads(result.stdout)  # the whole of stdout is the report
    assert tuple(report) == REPORT_FIELDS
    assert report["tool_id"] == TOOL_ID
    assert Path(report["tool_path"]) == folder.resolve()
    assert report["overall"] == overall
    assert statuses_in_report(report) == expected(**changed)
    assert report["sample_inputs"]["count"] == 5
    assert result.stderr == ""  # no notice and no uv lines around the JSON


def test_summary_prints_the_short_form_skills_of_the_original_read(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir, fault="fixture_mismatch")
    result = home.pixie("validate", TOOL_ID, "--summary")
    assert result.returncode == 1, result.stdout + result.stderr
    summary = json.loads(result.stdout)  # the whole of stdout
    assert tuple(summary) == (
        "tool_id", "tool_path", "timestamp", "overall", "counts", "notable_checks", "spawn_log", "warnings",
    )  # fmt: skip
    assert summary["overall"] == "fail"
    assert summary["counts"] == {"pass": 11, "warn": 0, "fail": 1, "skip": 0}
    assert [check["name"] for check in summary["notable_checks"]] == ["reference_fixtures"]
    assert summary["warnings"] == []
    assert result.stderr == ""
    both = home.pixie("validate", TOOL_ID, "--summary", "--json")
    assert both.returncode == 2
    assert "choose --json" in both.stderr


@pytest.mark.parametrize(
    ("options", "status", "verdict", "files"),
    [
        ((), 1, "fail", ["fixture_basic.json", "fixture_wrong.json"]),
        (("--fixture", "basic"), 0, "pass", ["fixture_basic.json"]),
        (("--fixture", "fixture_w*"), 1, "fail", ["fixture_wrong.json"]),
        (
            ("--fixture", "fixture_basic.json", "--fixture", "wrong"),
            1,
            "fail",
            ["fixture_basic.json", "fixture_wrong.json"],
        ),
    ],
    ids=["every-fixture", "by-name", "by-glob", "repeated"],
)
def test_fixture_chooses_the_fixtures_checked(
    built: Built,
    home: Home,
    options: tuple[str, ...],
    status: int,
    verdict: str,
    files: list[str],
) -> None:
    add_wrong_fixture(add_tool(built, home.tools_dir))
    result = home.pixie("validate", TOOL_ID, "--json", *options)
    assert result.returncode == status, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert statuses_in_report(report) == expected(reference_fixtures=verdict)
    outcomes = {"fixture_basic.json": "matched", "fixture_wrong.json": "failed"}
    details = check_of(report, "reference_fixtures")["details"]
    assert [(entry["file"], entry["status"]) for entry in details["fixtures"]] == [
        (file, outcomes[file]) for file in files
    ]


def test_a_fixture_filter_matching_nothing_is_a_warning_naming_the_fixtures(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir, fault="fixture_mismatch")
    result = home.pixie("validate", TOOL_ID, "--fixture", "nope")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("validator-tool: WARN")
    assert statuses_in_table(result.stdout) == expected(reference_fixtures="warn")
    messages = {name: message for name, _, message in rows(result.stdout)}
    assert (
        messages["reference_fixtures"]
        == "No fixture matches --fixture nope; the tool has fixture_basic.json."
    )


def test_reference_only_skips_the_sample_run(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir, fault="missing_output")  # spoils the sample run's chart only

    whole = home.pixie("validate", TOOL_ID)
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert statuses_in_table(whole.stdout) == expected(output_conforms="fail")

    reference = home.pixie("validate", TOOL_ID, "--reference-only")
    assert reference.returncode == 0, reference.stdout + reference.stderr
    assert reference.stdout.startswith("validator-tool: PASS (9 pass, 3 skip) in ")
    skipped = ("sample_input_run", "output_conforms", "streaming_check")
    assert statuses_in_table(reference.stdout) == expected(**dict.fromkeys(skipped, "skip"))
    messages = {name: message for name, _, message in rows(reference.stdout)}
    assert [messages[name] for name in skipped] == ["Skipped: --reference-only."] * 3
    assert messages["reference_fixtures"] == "1 fixture(s) matched."


def test_all_validates_every_tool_with_progress(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir)
    add_tool(built, home.tools_dir, "validator-warn", fault="extra_key")
    add_tool(built, home.tools_dir, "validator-fail", fault="fixture_mismatch")
    result = home.pixie("validate", "--all")
    assert result.returncode == 1, result.stdout + result.stderr

    headers = [
        line.split(" (")[0] for line in result.stdout.splitlines() if re.match(r"^\S+: [A-Z]+ \(", line)
    ]
    assert headers == ["validator-fail: FAIL", "validator-tool: PASS", "validator-warn: WARN"]
    assert statuses_in_table(result.stdout) == [
        *expected(reference_fixtures="fail"),
        *expected(),
        *expected(output_conforms="warn"),
    ]
    assert result.stdout.splitlines()[-1] == "1 pass, 1 warn, 1 fail of 3 tools"

    # Each tool's progress line says it is being validated, then is overwritten by its verdict.
    assert "[........................] 0/3 validating validator-fail\r" in result.stderr
    assert "[################........] 2/3 validating validator-warn\r" in result.stderr
    assert on_terminal(result.stderr) == [
        NOT_RUNNING,
        "[########................] 1/3 validator-fail: fail",
        "[################........] 2/3 validator-tool: pass",
        "[########################] 3/3 validator-warn: warn",
    ]


def test_all_with_json_prints_a_list_of_reports(built: Built, home: Home) -> None:
    add_tool(built, home.tools_dir)
    write_tool(home.tools_dir, "broken", "{")  # listed under its folder name, and failing
    result = home.pixie("validate", "--all", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    reports = json.loads(result.stdout)
    assert [(report["tool_id"], report["overall"]) for report in reports] == [
        ("broken", "fail"),
        (TOOL_ID, "pass"),
    ]
    assert all(tuple(report) == REPORT_FIELDS for report in reports)
    assert check_of(reports[0], "tool_json_parses")["status"] == "fail"
    assert result.stderr == ""  # no progress lines around the JSON


def test_update_fixtures_without_yes_is_a_dry_run(built: Built, home: Home) -> None:
    folder = add_tool(built, home.tools_dir)
    add_wrong_fixture(folder)
    before = snapshot(folder)

    result = home.pixie("validate", TOOL_ID, "--update-fixtures")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "fixture_basic.json: up to date",
        "fixture_wrong.json: would update total",
        "Dry run: nothing was written. Run again with --yes to write these changes.",
    ]
    assert result.stderr == ""

    chosen = home.pixie("validate", TOOL_ID, "--update-fixtures", "--fixture", "basic")
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert chosen.stdout.splitlines() == ["fixture_basic.json: up to date"]

    assert snapshot(folder) == before


def test_update_fixtures_with_yes_rewrites_the_expected_outputs(built: Built, home: Home) -> None:
    folder = add_tool(built, home.tools_dir)
    wrong = add_wrong_fixture(folder)
    basic = (folder / "reference" / "fixture_basic.json").read_bytes()

    result = home.pixie("validate", TOOL_ID, "--update-fixtures", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "fixture_basic.json: up to date",
        "fixture_wrong.json: updated total",
    ]

    rewritten = json.loads(wrong.read_text())
    assert rewritten["expected_outputs"] == {"total": 14}
    assert rewritten["inputs"] == WRONG_FIXTURE["inputs"]
    assert rewritten["name"] == WRONG_FIXTURE["name"]
    assert re.search(
        r"refreshed via --update-fixtures at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rewritten["source"]
    )
    assert (folder / "reference" / "fixture_basic.json").read_bytes() == basic

    again = home.pixie("validate", TOOL_ID, "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    report = json.loads(again.stdout)
    assert report["overall"] == "pass"
    assert check_of(report, "reference_fixtures")["message"] == "2 fixture(s) matched."


@pytest.mark.parametrize(
    "options",
    [(), ("--json",), ("--update-fixtures",), ("--update-fixtures", "--yes")],
    ids=["table", "json", "update-fixtures", "update-fixtures-yes"],
)
def test_an_unknown_tool_is_a_one_line_error(home: Home, options: tuple[str, ...]) -> None:
    write_tool(home.tools_dir, "other-tool")
    result = home.pixie("validate", "nope", *options)
    assert_one_error_line(result, f"pixie: no tool 'nope' in {home.tools_dir}")


def test_update_fixtures_holds_skipped_fixtures_and_names_broken_files(built: Built, home: Home) -> None:
    folder = add_tool(built, home.tools_dir)
    held = add_wrong_fixture(folder)
    held.write_text(json.dumps({**WRONG_FIXTURE, "skip_reason": "waiting for a fix"}, indent=2))
    tagged = folder / "reference" / "fixture_tagged.json"
    tagged.write_text(json.dumps({**WRONG_FIXTURE, "name": "tagged", "tags": ["slow"]}, indent=2))
    (folder / "reference" / "fixture_broken.json").write_text("{ not json")
    before = snapshot(folder)

    result = home.pixie("validate", TOOL_ID, "--update-fixtures", "--yes", "--tag", "slow")

    assert result.returncode == 1, result.stdout + result.stderr  # a fixture file could not be read
    assert result.stdout.splitlines() == ["fixture_tagged.json: updated total"]
    assert result.stderr.splitlines()[0].startswith("not refreshed: fixture_broken.json")
    after = snapshot(folder)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["reference/fixture_tagged.json"]

    everything = home.pixie("validate", TOOL_ID, "--update-fixtures")
    assert "fixture_wrong.json: left alone, since it is skipped (waiting for a fix)" in everything.stdout


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("validate",), "pixie: name a tool to validate, or use --all"),
        (("validate", TOOL_ID, "--all"), "pixie: name a tool or use --all, not both"),
        (("validate", TOOL_ID, "--yes"), "pixie: --yes only goes with --update-fixtures"),
        (("validate", "--all", "--update-fixtures"), "pixie: --update-fixtures works on one tool at a time"),
    ],
)
def test_contradictory_options_are_a_one_line_error(home: Home, args: tuple[str, ...], error: str) -> None:
    assert_one_error_line(home.pixie(*args), error)


# -- pixie tools, stand-alone ------------------------------------------------------------------------


def test_tools_without_pixie_lists_the_folders_found(home: Home) -> None:
    write_tool(home.tools_dir, "alpha")
    write_tool(home.tools_dir, "beta", "{")
    write_tool(home.tools_dir, ".hidden")  # a dot-folder is the way to hide one
    result = home.pixie("tools")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"Pixie is not running: tools found in {home.tools_dir} (states and verdicts unknown).",
        "TOOL   STATE   VALIDATION",
        "alpha  -       -",
        "beta   broken  -",
    ]
    assert result.stderr == ""


def test_tools_in_an_empty_folder_says_how_to_make_one(home: Home) -> None:
    result = home.pixie("tools")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"Pixie is not running: tools found in {home.tools_dir} (states and verdicts unknown).",
        f"No tools in {home.tools_dir}. Create one with `pixie new <tool_id>`.",
    ]


# -- pixie new ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["form", "chat", "stream", "files"])
def test_new_creates_a_tool_folder_from_each_template(home: Home, template: str) -> None:
    tool_id = f"my-{template}-tool"
    folder = home.tools_dir / tool_id
    arguments = ("new", tool_id) if template == "form" else ("new", tool_id, "--template", template)
    result = home.pixie(*arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"Created {folder} from the {template} template.",
        f"Next: edit {folder / 'main.py'} and {folder / 'tool.json'}, then `pixie validate {tool_id}`.",
    ]
    assert result.stderr == ""
    assert os.listdir(home.tools_dir) == [tool_id]  # no staging folder left behind
    assert json.loads((folder / "tool.json").read_text())["id"] == tool_id
    for name in ("main.py", "pyproject.toml", "uv.lock", "README.md"):
        assert (folder / name).is_file(), name
    assert list((folder / "reference").glob("fixture_*.json"))

    listed = home.pixie("tools")
    assert listed.returncode == 0
    assert [cells(line) for line in listed.stdout.splitlines()[1:]] == [
        ["TOOL", "STATE", "VALIDATION"],
        [tool_id, "-", "-"],  # found, and not broken
    ]


@pytest.mark.parametrize("tool_id", ["Loan", "1abc", "a_b", "-dash", "a.b"])
def test_new_refuses_a_bad_id_and_creates_nothing(home: Home, tool_id: str) -> None:
    result = home.pixie("new", "--", tool_id)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"pixie: invalid tool id {tool_id!r}: it must match {ID_RULE} ")
    assert os.listdir(home.tools_dir) == []


def test_new_never_overwrites_an_existing_tool(home: Home) -> None:
    first = home.pixie("new", "keep-me")
    assert first.returncode == 0, first.stdout + first.stderr
    folder = home.tools_dir / "keep-me"
    main = folder / "main.py"
    main.write_text(main.read_text() + "\n# the author's own edit\n")
    before = snapshot(folder)

    for template in ("form", "chat"):
        again = home.pixie("new", "keep-me", "--template", template)
        assert again.returncode == 2, again.stdout + again.stderr
        assert again.stdout == ""
        [line] = again.stderr.splitlines()
        assert line.startswith(f"pixie: {folder} already exists; a new tool never replaces a folder")
        assert snapshot(folder) == before
        assert os.listdir(home.tools_dir) == ["keep-me"]


def test_new_never_touches_a_folder_that_is_not_a_tool(home: Home) -> None:
    folder = home.tools_dir / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("buy milk\n")
    result = home.pixie("new", "notes")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "already exists" in result.stderr
    assert snapshot(folder) == {"todo.txt": b"buy milk\n"}


def test_new_with_an_unknown_template_creates_nothing(home: Home) -> None:
    result = home.pixie("new", "web-tool", "--template", "web")
    assert_one_error_line(result, "pixie: unknown template 'web'; choose one of form, chat, stream, files")
    assert os.listdir(home.tools_dir) == []


# -- through a running Pixie -------------------------------------------------------------------------


@pytest.mark.e2e
def test_with_pixie_running_the_launcher_validates_and_keeps_the_report(built: Built, tmp_path: Path) -> None:
    with running_system(tmp_path) as pixie:
        add_tool(built, pixie.tools_dir)
        pixie.wait_healthy()
        wait_until(
            lambda: [tool["id"] for tool in pixie.get("/api/tools").json()] == [TOOL_ID],
            timeout=20,
            what="the launcher to discover the tool",
        )

        listed = run_pixie(("tools",), pixie.env, tmp_path)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert [cells(line) for line in listed.stdout.splitlines()] == [
            ["TOOL", "STATE", "VALIDATION"],
            [TOOL_ID, "stopped", "not validated"],
        ]

        table = run_pixie(("validate", TOOL_ID), pixie.env, tmp_path)
        assert table.returncode == 0, table.stdout + table.stderr
        assert table.stdout.startswith("validator-tool: PASS (12 pass) in ")
        assert statuses_in_table(table.stdout) == expected()
        assert "Pixie is not running" not in table.stderr

        as_json = run_pixie(("validate", TOOL_ID, "--json"), pixie.env, tmp_path)
        assert as_json.returncode == 0, as_json.stdout + as_json.stderr
        report = json.loads(as_json.stdout)
        assert tuple(report) == REPORT_FIELDS
        assert statuses_in_report(report) == expected()
        # Through the launcher the report is saved: the latest one is the one the CLI printed.
        saved = pixie.get(f"/api/tools/{TOOL_ID}/validation")
        assert saved.status_code == 200
        assert saved.json() == report

        listed = run_pixie(("tools",), pixie.env, tmp_path)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        assert [cells(line) for line in listed.stdout.splitlines()] == [
            ["TOOL", "STATE", "VALIDATION"],
            [TOOL_ID, "stopped", "pass"],
        ]

        # A folder made just now (as by ``pixie new``) is validated, not reported unknown while
        # the running launcher has yet to notice it.
        add_tool(built, pixie.tools_dir, "just-made")
        fresh = run_pixie(("validate", "just-made", "--json"), pixie.env, tmp_path)
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr
        assert json.loads(fresh.stdout)["tool_id"] == "just-made"

        unknown = run_pixie(("validate", "nope"), pixie.env, tmp_path)
        assert unknown.returncode == 2, unknown.stdout + unknown.stderr
        assert unknown.stdout == ""
        [line] = unknown.stderr.splitlines()
        assert line.startswith("pixie: ")
        assert "nope" in line
