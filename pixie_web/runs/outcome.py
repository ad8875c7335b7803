"""How a run ended, in words a person can act on, and reading a tool's answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from shared import jsonio
from shared.tool_errors import describe_tool_error, exception_headline
from shared.toolcall import RUN_GRACE
from shared.toolspec import ToolSpec
from shared.wire import ErrorCode, WireError

FailureKind = Literal[
    "tool_error",
    "tool_failed",
    "timeout",
    "crash",
    "start_failed",
    "cancelled",
    "unavailable",
    "artefacts",
    "bad_response",
    "interrupted",
]
# The launcher expires a run's lease at its limit and stops the tool; the web process waits this
# much longer for the answer, so that stop is normally what ends the call, then answers at once.
ANSWER_MARGIN = 0.5
# What a run still in flight when Pixie stops is told, and what its record says.
SHUTDOWN_NOTE = "Pixie stopped while this run was going, so the tool's answer was not waited for."


@dataclass
class Failure:
    kind: FailureKind
    message: str
    detail: str | None = None  # the tool's last output, a build log: shown folded
    field_errors: dict[str, str] = field(default_factory=dict)


@dataclass
class RunResult:
    run_id: str
    tool_id: str
    status: str
    outputs: dict[str, Any] | None
    failure: Failure | None
    started_at: float
    duration_ms: int
    artefacts: list[dict[str, Any]] = field(default_factory=list)
    outputs_json: bytes | None = None  # the tool's answer as it came, when ``outputs`` is that answer


@dataclass
class ActiveRun:
    """A run in progress, as cancel needs to find it."""

    run_id: str
    tool_id: str
    port: int | None = None
    answer: bytes | None = None  # the body of the tool's 200 answer
    cancel_requested: bool = False
    on_cancel: Callable[[], None] | None = None  # wakes a run waiting for its lease
    interrupted: bool = False  # Pixie began stopping before the run ended
    finished: asyncio.Event = field(default_factory=asyncio.Event)


def stored_failure(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """A stored run's failure in the shape ``runs/failure.html`` draws, so a past run's page
    shows it as the run's own panel did: the same title and next step. A run stored before
    ``error_kind`` was kept is named from its status (an unknown kind gets the general title)."""
    if not record.get("error"):
        return None
    status = record.get("status")
    fallback = status if status in ("timeout", "cancelled", "interrupted") else ""
    return {
        "kind": record.get("error_kind") or fallback,
        "message": record["error"],
        "detail": record.get("stderr_tail"),
        "field_errors": {},
    }


def status_of(failure: Failure | None) -> str:
    if failure is None:
        return "ok"
    return {"timeout": "timeout", "cancelled": "cancelled", "interrupted": "interrupted"}.get(
        failure.kind, "error"
    )


def run_limit(spec: ToolSpec, lease: Mapping[str, Any]) -> float:
    """Seconds a run may take, grace included: the launcher's lease says, since it knows a limit
    set on the tool's settings page as well as tool.json's ``max_runtime_seconds``."""
    given = lease.get("expires_in")
    if isinstance(given, int | float) and not isinstance(given, bool) and given > 0:
        return float(given)
    return float(spec.max_runtime_seconds + RUN_GRACE)


def timeout_failure(limit: float) -> Failure:
    """``limit`` is ``run_limit``'s answer: the run's maximum plus the grace."""
    return Failure(
        "timeout",
        f"The run went on past its limit of {limit - RUN_GRACE:g} s "
        f"(max_runtime_seconds, from tool.json or the tool's settings) plus {RUN_GRACE:g} s, "
        "so Pixie stopped it.",
    )


OVERRUN_STOP = "a run took longer than its limit"
CANCEL_STOP = "a run was cancelled and the tool did not stop it"


def _with_cause(summary: str, output: str) -> str:
    """``summary`` followed by the exception the tool's last output ends with, if it shows one:
    a syntax error or a failed import is the reason, where "exited with code 1" is not."""
    headline = exception_headline(output.splitlines())
    return f"{summary}: {headline}" if headline else summary


def crash_of(
    record: Mapping[str, Any] | None, error: Exception, printed: Sequence[str] | None = None
) -> Failure:
    """Why a run's connection broke, from the launcher's record of the tool once it has gone.

    A tool Pixie stopped (``stopped``, with the reason it was given: another run overran or was
    cancelled) says so; a tool that died (``backoff`` or ``fatal``) gives its exit and what it
    printed: ``printed``, the lines of this run, when known, else the record's last lines (which
    may go back to earlier runs). An error kept from an earlier failure is not this run's cause,
    so it is never read for a stop.
    """
    if record is None:
        return Failure(
            "crash",
            "The tool went away during the run: the launcher no longer lists it (its folder was "
            "removed or renamed, or the launcher restarted).",
        )
    state = record.get("state")
    if state in ("stopped", "stopping"):
        reason = record.get("stop_reason")
        because = f" because {reason}" if reason else ""
        return Failure("crash", f"Pixie stopped the tool during this run{because}.")
    if state in ("backoff", "fatal") and record.get("last_error"):
        summary, _, tail = str(record["last_error"]).partition("\n--- last output ---\n")
        if printed is not None:
            tail = "\n".join(printed)
        return Failure(
            "crash", f"The tool stopped during the run: {_with_cause(summary, tail)}", tail or None
        )
    return Failure("crash", f"The tool closed the connection without answering ({type(error).__name__}).")


def start_failure(error: WireError) -> Failure:
    if error.code is ErrorCode.TOOL_FAILED:
        summary, _, tail = error.message.partition("\n")
        return Failure("start_failed", _with_cause(summary, tail), tail or None)
    if error.code in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
        return Failure("unavailable", f"The launcher could not start the tool: {error.message}")
    return Failure("start_failed", error.message)


class Answered(Protocol):
    """A tool's HTTP answer: the loopback client's ``Answer`` or an httpx response."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...


def read_response(response: Answered, spec: ToolSpec) -> tuple[dict[str, Any] | None, Failure | None]:
    input_keys = [item.key for item in spec.inputs]
    if response.status_code >= 400:
        text = describe_tool_error(response.status_code, response.content, input_keys)
        message = f"The tool refused the run (HTTP {response.status_code}): {text.message}"
        return None, Failure("tool_error", message, None, text.field_errors)
    try:
        body = jsonio.loads(response.content)
    except jsonio.JSONDecodeError:
        return None, Failure("bad_response", "The tool answered with something that is not JSON.")
    if not isinstance(body, dict):
        return None, Failure(
            "bad_response", f"The tool answered with JSON {type(body).__name__}, not an object."
        )
    return body, None


def failed_answer(response: Answered, spec: ToolSpec, printed: Sequence[str]) -> Failure:
    """A 5xx answer: the tool failed while running rather than refusing its inputs. What it
    printed meanwhile (a traceback, usually) explains it; its last exception leads the message."""
    text = describe_tool_error(response.status_code, response.content, [item.key for item in spec.inputs])
    said = exception_headline(printed) or text.message
    message = f"The tool failed with an error (HTTP {response.status_code}): {said}"
    return Failure("tool_failed", message, "\n".join(printed) or None, text.field_errors)
