"""The checks that talk to the validator's running copy over HTTP: /schema, a sample run, /stream.

A sample run is called exactly as the web process calls a run (``shared.toolcall``), and a
streaming tool's stream is read with the same rules the dashboard uses (``shared.toolstream``),
so what passes here is what works for a person.
"""

from __future__ import annotations

import asyncio
import codecs
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher.validation.report import Check, failed, passed, skipped, warned
from shared import jsonio
from shared.tool_errors import describe_tool_error
from shared.toolcall import RUN_GRACE, request_body, request_headers, unwrap_outputs
from shared.toolspec import ToolSpec
from shared.toolspec.drift import schema_drift
from shared.toolstream.events import apply_update, is_streaming, normalise_event
from shared.toolstream.sse import SSEParser

SCHEMA_TIMEOUT = 5.0
FIRST_EVENT_WITHIN = 10.0
BODY_SHOWN = 2000


def run_timeout(spec: ToolSpec) -> float:
    """How long a sample run may take: the tool's validator override, else its runtime limit + 5 s."""
    if spec.validator_timeout_override:
        return float(spec.validator_timeout_override)
    return float(spec.max_runtime_seconds) + RUN_GRACE


def _why(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "it timed out"
    return f"the connection failed ({type(exc).__name__})"


async def check_schema(http: httpx.AsyncClient, base_url: str, on_disk: Any) -> Check:
    name = "schema_matches_disk"
    try:
        response = await http.get(f"{base_url}/schema", timeout=SCHEMA_TIMEOUT)
    except httpx.HTTPError as exc:
        return failed(name, f"GET /schema failed: {_why(exc)}.")
    if response.status_code != 200:
        return failed(name, f"GET /schema answered HTTP {response.status_code}; it must serve tool.json.")
    try:
        served = jsonio.loads(response.content)
    except jsonio.JSONDecodeError:
        return failed(name, "GET /schema did not answer JSON; it must serve tool.json.")
    drift = schema_drift(on_disk, served)
    if drift:
        places = "place" if len(drift) == 1 else "places"
        return warned(
            name,
            f"GET /schema differs from tool.json in {len(drift)} {places}; the form is drawn from tool.json.",
            drift,
        )
    return passed(name, "GET /schema serves exactly what tool.json says.")


@dataclass
class SampleRun:
    """The sample run's checks, the tool's answer, and the outputs to check for shape."""

    run: Check
    answer: Any = None
    outputs: dict[str, Any] | None = None
    streaming: Check | None = None


async def post_run(
    http: httpx.AsyncClient,
    base_url: str,
    run_id: str,
    inputs: Mapping[str, Any],
    folder: Path,
    timeout: float,
) -> tuple[Any, str | None, str | None]:
    """POST /run; returns (decoded answer, problem, body text shown with the problem)."""
    body = jsonio.dumps(request_body(run_id, inputs, folder))
    headers = {"Content-Type": "application/json", **request_headers(run_id, folder)}
    try:
        response = await http.post(f"{base_url}/run", content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return None, f"POST /run failed: {_why(exc)} (limit {timeout:g} s)", None
    text = response.text[:BODY_SHOWN]
    if response.status_code != 200:
        said = describe_tool_error(response.status_code, response.content).message
        return None, f"POST /run answered HTTP {response.status_code}: {said}", text
    try:
        answer = jsonio.loads(response.content)
    except jsonio.JSONDecodeError:
        return None, "POST /run answered 200 but its body is not JSON", text
    return answer, None, None


async def sample_run(
    http: httpx.AsyncClient, base_url: str, spec: ToolSpec, inputs: Mapping[str, Any], folder: Path
) -> SampleRun:
    run_id = f"validate-{uuid.uuid4().hex[:12]}"
    timeout = run_timeout(spec)
    started = time.monotonic()
    answer, problem, shown = await post_run(http, base_url, run_id, inputs, folder, timeout)
    if problem is not None:
        details = {"inputs": dict(inputs), "body": shown} if shown is not None else {"inputs": dict(inputs)}
        return SampleRun(failed("sample_input_run", f"{problem}.", details))
    took = time.monotonic() - started
    run = passed("sample_input_run", f"POST /run with sample inputs answered 200 JSON in {took:.2f} s.")
    if not isinstance(answer, dict):
        return SampleRun(run, answer, None)
    outputs = dict(unwrap_outputs(spec, answer))
    if not is_streaming(spec):
        return SampleRun(run, answer, outputs)
    streamed, streaming = await follow_stream(http, base_url, spec, run_id, answer, timeout)
    if streaming.status == "skip":
        return SampleRun(run, answer, outputs, streaming)
    declared = {output.key for output in spec.outputs}
    for key, value in streamed.items():
        if key in declared:
            outputs[key] = value
    return SampleRun(run, answer, outputs, streaming)


async def follow_stream(
    http: httpx.AsyncClient,
    base_url: str,
    spec: ToolSpec,
    run_id: str,
    answer: Mapping[str, Any],
    limit: float,
) -> tuple[dict[str, Any], Check]:
    """Read ``/stream`` for the sample run; fall back to the run id the tool echoed in its answer
    (some tools written for the original make up their own)."""
    outcome = await _read_stream(http, base_url, spec, run_id, limit)
    echoed = next((answer[key] for key in ("run_id", "id") if isinstance(answer.get(key), str)), None)
    if outcome.first_event_after is None and echoed and echoed != run_id:
        retry = await _read_stream(http, base_url, spec, echoed, limit)
        if retry.first_event_after is not None:
            outcome = retry
    if outcome.absent and not any(output.streaming for output in spec.outputs):
        return {}, skipped(
            "streaming_check",
            "The tool serves no GET /stream, and none of its outputs has streaming: true, so Pixie "
            "shows its log, progress and stream_text outputs from the /run answer.",
        )
    return outcome.outputs, outcome.check()


@dataclass
class _StreamOutcome:
    outputs: dict[str, Any]
    first_event_after: float | None = None
    events: int = 0
    ended: str = ""
    problem: str | None = None
    absent: bool = False  # /stream answered 404 or 405: the tool has none

    def check(self) -> Check:
        name = "streaming_check"
        if self.first_event_after is None:
            return failed(name, self.problem or f"GET /stream sent no event within {FIRST_EVENT_WITHIN:g} s.")
        summary = (
            f"GET /stream sent its first event {self.first_event_after:.2f} s after it was opened "
            f"({self.events} event{'s' if self.events != 1 else ''}, {self.ended})."
        )
        if self.problem:
            return warned(name, f"{summary} But: {self.problem}")
        return passed(name, summary)


async def _read_stream(
    http: httpx.AsyncClient, base_url: str, spec: ToolSpec, run_id: str, limit: float
) -> _StreamOutcome:
    """Read the stream until it says done or closes: the first event must come within 10 s, the
    whole stream within the run's limit."""
    outcome = _StreamOutcome({})
    loop = asyncio.get_running_loop()
    opened = loop.time()
    try:
        async with asyncio.timeout(FIRST_EVENT_WITHIN) as deadline:
            await _consume(http, base_url, spec, run_id, outcome, lambda: deadline.reschedule(opened + limit))
    except TimeoutError:
        if outcome.first_event_after is None:
            outcome.problem = f"GET /stream?run_id={run_id} sent no event within {FIRST_EVENT_WITHIN:g} s."
        else:
            outcome.ended = "still open"
            outcome.problem = f"the stream was still open after {limit:g} s, so reading stopped."
    except httpx.HTTPError as exc:
        if outcome.first_event_after is None:
            outcome.problem = f"GET /stream?run_id={run_id} failed: {_why(exc)}."
        else:
            outcome.ended = "broken off"
            outcome.problem = f"the stream broke off: {_why(exc)}."
    return outcome


async def _consume(
    http: httpx.AsyncClient,
    base_url: str,
    spec: ToolSpec,
    run_id: str,
    outcome: _StreamOutcome,
    on_first_event: Callable[[], None],
) -> None:
    declared = {output.key: output for output in spec.outputs}
    parser = SSEParser()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # characters split across chunks
    opened = time.monotonic()
    timeout = httpx.Timeout(None, connect=5.0)  # the caller's deadline bounds the whole read
    async with http.stream("GET", f"{base_url}/stream", params={"run_id": run_id}, timeout=timeout) as reply:
        if reply.status_code != 200:
            outcome.absent = reply.status_code in (404, 405)
            outcome.problem = f"GET /stream?run_id={run_id} answered HTTP {reply.status_code}."
            return
        async for chunk in reply.aiter_bytes():
            for event in parser.feed(decoder.decode(chunk)):
                outcome.events += 1
                if outcome.first_event_after is None:
                    outcome.first_event_after = time.monotonic() - opened
                    on_first_event()
                normalised = normalise_event(spec, event)
                for update in normalised.updates:
                    current = outcome.outputs.get(update.output_key)
                    outcome.outputs[update.output_key] = apply_update(
                        current, declared[update.output_key], update
                    )
                if normalised.error:
                    outcome.problem = f"the tool reported an error in its stream: {normalised.error}"
                if normalised.done:
                    outcome.ended = "ended with done"
                    return
    outcome.ended = "closed by the tool"
