"""The life of one tool process, as a pure state machine.

``transition(runtime, event)`` returns the next ``Runtime`` and the actions the supervisor must
carry out (build the environment, spawn, signal the process group). Nothing here touches a
process, a socket or the clock: every event carries its own ``now``, so each arrow of the
machine is a row in a table-driven test.

Tools are started on demand. A tool that fails to start, or dies while running, waits out a
growing back-off before the next request may start it again; after ``MAX_ATTEMPTS`` failures in
a row it is FATAL, and stays so until its files change or someone starts it by hand. A tool
that stayed up for ``MIN_UPTIME`` has its failure count forgiven.

    STOPPED ──start──▶ PROVISIONING ──env ready──▶ STARTING ──healthy──▶ RUNNING
       ▲                    │ env failed             │ exit/timeout        │ exit
       │                    ▼                        ▼                     ▼
       └──────stop──── FATAL ◀──too many── BACKOFF ◀─────────────────────┘
    STARTING/RUNNING ──stop──▶ STOPPING ──exit──▶ STOPPED
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class State(StrEnum):
    STOPPED = "stopped"
    PROVISIONING = "provisioning"
    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"
    STOPPING = "stopping"
    FATAL = "fatal"


class Action(StrEnum):
    PROVISION = "provision"  # build or rebuild the tool's environment
    CANCEL_PROVISION = "cancel_provision"
    SPAWN = "spawn"  # start the process and wait for it to become healthy
    TERMINATE = "terminate"  # SIGTERM to the process group; KILL follows if it overstays
    KILL = "kill"  # SIGKILL to the process group


MAX_ATTEMPTS = 5
MIN_UPTIME = 10.0
BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
STOP_GRACE = 5.0


def backoff_delay(attempts: int) -> float:
    """Seconds to wait before start number ``attempts + 1`` after ``attempts`` failures."""
    if attempts <= 0:
        return 0.0
    return float(min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (attempts - 1)))


@dataclass(frozen=True)
class Runtime:
    """What the launcher knows about a tool's process. Times are Unix seconds."""

    state: State = State.STOPPED
    previous: State | None = None
    pid: int | None = None
    port: int | None = None
    started_at: float | None = None
    ready_at: float | None = None
    stopped_at: float | None = None
    last_used_at: float | None = None
    attempts: int = 0
    retry_at: float | None = None
    last_error: str | None = None
    exit_code: int | None = None
    exit_signal: int | None = None

    def start_delay(self, now: float) -> float:
        """How long a start request must wait (only BACKOFF makes it wait)."""
        if self.state is State.BACKOFF and self.retry_at is not None:
            return max(0.0, self.retry_at - now)
        return 0.0


# Events. Each carries the time it happened.


@dataclass(frozen=True)
class Start:
    now: float
    needs_environment: bool = False
    manual: bool = False  # a person asked: also clears FATAL


@dataclass(frozen=True)
class EnvironmentReady:
    now: float


@dataclass(frozen=True)
class EnvironmentFailed:
    now: float
    error: str


@dataclass(frozen=True)
class Spawned:
    now: float
    pid: int
    port: int


@dataclass(frozen=True)
class Ready:
    now: float


@dataclass(frozen=True)
class StartFailed:
    """The process is alive but never became healthy (timeout, wrong answer)."""

    now: float
    error: str


@dataclass(frozen=True)
class Exited:
    now: float
    exit_code: int | None
    signal: int | None
    error: str  # what to tell the user if this exit was a failure


@dataclass(frozen=True)
class Stop:
    now: float


@dataclass(frozen=True)
class StopOverdue:
    """The process outlived the stop grace after SIGTERM."""

    now: float


@dataclass(frozen=True)
class Used:
    now: float


@dataclass(frozen=True)
class FilesChanged:
    now: float


Event = (
    Start
    | EnvironmentReady
    | EnvironmentFailed
    | Spawned
    | Ready
    | StartFailed
    | Exited
    | Stop
    | StopOverdue
    | Used
    | FilesChanged
)


@dataclass(frozen=True)
class Transition:
    runtime: Runtime
    actions: tuple[Action, ...] = ()

    @property
    def state(self) -> State:
        return self.runtime.state


def _move(runtime: Runtime, state: State, **changes: object) -> Runtime:
    previous = runtime.state if state is not runtime.state else runtime.previous
    return replace(runtime, state=state, previous=previous, **changes)  # type: ignore[arg-type]


def _failed(runtime: Runtime, now: float, error: str, **changes: object) -> Runtime:
    """A start or a run failed: back off, or give up after too many failures in a row."""
    attempts = runtime.attempts + 1
    common = {"attempts": attempts, "last_error": error, "pid": None, "port": None, "stopped_at": now}
    common.update(changes)
    if attempts >= MAX_ATTEMPTS:
        return _move(runtime, State.FATAL, retry_at=None, **common)
    return _move(runtime, State.BACKOFF, retry_at=now + backoff_delay(attempts), **common)


def _begin(runtime: Runtime, event: Start, *, attempts: int) -> Transition:
    # Asking for a start is a use: the idle clock runs from it, not from a run before the tool
    # last stopped (the reaper would otherwise stop a tool with a short warm-keep mid-start).
    base = {
        "attempts": attempts,
        "retry_at": None,
        "exit_code": None,
        "exit_signal": None,
        "last_used_at": event.now,
    }
    if event.needs_environment:
        return Transition(_move(runtime, State.PROVISIONING, **base), (Action.PROVISION,))
    return Transition(_move(runtime, State.STARTING, started_at=None, **base), (Action.SPAWN,))


def _start(runtime: Runtime, event: Start) -> Transition:
    state = runtime.state
    if state is State.STOPPED:
        return _begin(runtime, event, attempts=runtime.attempts)
    if state is State.BACKOFF and runtime.start_delay(event.now) == 0:
        return _begin(runtime, event, attempts=runtime.attempts)
    if state is State.FATAL and event.manual:
        return _begin(runtime, event, attempts=0)
    return Transition(runtime)  # already on its way, waiting out a back-off, or FATAL


def _exited(runtime: Runtime, event: Exited) -> Transition:
    exit_facts = {"exit_code": event.exit_code, "exit_signal": event.signal}
    if runtime.state is State.STOPPING:
        return Transition(
            _move(runtime, State.STOPPED, pid=None, port=None, stopped_at=event.now, **exit_facts)
        )
    if runtime.state is State.STARTING:
        return Transition(_failed(runtime, event.now, event.error, **exit_facts))
    if runtime.state is State.RUNNING:
        ready_at = runtime.ready_at if runtime.ready_at is not None else event.now
        if event.now - ready_at >= MIN_UPTIME:
            runtime = replace(runtime, attempts=0)  # it had been healthy: forgive older failures
        return Transition(_failed(runtime, event.now, event.error, **exit_facts))
    return Transition(runtime)  # a process we had already given up on


def transition(runtime: Runtime, event: Event) -> Transition:
    """The next runtime and the actions to carry out; events that do not apply change nothing."""
    state = runtime.state
    match event:
        case Start():
            return _start(runtime, event)
        case EnvironmentReady() if state is State.PROVISIONING:
            return Transition(_move(runtime, State.STARTING), (Action.SPAWN,))
        case EnvironmentFailed() if state is State.PROVISIONING:
            failed = _move(runtime, State.FATAL, last_error=event.error, retry_at=None, stopped_at=event.now)
            return Transition(failed)
        case Spawned() if state is State.STARTING:
            return Transition(replace(runtime, pid=event.pid, port=event.port, started_at=event.now))
        case Ready() if state is State.STARTING:
            return Transition(_move(runtime, State.RUNNING, ready_at=event.now, last_used_at=event.now))
        case StartFailed() if state is State.STARTING:
            return Transition(_failed(runtime, event.now, event.error), (Action.KILL,))
        case Exited():
            return _exited(runtime, event)
        case Stop() if state is State.PROVISIONING:
            return Transition(_move(runtime, State.STOPPED, stopped_at=event.now), (Action.CANCEL_PROVISION,))
        case Stop() if state in (State.STARTING, State.RUNNING):
            return Transition(_move(runtime, State.STOPPING), (Action.TERMINATE,))
        case Stop() if state is State.BACKOFF:
            return Transition(_move(runtime, State.STOPPED, attempts=0, retry_at=None))
        case StopOverdue() if state is State.STOPPING:
            return Transition(runtime, (Action.KILL,))
        case Used() if state is State.RUNNING:
            return Transition(replace(runtime, last_used_at=event.now))
        case FilesChanged() if state in (State.BACKOFF, State.FATAL):
            return Transition(_move(runtime, State.STOPPED, attempts=0, retry_at=None))
    return Transition(runtime)


# What a caller that needs the tool RUNNING does next. The supervisor loops over this while it
# waits (sleeping, starting, or waiting for the next change); the decisions live here, apart
# from the waiting, so each is a row in a table.


class Next(StrEnum):
    USE = "use"  # the tool is RUNNING
    REFUSE = "refuse"  # it cannot be made to run now: ``message`` says why
    PAUSE = "pause"  # wait ``delay`` seconds (a back-off), then ask again
    START = "start"  # send a Start event: this is the caller's attempt
    JOIN = "join"  # an attempt is under way: wait for it, and count it as the caller's own
    WAIT = "wait"  # wait for the next change (a stop finishing, say)


@dataclass(frozen=True)
class StartStep:
    next: Next
    message: str = ""
    delay: float = 0.0


def start_step(
    runtime: Runtime, *, name: str, attempted: bool, manual: bool, now: float, time_left: float
) -> StartStep:
    """The next step for a caller that needs ``name`` RUNNING within ``time_left`` seconds.

    A caller makes at most one attempt (``attempted``: it started one, or joined one under way),
    so a tool that fails to start fails that caller at once instead of being retried until the
    deadline. ``manual`` (a person asked) may start a FATAL tool.
    """
    state = runtime.state
    if state is State.RUNNING:
        return StartStep(Next.USE)
    settled = state in (State.STOPPED, State.BACKOFF, State.FATAL)
    if attempted and settled:
        return StartStep(Next.REFUSE, f"{name} could not start: {runtime.last_error or 'it was stopped'}")
    if state is State.FATAL and not manual:
        # A failed environment build is fatal at once (a rebuild would fail the same way).
        what = f"failed {runtime.attempts} times in a row" if runtime.attempts else "could not be set up"
        return StartStep(
            Next.REFUSE,
            f"{name} {what}, so Pixie stopped retrying. "
            f"Last error: {runtime.last_error}. Fix the tool (any change to its files clears "
            "this) or start it again.",
        )
    if settled:
        delay = runtime.start_delay(now)
        if delay <= 0:
            return StartStep(Next.START)
        if delay > time_left:
            return StartStep(
                Next.REFUSE,
                f"{name} failed recently and may be started again in {delay:.1f} s. "
                f"Last error: {runtime.last_error}",
            )
        return StartStep(Next.PAUSE, delay=delay)
    if state in (State.PROVISIONING, State.STARTING):
        return StartStep(Next.JOIN)
    return StartStep(Next.WAIT)
