"""Streaming runs, cancel, serialised runs and the JSON run API, through the three processes."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shared.toolstream.sse import SSEParser, SSEvent
from tests.support.launcher import copy_fixture_tool
from tests.support.runs import start_slow_run
from tests.support.system import PixieSystem, running_system, wait_until

pytestmark = pytest.mark.e2e

FINAL_REPLY = "w0 w1 w2 w3 w4 "


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("streams")
    system = PixieSystem(root)
    tools = system.tools_dir
    copy_fixture_tool(tools, "stream-tool", source="runs-tool", tool_json_file="stream.tool.json")
    copy_fixture_tool(tools, "slow-tool", source="runs-tool")
    copy_fixture_tool(tools, "no-cancel", source="runs-tool", dotenv={"FIXTURE_NO_CANCEL": "1"})
    copy_fixture_tool(tools, "one-at-a-time", source="runs-tool", concurrent=False)
    log_tool = copy_fixture_tool(tools, "log-tool", source="runs-tool")
    spec = json.loads((log_tool / "tool.json").read_text())
    spec["inputs"][0]["options"].append({"value": "log", "label": "Answer a log"})
    spec["outputs"][1] = {"key": "trace", "type": "log", "label": "Trace"}  # a log: the streaming path
    (log_tool / "tool.json").write_text(json.dumps(spec))
    with running_system(root, env={"PIXIE_DEVELOPER_MODE": "1"}) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 5, timeout=10, what="the tools")
        yield running


def read_stream(
    pixie: PixieSystem, url: str, body: dict[str, Any] | None = None, method: str = "POST"
) -> list[SSEvent]:
    parser = SSEParser()
    events: list[SSEvent] = []
    with pixie.http.stream(method, url, json=body, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for text in response.iter_text():
            events.extend(parser.feed(text))
    return events + parser.close()


@pytest.mark.parametrize("shape", ["output_key", "chunk", "keys", "named"])
def test_every_stream_shape_arrives_in_order_and_the_final_state_is_stored(
    pixie: PixieSystem, shape: str
) -> None:
    events = read_stream(
        pixie, "/api/tools/stream-tool/run?stream=1", {"inputs": {"shape": shape, "count": 5}}
    )
    updates = [json.loads(e.data) for e in events if e.event == "output"]
    replies = [u["value"] for u in updates if u["output_key"] == "reply"]
    assert replies == [f"w{n} " for n in range(5)]  # in order
    assert all(u["apply"] == "append" for u in updates if u["output_key"] == "reply")
    assert [u["value"] for u in updates if u["output_key"] == "progress"] == [0.2, 0.4, 0.6, 0.8, 1.0]
    done = json.loads(events[-1].data)
    assert events[-1].event == "done"
    assert done["status"] == "ok"
    outputs = done["outputs"]
    assert outputs["reply"] == FINAL_REPLY
    assert outputs["curve"] == {
        "x": [0, 1, 2, 3, 4],
        "series": [{"name": "loss", "y": [1.0, 0.5, 0.3333, 0.25, 0.2]}],
    }
    assert outputs["progress"] == 1.0
    assert outputs["summary"] == {"pairs": {"events": 5, "shape": shape}}
    record = pixie.get(f"/api/runs/{done['run_id']}").json()
    assert record["status"] == "ok"
    assert record["outputs"] == outputs  # a replay shows the completed result
    assert [a["filename"] for a in record["artefacts"]] == ["stream-log.txt"]


def test_the_form_answers_at_once_with_empty_cards_inside_an_sse_block(pixie: PixieSystem) -> None:
    response = pixie.http.post(
        "/tool/stream-tool/run", data={"shape": "chunk", "count": "3", "delay": "0.05"}
    )
    assert response.status_code == 200
    run_id = response.headers["X-Pixie-Run-Id"]
    assert f'sse-connect="/tool/stream-tool/stream?run_id={run_id}"' in response.text
    assert 'data-output-state="empty"' in response.text
    events = read_stream(pixie, f"/tool/stream-tool/stream?run_id={run_id}", method="GET")
    cards = [e for e in events if e.event == "output"]
    assert cards
    assert 'hx-swap-oob="true"' in cards[0].data
    assert 'id="output-reply"' in cards[0].data
    assert events[-1].event == "done"
    assert "Finished" in events[-1].data
    replay = pixie.get(f"/tool/stream-tool/runs/{run_id}")
    assert "w0 w1 w2" in replay.text


def test_a_stream_under_the_run_id_the_tool_echoed_is_followed(pixie: PixieSystem) -> None:
    body = pixie.http.post("/api/tools/stream-tool/run", json={"inputs": {"mode": "own-id"}}).json()
    assert (body["status"], body["error"]) == ("ok", None)
    assert body["outputs"]["reply"] == FINAL_REPLY


def test_an_ordinary_tool_run_with_stream_1_streams_its_answer(pixie: PixieSystem) -> None:
    events = read_stream(pixie, "/api/tools/slow-tool/run?stream=1", {"inputs": {"mode": "canned"}})
    updates = {json.loads(e.data)["output_key"]: json.loads(e.data) for e in events if e.event == "output"}
    assert set(updates) == {"text", "table", "summary"}
    assert updates["text"] == {"output_key": "text", "apply": "replace", "value": "canned"}
    assert events[-1].event == "done"
    done = json.loads(events[-1].data)
    assert (done["status"], done["error"]) == ("ok", None)
    assert done["outputs"]["summary"] == {"pairs": {"source": "canned_outputs.json"}}
    record = pixie.get(f"/api/runs/{done['run_id']}").json()
    assert (record["status"], record["outputs"]) == ("ok", done["outputs"])


def test_a_tool_with_a_log_output_and_no_stream_shows_its_run_answer(pixie: PixieSystem) -> None:
    body = pixie.http.post("/api/tools/log-tool/run", json={"inputs": {"mode": "log"}}).json()
    assert (body["status"], body["error"]) == ("ok", None)
    assert body["outputs"] == {"text": "logged", "trace": {"lines": ["one", "two"]}, "summary": {"pairs": {}}}

    response = pixie.http.post("/tool/log-tool/run", data={"mode": "log"})
    run_id = response.headers["X-Pixie-Run-Id"]
    assert f'sse-connect="/tool/log-tool/stream?run_id={run_id}"' in response.text
    events = read_stream(pixie, f"/tool/log-tool/stream?run_id={run_id}", method="GET")
    assert events[-1].event == "done"
    assert "Finished" in events[-1].data
    assert "two" in "".join(e.data for e in events if e.event == "output")
    record = pixie.get(f"/api/runs/{run_id}").json()
    assert (record["status"], record["outputs"]["trace"]) == ("ok", {"lines": ["one", "two"]})


def test_a_stream_for_an_unknown_run_is_a_404_event(pixie: PixieSystem) -> None:
    response = pixie.get("/tool/stream-tool/stream?run_id=nope")
    assert response.status_code == 404
    assert "event: error" in response.text


def test_cancel_with_the_tools_own_cancel(pixie: PixieSystem) -> None:
    thread, holder = start_slow_run(pixie, "slow-tool")
    pid = pixie.get("/api/launcher/state").json()["tools"]["slow-tool"]["pid"]
    started = time.monotonic()
    answer = pixie.http.post(f"/api/runs/{holder['run_id']}/cancel").json()
    assert answer["cancelled"] is True
    thread.join(30)
    assert time.monotonic() - started < 5
    assert holder["response"]["status"] == "cancelled"
    assert pixie.get(f"/api/runs/{holder['run_id']}").json()["status"] == "cancelled"
    state = pixie.get("/api/launcher/state").json()["tools"]["slow-tool"]
    assert (state["state"], state["pid"]) == ("running", pid)  # the tool stopped the work itself


def test_cancel_of_a_tool_without_cancel_stops_the_tool(pixie: PixieSystem) -> None:
    thread, holder = start_slow_run(pixie, "no-cancel")
    answer = pixie.http.post("/tool/no-cancel/cancel", data={"run_id": holder["run_id"]})
    assert answer.status_code == 200
    assert 'data-cancelled="true"' in answer.text
    thread.join(30)
    assert holder["response"]["status"] == "cancelled"
    assert pixie.get("/api/launcher/state").json()["tools"]["no-cancel"]["state"] == "stopped"


def test_a_run_ended_by_stopping_the_tool_for_another_runs_cancel_is_told_so(pixie: PixieSystem) -> None:
    """A tool without /cancel is stopped to cancel a run; a second run it was serving ends with
    that reason, not an old error of the tool's or a bare "connection broke"."""
    thread, holder = start_slow_run(pixie, "no-cancel")
    other: dict[str, Any] = {}

    def second() -> None:
        body = {"inputs": {"mode": "slow", "seconds": 20}}
        other["response"] = pixie.http.post("/api/tools/no-cancel/run", json=body, timeout=60).json()

    bystander = threading.Thread(target=second)
    bystander.start()
    wait_until(
        lambda: pixie.get("/api/launcher/state").json()["tools"]["no-cancel"]["in_flight"] == 2,
        timeout=20,
        what="both runs in the tool",
    )
    assert pixie.http.post(f"/api/runs/{holder['run_id']}/cancel").json()["cancelled"] is True
    thread.join(30)
    bystander.join(30)
    assert holder["response"]["status"] == "cancelled"
    error = other["response"]["error"]
    assert other["response"]["status"] == "error"
    assert error["message"] == (
        "Pixie stopped the tool during this run because a run was cancelled and the tool did not stop it."
    )


def test_cancelling_a_queued_run_takes_it_out_of_the_queue_and_leaves_the_tool_alone(
    pixie: PixieSystem,
) -> None:
    thread, holder = start_slow_run(pixie, "one-at-a-time", seconds=3)
    pid = pixie.get("/api/launcher/state").json()["tools"]["one-at-a-time"]["pid"]
    waiting: dict[str, Any] = {}

    def second() -> None:
        body = {"inputs": {"mode": "slow", "seconds": 20}}
        waiting["response"] = pixie.http.post("/api/tools/one-at-a-time/run", json=body, timeout=60).json()

    queued = threading.Thread(target=second)
    queued.start()
    wait_until(
        lambda: pixie.get("/api/launcher/state").json()["tools"]["one-at-a-time"]["queued"] == 1,
        timeout=20,
        what="the second run to wait for the tool",
    )
    newest = pixie.get("/api/tools/one-at-a-time/runs?limit=1").json()["items"][0]["id"]
    assert newest != holder["run_id"]
    # Both are "running"; only one has reached the tool, and the API and the page can tell.
    assert pixie.get(f"/api/runs/{newest}").json()["waiting"] is True
    assert pixie.get(f"/api/runs/{holder['run_id']}").json()["waiting"] is False
    listed = {
        item["id"]: item["waiting"] for item in pixie.get("/api/tools/one-at-a-time/runs").json()["items"]
    }
    assert (listed[newest], listed[holder["run_id"]]) == (True, False)
    assert pixie.get(f"/tool/one-at-a-time/runs/{newest}/waiting").json() == {"waiting": True}
    assert pixie.get(f"/tool/one-at-a-time/runs/{holder['run_id']}/waiting").json() == {"waiting": False}
    started = time.monotonic()
    assert pixie.http.post(f"/api/runs/{newest}/cancel").json()["cancelled"] is True
    queued.join(30)
    assert time.monotonic() - started < 5  # it did not wait for its turn
    assert waiting["response"]["status"] == "cancelled"
    thread.join(30)
    assert holder["response"]["status"] == "ok"  # the run being served was not disturbed
    state = pixie.get("/api/launcher/state").json()["tools"]["one-at-a-time"]
    assert (state["state"], state["pid"]) == ("running", pid)

    def lease_handed_back() -> bool:
        tool = pixie.get("/api/launcher/state").json()["tools"]["one-at-a-time"]
        return bool(tool["in_flight"] == 0 and tool["queued"] == 0)

    wait_until(lease_handed_back, timeout=10, what="the cancelled run's lease to be returned")


def test_cancelling_a_finished_or_unknown_run_is_a_clear_no_op(pixie: PixieSystem) -> None:
    done = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": {"mode": "slow", "seconds": 0}}).json()
    finished = pixie.http.post(f"/api/runs/{done['run_id']}/cancel")
    assert finished.status_code == 200
    assert finished.json() == {
        "run_id": done["run_id"],
        "cancelled": False,
        "status": "ok",
        "message": "The run already ended (ok); there is nothing to cancel.",
    }
    unknown = pixie.http.post("/tool/slow-tool/cancel", data={"run_id": "nope"})
    assert unknown.status_code == 200
    assert "nothing to cancel" in unknown.text


def test_concurrent_false_runs_are_served_one_at_a_time_in_order(pixie: PixieSystem) -> None:
    results: dict[int, dict[str, Any]] = {}

    def call(n: int) -> None:
        results[n] = pixie.http.post(
            "/api/tools/one-at-a-time/run", json={"inputs": {"mode": "slow", "seconds": 0.4}}, timeout=60
        ).json()

    threads = []
    for n in range(3):
        threads.append(threading.Thread(target=call, args=(n,)))
        threads[-1].start()

        def queued(expected: int = n) -> bool:
            tool = pixie.get("/api/launcher/state").json()["tools"]["one-at-a-time"]
            return tool["in_flight"] + tool["queued"] == expected + 1

        wait_until(queued, timeout=20, what=f"run {n} to reach the launcher")
    for thread in threads:
        thread.join(60)
    assert all(results[n]["status"] == "ok" for n in range(3))
    spans = [results[n]["outputs"]["summary"]["pairs"] for n in range(3)]
    for earlier, later in itertools.pairwise(spans):
        assert later["began"] >= earlier["ended"]  # one at a time, in arrival order


def test_the_json_api(pixie: PixieSystem) -> None:
    bad = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": {"mode": "warp", "kb": "x"}})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "INVALID_INPUTS"
    assert set(bad.json()["error"]["fields"]) == {"mode", "kb"}
    message = bad.json()["error"]["message"]
    assert message.startswith("mode: Mode must be one of")
    assert " kb: Size in KiB must be a number" in message
    assert ".;" not in message  # whole sentences, one after another
    unknown = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": {}, "extra": 1})
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (400, "extra")
    listed = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": []})
    assert (listed.status_code, listed.json()["error"]["field"]) == (400, "inputs")
    assert (
        listed.json()["error"]["message"] == "'inputs' must be an object of input values by key, got a list"
    )
    not_json = pixie.http.post(
        "/api/tools/slow-tool/run", content=b"nonsense", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    form = pixie.http.post("/api/tools/slow-tool/run", data={"mode": "canned"})  # curl -d mode=canned
    assert form.status_code == 400
    assert "a form goes to /tool/slow-tool/run" in form.json()["error"]["message"]

    for _ in range(2):  # so that the list below has more than a page of two to go through
        earlier = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": {"mode": "canned"}})
        assert earlier.status_code == 200
    ok = pixie.http.post("/api/tools/slow-tool/run", json={"inputs": {"mode": "canned"}})
    assert ok.status_code == 200
    body = ok.json()
    assert set(body) == {"run_id", "tool_id", "status", "outputs", "error", "duration_ms", "artefacts"}
    assert body["status"] == "ok"
    assert body["error"] is None
    assert body["outputs"]["text"] == "canned"

    listed = pixie.get("/api/tools/slow-tool/runs?limit=2").json()
    assert listed["items"][0]["id"] == body["run_id"]
    assert len(listed["items"]) == 2
    older = pixie.get(
        f"/api/tools/slow-tool/runs?limit=2&before={httpx.QueryParams({'b': listed['next_before']})['b']}"
    )
    assert older.status_code == 200
    assert body["run_id"] not in [item["id"] for item in older.json()["items"]]
    for query, field in (("limit=0", "limit"), ("limit=²", "limit"), ("before=nonsense", "before")):
        refused = pixie.get(f"/api/tools/slow-tool/runs?{query}")
        assert refused.status_code == 400, query
        assert refused.json()["error"]["field"] == field
    assert "next_before" in pixie.get("/api/tools/slow-tool/runs?before=nonsense").json()["error"]["message"]
    assert pixie.get("/api/runs/does-not-exist").status_code in (400, 404)


def test_stream_is_a_yes_no_parameter_read_like_every_other(pixie: PixieSystem) -> None:
    events = read_stream(pixie, "/api/tools/slow-tool/run?stream=yes", {"inputs": {"mode": "canned"}})
    assert events[-1].event == "done"
    plain = pixie.http.post("/api/tools/slow-tool/run?stream=off", json={"inputs": {"mode": "canned"}})
    assert plain.headers["content-type"].startswith("application/json")
    refused = pixie.http.post("/api/tools/slow-tool/run?stream=maybe", json={"inputs": {"mode": "canned"}})
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "stream"


def test_files_are_registered_while_a_stream_is_still_running(pixie: PixieSystem) -> None:
    # A stream of a minute, ended by a cancel once the file is seen: the check for new files runs
    # every 2 s, and a loaded machine must not make the stream end first.
    response = pixie.http.post(
        "/tool/stream-tool/run", data={"shape": "keys", "count": "600", "delay": "0.1"}
    )
    run_id = response.headers["X-Pixie-Run-Id"]

    def registered_while_running() -> bool:
        run = pixie.get(f"/api/runs/{run_id}").json()
        return run["status"] == "running" and [a["filename"] for a in run["artefacts"]] == ["stream-log.txt"]

    wait_until(registered_while_running, timeout=30, what="the artefact to be registered mid-stream")
    assert pixie.http.post(f"/api/runs/{run_id}/cancel").json()["cancelled"] is True
    wait_until(
        lambda: pixie.get(f"/api/runs/{run_id}").json()["status"] == "cancelled", timeout=20, what="the end"
    )
    assert [a["filename"] for a in pixie.get(f"/api/runs/{run_id}").json()["artefacts"]] == ["stream-log.txt"]


def test_a_subscriber_going_away_cancels_the_run(pixie: PixieSystem) -> None:
    with pixie.http.stream(
        "POST",
        "/api/tools/stream-tool/run?stream=1",
        json={"inputs": {"count": 200, "delay": 0.05}},
        timeout=30,
    ) as response:
        run_id = response.headers["X-Pixie-Run-Id"]
        for text in response.iter_text():
            if "event: output" in text:
                break  # close the connection after the first event
    run = wait_until(
        lambda: (r := pixie.get(f"/api/runs/{run_id}").json())["status"] != "running" and r,
        timeout=10,
        what="the run to end",
    )
    assert run["status"] == "cancelled"
    assert len(run["outputs"]["reply"]) < len("w0 ") * 200  # it did not run to the end


def test_a_tool_dying_mid_stream_ends_it_with_an_error(pixie: PixieSystem) -> None:
    events: list[SSEvent] = []

    def follow() -> None:
        events.extend(
            read_stream(
                pixie, "/api/tools/stream-tool/run?stream=1", {"inputs": {"count": 400, "delay": 0.05}}
            )
        )

    thread = threading.Thread(target=follow)
    thread.start()

    def streaming() -> bool:  # a lease is counted while the tool still starts: wait for it to run
        tool = pixie.get("/api/launcher/state").json()["tools"]["stream-tool"]
        return bool(tool["state"] == "running" and tool["in_flight"])

    wait_until(streaming, timeout=30, what="the stream to start")
    pixie.http.post("/api/tools/stream-tool/stop")
    thread.join(30)
    done = json.loads(events[-1].data)
    assert events[-1].event == "done"
    assert done["status"] == "error"
    assert done["error"]["kind"] == "crash"
    assert pixie.get(f"/api/runs/{done['run_id']}").json()["status"] == "error"


def test_a_stream_that_fails_with_a_server_error_reads_as_a_tool_failure(pixie: PixieSystem) -> None:
    """A 500 from /stream is the tool failing while it runs, as a 500 from /run is: its exception
    leads the message and what it printed is the detail, not a "refused" with raw bytes."""
    events = read_stream(pixie, "/api/tools/stream-tool/run?stream=1", {"inputs": {"shape": "broken"}})
    done = json.loads(events[-1].data)
    assert (events[-1].event, done["status"]) == ("done", "error")
    error = done["error"]
    assert error["kind"] == "tool_failed"
    assert error["message"] == (
        "The tool failed with an error (HTTP 500): ZeroDivisionError: division by zero (main.py, line 99)"
    )
    assert "Traceback (most recent call last)" in error["detail"]
    stored = pixie.get(f"/api/runs/{done['run_id']}").json()
    assert (stored["error_kind"], stored["error"]) == ("tool_failed", error["message"])


def test_a_run_followed_twice_goes_on_when_one_follower_leaves(pixie: PixieSystem) -> None:
    """A second tab (or a skill) following the same run keeps it going when the first closes."""
    posted = pixie.http.post(
        "/tool/stream-tool/run", data={"count": "40", "delay": "0.05"}, headers={"HX-Request": "true"}
    )
    run_id = posted.headers["X-Pixie-Run-Id"]
    stays: list[SSEvent] = []
    staying = threading.Thread(
        target=lambda: stays.extend(
            read_stream(pixie, f"/tool/stream-tool/stream?run_id={run_id}", method="GET")
        )
    )
    staying.start()
    with pixie.http.stream("GET", f"/tool/stream-tool/stream?run_id={run_id}", timeout=30) as leaving:
        for text in leaving.iter_text():
            if "event: output" in text:
                break  # this follower goes away after its first event
    staying.join(30)
    assert stays[-1].event == "done"
    record = pixie.get(f"/api/runs/{run_id}").json()
    assert record["status"] == "ok"
    assert record["outputs"]["reply"] == "".join(f"w{n} " for n in range(40))


def test_a_tool_dying_mid_stream_shows_what_it_printed_during_that_run(pixie: PixieSystem) -> None:
    """The launcher's record of the death holds the process's last lines, here an earlier run's
    traceback: the run that died shows its own."""
    read_stream(pixie, "/api/tools/stream-tool/run?stream=1", {"inputs": {"shape": "broken"}})
    events = read_stream(pixie, "/api/tools/stream-tool/run?stream=1", {"inputs": {"shape": "dies"}})
    done = json.loads(events[-1].data)
    assert (events[-1].event, done["status"]) == ("done", "error")
    error = done["error"]
    assert error["kind"] == "crash"
    assert "exited with code 3" in error["message"]
    assert "runs-tool: dying mid-stream" in error["detail"]
    assert "ZeroDivisionError" not in error["detail"]
