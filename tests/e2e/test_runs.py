"""Runs through the three Pixie processes, with real tools: the form route, errors, records."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from shared.timestamps import readable_duration
from tests.support.launcher import copy_fixture_tool
from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]  # the first run builds lorenz's environment

SEED = {"sigma": "10", "rho": "28", "beta": "2.667", "t_end": "40", "steps": "8000"}


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    """One Pixie for this module, with the tools its tests use."""
    root = tmp_path_factory.mktemp("runs")
    system = PixieSystem(root, env={"PIXIE_DEVELOPER_MODE": "1"})
    tools = system.tools_dir
    shutil.copytree(
        REPO_ROOT / "tools" / "lorenz-ode-solver",
        tools / "lorenz-ode-solver",
        ignore=shutil.ignore_patterns(".venv"),
    )
    copy_fixture_tool(
        tools, "echo-all", tool_json_file="specs/all_inputs.json", dotenv={"FIXTURE_ECHO_ONLY": "1"}
    )
    copy_fixture_tool(tools, "misbehaving", max_runtime_seconds=1)
    copy_fixture_tool(tools, "cannot-start", dotenv={"FIXTURE_STARTUP": "exit"})
    typo = copy_fixture_tool(tools, "typo")
    (typo / "main.py").write_text((typo / "main.py").read_text() + "\n\ndef broken(:\n    pass\n")
    copy_fixture_tool(tools, "runs-tool", source="runs-tool")
    unbuildable = copy_fixture_tool(tools, "unbuildable")
    (unbuildable / "pyproject.toml").write_text("[project\nname = 'oops'\n")
    (tools / "broken").mkdir()
    (tools / "broken" / "tool.json").write_text(
        '{"id": "broken", "name": "Broken", "inputs": [], "outputs": [], "colour": 1}'
    )
    with running_system(root, env={"PIXIE_DEVELOPER_MODE": "1"}) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 8, timeout=10, what="the tools")
        yield running


def post_form(pixie: PixieSystem, tool_id: str, data: Any = None, files: Any = None, **headers: str) -> Any:
    return pixie.http.post(f"/tool/{tool_id}/run", data=data or {}, files=files, headers=headers, timeout=120)


def run_id_of(response: Any) -> str:
    return str(response.headers["X-Pixie-Run-Id"])


def stored(pixie: PixieSystem, run_id: str) -> dict[str, Any]:
    response = pixie.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


class Cards(HTMLParser):
    """Output cards and chart data blocks of an output panel."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, str]] = {}
        self.data: dict[str, Any] = {}
        self._block: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "section" and "data-output-key" in values:
            self.cards[values["data-output-key"]] = values
        if tag == "script" and values.get("type") == "application/json":
            self._block = values.get("id", "").removeprefix("data-output-")

    def handle_data(self, data: str) -> None:
        if self._block:
            self.data[self._block] = json.loads(data)
            self._block = None


def test_the_seed_curl_example_returns_the_panel_with_chart_data(pixie: PixieSystem) -> None:
    response = post_form(pixie, "lorenz-ode-solver", SEED)
    assert response.status_code == 200
    assert response.headers["X-Pixie-Run-Status"] == "ok"
    cards = Cards(response.text)
    spec = json.loads((pixie.tools_dir / "lorenz-ode-solver" / "tool.json").read_text())
    assert list(cards.cards) == [output["key"] for output in spec["outputs"]]  # declared order
    trajectory = cards.data["trajectory"]
    assert [series["name"] for series in trajectory["series"]] == ["x", "y", "z"]
    assert len(trajectory["series"][0]["y"]) > 100
    record = stored(pixie, run_id_of(response))
    assert record["status"] == "ok"
    assert record["inputs"] == {"sigma": 10.0, "rho": 28.0, "beta": 2.667, "t_end": 40.0, "steps": 8000}
    assert re.search(r"Finished in (\d+ ms|\d\.\d\d s|\d\d\.\d s) ·", response.text)  # not "0.0 s"
    run_id = run_id_of(response)
    for route in ("export", "report"):  # a fresh result offers its downloads too
        assert f'<a href="/api/runs/{run_id}/{route}" download>{route}</a>' in response.text
    took = readable_duration(record["duration_ms"])
    assert f'<span class="run-duration">{took}</span>' in pixie.get("/tool/lorenz-ode-solver/runs").text


def test_every_input_type_reaches_the_tool_as_json(pixie: PixieSystem) -> None:
    csv = b"a,b\n1,2\n"
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    form = {
        "name": "Ada",
        "notes": "line one\r\nline two",
        "amount": "12",
        "ratio": "0.3",
        "band__lo": "10",
        "band__hi": "90",
        "mode": "slow",
        "limit": "2.5",
        "fruits": ["pear", "apple"],
        "agree": "true",
        "size": "3",
        "day": "2026-05-01",
        "alarm": "07:30",
        "meeting": "2026-05-01T09:00",
        "trip": '["2026-06-01", "2026-06-08"]',
        "accent": "#ABC",
        "config": '{"depth": 2}',
        "script": "print(1)",
        "readme": "# Hi",
        "labels": "red, green",
        "city": "London",
        "items": '[{"name": "pen", "qty": "2", "price": "1.5"}]',
        "where": "[51.5, -0.1]",
        "area": "[50, -1, 52, 1]",
        "zone": "[[0, 0], [0, 1], [1, 1]]",
        "stops": "[[1, 2]]",
    }
    files = [
        ("data", ("table.csv", csv, "text/csv")),
        ("photos", ("a.png", png, "image/png")),
        ("photos", ("b.png", png, "image/png")),
    ]
    response = post_form(pixie, "echo-all", form, files)
    assert response.status_code == 200, response.text
    record = stored(pixie, run_id_of(response))
    assert record["status"] == "ok", record
    received = record["outputs"]["received"]
    inputs = received["inputs"]
    png_url = "data:image/png;base64," + base64.b64encode(png).decode()
    assert inputs == {
        "name": "Ada",
        "notes": "line one\nline two",
        "amount": 12,
        "ratio": 0.3,
        "band": [10.0, 90.0],
        "mode": "slow",
        "limit": 2.5,
        "fruits": ["apple", "pear"],
        "agree": True,
        "dark": False,
        "size": 3,
        "day": "2026-05-01",
        "alarm": "07:30",
        "meeting": "2026-05-01T09:00",
        "trip": ["2026-06-01", "2026-06-08"],
        "data": "data:text/csv;base64," + base64.b64encode(csv).decode(),
        "photos": [png_url, png_url],
        "accent": "#aabbcc",
        "config": {"depth": 2},
        "script": "print(1)",
        "readme": "# Hi",
        "labels": ["red", "green"],
        "city": "London",
        "items": [{"name": "pen", "qty": 2, "price": 1.5}],
        "where": [51.5, -0.1],
        "area": [[50.0, -1.0], [52.0, 1.0]],
        "zone": [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
        "stops": [[1.0, 2.0]],
        "token": "abc123",
    }
    # Also at top level, and Pixie's own block with the artefacts folder, in the body and headers.
    assert received["amount"] == 12
    assert received["run_id"] == record["id"]
    assert received["_pixie"]["run_id"] == record["id"]
    assert Path(received["_pixie"]["artefacts_dir"]).is_dir()
    assert oct(Path(received["_pixie"]["artefacts_dir"]).stat().st_mode & 0o777) == "0o700"


def test_a_large_text_field_in_a_multipart_form_reaches_the_tool(pixie: PixieSystem) -> None:
    """The run form posts as multipart (it may hold files), and a long text, or a file kept from
    the run before and sent back as its data URL, is one large field of it."""
    readme = "# Notes\n\n" + "n" * 600_000
    files = [("data", ("table.csv", b"a,b\n1,2\n", "text/csv"))]
    form = {"name": "Ada", "day": "2026-05-01", "readme": readme}
    response = post_form(pixie, "echo-all", form, files)
    assert response.status_code == 200, response.text[:500]
    record = stored(pixie, run_id_of(response))
    assert record["status"] == "ok", record
    assert record["outputs"]["received"]["inputs"]["readme"] == readme


def test_invalid_input_never_reaches_the_tool_and_names_each_field(pixie: PixieSystem) -> None:
    before = pixie.get("/api/tools/echo-all/runs").json()["items"]
    response = post_form(pixie, "echo-all", {"name": "", "amount": "5000", "mode": "turbo", "accent": "blue"})
    assert response.status_code == 422
    keys = set(re.findall(r'<li data-input-key="([a-z_]+)"', response.text))
    assert {"name", "amount", "mode", "accent", "day", "agree"} - {"agree"} <= keys
    htmx = post_form(pixie, "echo-all", {"name": ""}, **{"HX-Request": "true"})
    assert htmx.status_code == 200  # htmx swaps only 2xx
    assert htmx.headers["HX-Retarget"] == "#run-form-fields"
    assert pixie.get("/api/tools/echo-all/runs").json()["items"] == before  # no run was made


@pytest.mark.parametrize(
    ("tool_id", "form", "status", "kind", "words", "next_step"),
    [
        ("misbehaving", {"mode": "error"}, "error", "tool_error", "fixture-tool refuses this input", None),
        (
            "misbehaving",
            {"mode": "sleep", "seconds": "30"},
            "timeout",
            "timeout",
            "limit of 1 s (max_runtime_seconds",
            "/tool/misbehaving/settings#limits",
        ),
        (
            "misbehaving",
            {"mode": "crash"},
            "error",
            "crash",
            "exited with code 9 while running",
            "/tool/misbehaving/settings#log",
        ),
        (
            "cannot-start",
            {},
            "error",
            "start_failed",
            "exited with code 3 during start-up",
            "/tool/cannot-start/settings#log",
        ),
    ],
    ids=["tool-refuses", "past-its-limit", "dies-mid-run", "cannot-start"],
)
def test_each_failure_has_its_own_panel_and_a_finished_record(
    pixie: PixieSystem,
    tool_id: str,
    form: dict[str, str],
    status: str,
    kind: str,
    words: str,
    next_step: str | None,
) -> None:
    response = post_form(pixie, tool_id, form, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert f'data-failure="{kind}"' in response.text
    assert words in response.text
    assert 'role="alert"' in response.text
    # Where to go next: the limit to raise, or everything the tool printed.
    assert (next_step is None) == ('class="failure-actions"' not in response.text)
    if next_step is not None:
        assert f'<a href="{next_step}">' in response.text
    record = stored(pixie, run_id_of(response))
    assert record["status"] == status
    assert words in record["error"]
    assert record["error_kind"] == kind  # a skill reading the run later can tell the kinds apart


def test_a_failed_environment_build_shows_uvs_output(pixie: PixieSystem) -> None:
    response = post_form(pixie, "unbuildable", {}, **{"HX-Request": "true"})
    assert 'data-failure="start_failed"' in response.text
    assert "building the environment failed" in response.text
    assert "pyproject.toml" in response.text  # uv's complaint, under Details
    assert stored(pixie, run_id_of(response))["status"] == "error"


def test_a_crash_shows_the_tools_last_output(pixie: PixieSystem) -> None:
    response = post_form(pixie, "misbehaving", {"mode": "crash"})
    assert "crashing on purpose" in response.text  # folded under Details
    assert "crashing on purpose" in stored(pixie, run_id_of(response))["stderr_tail"]


def test_a_crash_shows_only_what_the_tool_printed_during_that_run(pixie: PixieSystem) -> None:
    """The launcher's record of a death holds the process's last lines, which may be an earlier
    run's (a traceback it recovered from, say): the run that crashed shows its own."""
    earlier = post_form(pixie, "misbehaving", {"mode": "spam", "lines": "3"})
    assert stored(pixie, run_id_of(earlier))["status"] == "ok"
    crashed = stored(pixie, run_id_of(post_form(pixie, "misbehaving", {"mode": "crash"})))
    assert crashed["error_kind"] == "crash"
    assert "crashing on purpose" in crashed["stderr_tail"]
    assert "fixture-tool stdout line 0" not in crashed["stderr_tail"]


def test_a_past_failed_run_shows_its_failure_as_the_run_did(pixie: PixieSystem) -> None:
    live = post_form(pixie, "misbehaving", {"mode": "crash"})
    heading = re.search(r"<h2>([^<]+)</h2>", live.text)
    assert heading is not None
    replay = pixie.get(f"/tool/misbehaving/runs/{run_id_of(live)}")
    assert replay.status_code == 200
    assert f"<h2>{heading.group(1)}</h2>" in replay.text
    assert 'data-failure="crash"' in replay.text
    assert "See everything it printed" in replay.text  # the same next step


def test_a_tool_that_raises_shows_its_exception_first_and_its_traceback(pixie: PixieSystem) -> None:
    """A web framework answers "Internal Server Error" and logs the traceback after: the panel
    leads with the exception and where in the tool's code it came from."""
    response = post_form(pixie, "runs-tool", {"mode": "raise", "kb": "0"}, **{"HX-Request": "true"})
    assert 'data-failure="tool_failed"' in response.text
    assert "The tool failed while running" in response.text
    assert "(HTTP 500): ZeroDivisionError: division by zero (main.py, line " in response.text
    assert "Traceback (most recent call last):" in response.text  # folded under Details
    record = stored(pixie, run_id_of(response))
    assert record["status"] == "error"
    assert "ZeroDivisionError: division by zero" in record["error"]
    assert "in share_of" in record["stderr_tail"]
    # The tool's settings page shows what it printed, where the card's link points.
    assert '<a href="/tool/runs-tool/settings#log">See everything it printed</a>' in response.text
    settings = pixie.get("/tool/runs-tool/settings").text
    log = settings[settings.index('id="log"') :]
    assert "ZeroDivisionError: division by zero" in log[: log.index("</section>")]

    answer = pixie.http.post(
        "/api/tools/runs-tool/run", json={"inputs": {"mode": "raise", "kb": 0}}, timeout=60
    )
    error = answer.json()["error"]
    assert error["kind"] == "tool_failed"
    assert "ZeroDivisionError: division by zero (main.py, line " in error["message"]
    assert "Traceback (most recent call last):" in error["detail"]

    # The event stream's "done" is the same result, and the same is stored.
    streamed = pixie.http.post(
        "/api/tools/runs-tool/run?stream=1", json={"inputs": {"mode": "raise", "kb": 0}}, timeout=60
    )
    done = json.loads([line for line in streamed.text.splitlines() if line.startswith("data: ")][-1][6:])
    assert (done["status"], done["outputs"]) == ("error", None)
    assert done["error"]["kind"] == "tool_failed"
    assert "ZeroDivisionError: division by zero (main.py, line " in done["error"]["message"]
    assert "Traceback (most recent call last):" in done["error"]["detail"]
    assert "ZeroDivisionError" in stored(pixie, done["run_id"])["error"]


def test_a_tools_log_is_read_through_the_api_and_pixie_tail(pixie: PixieSystem) -> None:
    """What a tool printed (here a traceback) is one request away for a skill, and one command
    away for a person: /api/tools/<id>/logs and `pixie tail`."""
    post_form(pixie, "runs-tool", {"mode": "raise", "kb": "0"})
    wait_until(
        lambda: any(
            "ZeroDivisionError" in line
            for line in pixie.get("/api/tools/runs-tool/logs?limit=50").json()["lines"]
        ),
        timeout=10,
        what="the traceback in the log",
    )
    lines = pixie.get("/api/tools/runs-tool/logs?limit=3").json()["lines"]
    assert len(lines) == 3
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z std(out|err) \| ", lines[0])
    for bad in ("0", "abc", "5001"):
        answer = pixie.get(f"/api/tools/runs-tool/logs?limit={bad}")
        assert answer.status_code == 400
        assert "limit" in answer.json()["error"]["message"]
    assert pixie.get("/api/tools/runs-tool/logs?lines=3").status_code == 400
    assert pixie.get("/api/tools/no-such-tool/logs").status_code == 404

    pixie_cli = [str(Path(sys.executable).parent / "pixie")]
    env = {**pixie.env, "PATH": os.environ.get("PATH", "")}
    tail = subprocess.run([*pixie_cli, "tail", "runs-tool", "-n", "40"], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert tail.returncode == 0, tail.stderr
    assert "ZeroDivisionError: division by zero" in tail.stdout
    missing = subprocess.run([*pixie_cli, "tail", "no-such-tool"], env=env, cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 2
    assert "no tool 'no-such-tool'" in missing.stderr


def test_a_tool_that_cannot_start_names_the_error_its_code_printed(pixie: PixieSystem) -> None:
    response = post_form(pixie, "typo", {}, **{"HX-Request": "true"})
    assert 'data-failure="start_failed"' in response.text
    assert re.search(
        r"exited with code 1 during start-up: SyntaxError: [^(<]+\(main\.py, line \d+\)", response.text
    )


def test_broken_and_unknown_tools(pixie: PixieSystem) -> None:
    broken = post_form(pixie, "broken")
    assert broken.status_code == 409
    assert "colour" in broken.text
    unknown = post_form(pixie, "no-such-tool")
    assert unknown.status_code == 404
    api = pixie.http.post("/api/tools/no-such-tool/run", json={"inputs": {}})
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "NOT_FOUND"


def test_a_runs_files_are_listed_and_linked_on_its_panel_and_its_page(pixie: PixieSystem) -> None:
    live = post_form(pixie, "runs-tool", {"mode": "files"})
    record = stored(pixie, run_id_of(live))
    ids = {item["filename"]: item["id"] for item in record["artefacts"]}
    replay = pixie.get(f"/tool/runs-tool/runs/{record['id']}").text
    for page in (live.text, replay):
        assert "2 files kept with this run" in page
        assert (
            f'<a href="/api/artefacts/{ids["table.csv"]}/file" target="_blank" rel="noopener">table.csv</a>'
            in page
        )
        assert 'rel="noopener">plots/figure.svg</a>' in page  # its path in the run's folder
        assert f'href="/api/artefacts/{ids["figure.svg"]}/file?download=1" download' in page


def test_artefacts_are_registered_with_their_hash_and_served_back(pixie: PixieSystem) -> None:
    result = pixie.http.post(
        "/api/tools/runs-tool/run", json={"inputs": {"mode": "files"}}, timeout=60
    ).json()
    assert result["status"] == "ok"
    by_name = {item["filename"]: item for item in result["artefacts"]}
    assert set(by_name) == {"table.csv", "figure.svg"}  # no dot file, .partial or symlink
    table = by_name["table.csv"]
    assert table["output_key"] == "table"
    assert table["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert table["mime"] == "text/csv"
    served = pixie.get(table["file_url"])
    assert served.status_code == 200
    assert served.content == b"a,b\n1,2\n"
    assert served.headers["content-type"].startswith("text/csv")
    assert "sandbox" in served.headers["content-security-policy"]
    for word in ("1", "yes", "TRUE"):  # yes/no words read as on every other route
        download = pixie.get(table["file_url"] + f"?download={word}")
        assert download.headers["content-disposition"].startswith('attachment; filename="table.csv"')
    assert pixie.get(table["file_url"] + "?download=no").headers["content-disposition"].startswith("inline")
    refused = pixie.get(table["file_url"] + "?download=maybe")
    assert refused.status_code == 400
    assert "parameter 'download' must be true or false" in refused.json()["error"]["message"]
    assert pixie.get("/api/artefacts/999999/file").status_code == 404


def test_history_replay_and_last_inputs(pixie: PixieSystem) -> None:
    first = post_form(pixie, "lorenz-ode-solver", {**SEED, "rho": "14"})
    second = post_form(pixie, "lorenz-ode-solver", {**SEED, "rho": "15"})
    history = pixie.get("/tool/lorenz-ode-solver/runs")
    assert history.status_code == 200
    order = re.findall(r'data-run-id="([0-9a-f]+)"', history.text)
    assert order[:2] == [run_id_of(second), run_id_of(first)]  # newest first
    assert "rho: 15.0" in history.text

    replay = pixie.get(f"/tool/lorenz-ode-solver/runs/{run_id_of(first)}")
    assert replay.status_code == 200
    assert re.search(r'name="rho"[^>]*value="14', replay.text) or re.search(
        r'value="14[^"]*"[^>]*name="rho"', replay.text
    )
    assert Cards(replay.text).data["trajectory"] == Cards(first.text).data["trajectory"]
    assert pixie.get(f"/tool/runs-tool/runs/{run_id_of(first)}").status_code == 404
    assert pixie.get("/tool/lorenz-ode-solver/runs/ffffffff").status_code == 404

    page = pixie.get("/tool/lorenz-ode-solver")
    assert page.status_code == 200
    assert re.search(r'name="rho"[^>]*value="15', page.text) or re.search(
        r'value="15[^"]*"[^>]*name="rho"', page.text
    )


def test_outputs_wrapped_in_an_outputs_object_are_answered_and_kept_flat(pixie: PixieSystem) -> None:
    canned = json.loads((pixie.tools_dir / "runs-tool" / "canned_outputs.json").read_text())
    body = pixie.http.post("/api/tools/runs-tool/run", json={"inputs": {"mode": "wrapped"}}).json()
    assert (body["status"], body["outputs"]) == ("ok", canned)
    assert pixie.get(f"/api/runs/{body['run_id']}").json()["outputs"] == canned
    streamed = pixie.http.post("/api/tools/runs-tool/run?stream=1", json={"inputs": {"mode": "wrapped"}})
    done = [line for line in streamed.text.splitlines() if line.startswith("data: ")][-1]
    assert json.loads(done.removeprefix("data: "))["outputs"] == canned


@pytest.mark.parametrize(
    ("content_type", "body", "status", "says"),
    [
        ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="mode"', 400, "boundary"),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=",
            400,
            "could not",
        ),
        ("text/plain", b"mode=canned", 415, "/api/tools/runs-tool/run"),
        ("application/json", b'{"inputs": {"mode": "canned"}}', 415, "JSON goes to /api/tools/runs-tool/run"),
    ],
)
def test_a_body_that_is_not_a_readable_form_is_refused_not_run_with_defaults(
    pixie: PixieSystem, content_type: str, body: bytes, status: int, says: str
) -> None:
    before = pixie.get("/api/tools/runs-tool/runs?limit=1").json()["items"]
    response = pixie.http.post("/tool/runs-tool/run", content=body, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    assert says in response.text
    assert pixie.get("/api/tools/runs-tool/runs?limit=1").json()["items"] == before  # nothing ran


def test_a_form_post_without_a_body_runs_with_the_defaults(pixie: PixieSystem) -> None:
    response = pixie.http.post("/tool/runs-tool/run")
    assert response.status_code == 200
    assert response.headers["X-Pixie-Run-Status"] == "ok"


def test_the_tool_page_shows_the_last_runs_result_beside_its_inputs(pixie: PixieSystem) -> None:
    ok = pixie.http.post("/api/tools/runs-tool/run", json={"inputs": {"mode": "canned"}}).json()
    page = pixie.get("/tool/runs-tool").text
    assert f'class="run-status run-latest" data-run-id="{ok["run_id"]}"' in page
    assert f'href="/tool/runs-tool/runs/{ok["run_id"]}">open it</a>' in page
    assert 'data-output-key="text" data-output-type="text" data-output-state="value"' in page
    assert "canned" in page
    failed = pixie.http.post("/api/tools/runs-tool/run", json={"inputs": {"mode": "secret-refusal"}}).json()
    assert failed["status"] == "error"
    page = pixie.get("/tool/runs-tool").text  # the last run failed: its form, why, and empty cards
    assert f'class="run-status run-latest" data-run-id="{failed["run_id"]}"' in page
    assert '<span class="run-status-error">failed</span>:' in page
    assert "The tool refused the run (HTTP 422): the key" in page
    assert 'data-output-key="text" data-output-type="text" data-output-state="empty"' in page


def test_history_is_paginated_beyond_twenty(pixie: PixieSystem) -> None:
    for _ in range(22):
        assert pixie.http.post(
            "/api/tools/runs-tool/run", json={"inputs": {"mode": "canned"}}
        ).status_code in (200,)
    first = pixie.get("/tool/runs-tool/runs")
    assert first.text.count('<li class="run ') == 20
    assert '<span class="run-status-label">Finished</span>' in first.text  # the words pages use, not "ok"
    more = re.search(r'href="(/tool/runs-tool/runs\?before=[^"]+)"', first.text)
    assert more is not None
    second = pixie.get(more.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    assert second.text.count('<li class="run ') >= 2
    wrong = pixie.get("/tool/runs-tool/runs?before=nonsense")
    assert wrong.status_code == 400
    assert "That is not a page of this history" in wrong.text
    assert "runs.list" not in wrong.text  # no store wording
    # The tool page's own History menu, drawn with the page, offers the older runs too.
    page = pixie.get("/tool/runs-tool").text
    assert page.count('<li class="run ') == 20
    assert more.group(1) in page


def test_the_per_run_file_cap_is_a_clear_error(tmp_path: Path) -> None:
    with running_system(tmp_path, env={"PIXIE_MAX_ARTEFACTS_PER_RUN": "1"}) as pixie:
        copy_fixture_tool(pixie.tools_dir, "runs-tool", source="runs-tool")
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="the tool")
        result = pixie.http.post(
            "/api/tools/runs-tool/run", json={"inputs": {"mode": "files"}}, timeout=60
        ).json()
        assert result["status"] == "error"
        assert result["error"]["kind"] == "artefacts"
        assert "more than 1 file in one run (PIXIE_MAX_ARTEFACTS_PER_RUN)" in result["error"]["message"]
        assert result["outputs"]["text"] == "wrote files"  # what the tool answered is still shown


def test_a_run_whose_folder_cannot_be_made_is_a_clear_error_and_recorded(
    pixie: PixieSystem,
) -> None:
    copy_fixture_tool(pixie.tools_dir, "no-folder", source="runs-tool")
    wait_until(
        lambda: any(t["id"] == "no-folder" for t in pixie.get("/api/tools").json()),
        timeout=10,
        what="the tool",
    )
    blocker = pixie.data_dir / "artefacts" / "no-folder"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the tool's artefacts folder would go\n")
    response = post_form(pixie, "no-folder", {"mode": "files"}, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-failure="artefacts"' in response.text
    assert "could not make the run&#39;s folder" in response.text
    record = stored(pixie, run_id_of(response))
    assert record["status"] == "error"
    assert "could not make the run's folder" in record["error"]
    api = pixie.http.post("/api/tools/no-folder/run", json={"inputs": {"mode": "files"}}, timeout=60).json()
    assert api["status"] == "error"
    assert api["error"]["kind"] == "artefacts"
    assert blocker.is_file()  # nothing was written in its place
    blocker.unlink()
    assert (
        pixie.http.post("/api/tools/no-folder/run", json={"inputs": {"mode": "files"}}).json()["status"]
        == "ok"
    )
