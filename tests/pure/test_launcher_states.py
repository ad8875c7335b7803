"""Every arrow of the tool state machine, as a table: (state, event) -> (state, actions)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pixie_launcher.states import (
    BACKOFF_MAX,
    MAX_ATTEMPTS,
    MIN_UPTIME,
    Action,
    EnvironmentFailed,
    EnvironmentReady,
    Event,
    Exited,
    FilesChanged,
    Next,
    Ready,
    Runtime,
    Spawned,
    Start,
    StartFailed,
    State,
    Stop,
    StopOverdue,
    Used,
    backoff_delay,
    start_step,
    transition,
)

S = State
A = Action
NOW = 1000.0

# A typical runtime for each state, as the supervisor would have it.
RUNTIMES = {
    S.STOPPED: Runtime(),
    S.PROVISIONING: Runtime(state=S.PROVISIONING),
    S.STARTING: Runtime(state=S.STARTING, pid=41, port=5001, started_at=NOW - 1),
    S.RUNNING: Runtime(state=S.RUNNING, pid=41, port=5001, started_at=NOW - 60, ready_at=NOW - 59),
    S.BACKOFF: Runtime(state=S.BACKOFF, attempts=2, retry_at=NOW - 0.1, last_error="boom"),
    S.STOPPING: Runtime(state=S.STOPPING, pid=41, port=5001),
    S.FATAL: Runtime(state=S.FATAL, attempts=MAX_ATTEMPTS, last_error="boom"),
}

EVENTS: dict[str, Event] = {
    "start": Start(NOW),
    "start_env": Start(NOW, needs_environment=True),
    "start_manual": Start(NOW, manual=True),
    "env_ready": EnvironmentReady(NOW),
    "env_failed": EnvironmentFailed(NOW, "uv sync failed"),
    "spawned": Spawned(NOW, pid=77, port=6001),
    "ready": Ready(NOW),
    "start_failed": StartFailed(NOW, "no answer from /healthz within 30 s"),
    "exited": Exited(NOW, exit_code=3, signal=None, error="exited with code 3"),
    "stop": Stop(NOW),
    "stop_overdue": StopOverdue(NOW),
    "used": Used(NOW),
    "files_changed": FilesChanged(NOW),
}

# Every pair not listed leaves the runtime unchanged with no action.
CHANGES: dict[tuple[State, str], tuple[State, tuple[Action, ...]]] = {
    (S.STOPPED, "start"): (S.STARTING, (A.SPAWN,)),
    (S.STOPPED, "start_env"): (S.PROVISIONING, (A.PROVISION,)),
    (S.STOPPED, "start_manual"): (S.STARTING, (A.SPAWN,)),
    (S.PROVISIONING, "env_ready"): (S.STARTING, (A.SPAWN,)),
    (S.PROVISIONING, "env_failed"): (S.FATAL, ()),
    (S.PROVISIONING, "stop"): (S.STOPPED, (A.CANCEL_PROVISION,)),
    (S.STARTING, "spawned"): (S.STARTING, ()),
    (S.STARTING, "ready"): (S.RUNNING, ()),
    (S.STARTING, "start_failed"): (S.BACKOFF, (A.KILL,)),
    (S.STARTING, "exited"): (S.BACKOFF, ()),
    (S.STARTING, "stop"): (S.STOPPING, (A.TERMINATE,)),
    (S.RUNNING, "exited"): (S.BACKOFF, ()),
    (S.RUNNING, "stop"): (S.STOPPING, (A.TERMINATE,)),
    (S.RUNNING, "used"): (S.RUNNING, ()),
    (S.BACKOFF, "start"): (S.STARTING, (A.SPAWN,)),
    (S.BACKOFF, "start_env"): (S.PROVISIONING, (A.PROVISION,)),
    (S.BACKOFF, "start_manual"): (S.STARTING, (A.SPAWN,)),
    (S.BACKOFF, "stop"): (S.STOPPED, ()),
    (S.BACKOFF, "files_changed"): (S.STOPPED, ()),
    (S.STOPPING, "exited"): (S.STOPPED, ()),
    (S.STOPPING, "stop_overdue"): (S.STOPPING, (A.KILL,)),
    (S.FATAL, "start_manual"): (S.STARTING, (A.SPAWN,)),
    (S.FATAL, "files_changed"): (S.STOPPED, ()),
}


@pytest.mark.parametrize(
    ("state", "event_name"),
    [(state, name) for state in State for name in EVENTS],
    ids=[f"{state}-{name}" for state in State for name in EVENTS],
)
def test_every_state_and_event(state: State, event_name: str) -> None:
    before = RUNTIMES[state]
    result = transition(before, EVENTS[event_name])
    expected = CHANGES.get((state, event_name))
    if expected is None:
        assert result.runtime == before
        assert result.actions == ()
    else:
        assert (result.state, result.actions) == expected


def test_the_table_has_no_stale_rows() -> None:
    assert {state for state, _ in CHANGES} <= set(State)
    assert {name for _, name in CHANGES} <= set(EVENTS)


def test_previous_state_is_recorded_on_change_only() -> None:
    running = transition(RUNTIMES[S.STARTING], Ready(NOW)).runtime
    assert (running.state, running.previous) == (S.RUNNING, S.STARTING)
    used = transition(running, Used(NOW + 5)).runtime
    assert used.previous == S.STARTING
    assert used.last_used_at == NOW + 5


def test_spawn_and_ready_record_pid_port_and_times() -> None:
    starting = transition(Runtime(), Start(NOW)).runtime
    spawned = transition(starting, Spawned(NOW + 1, pid=77, port=6001)).runtime
    ready = transition(spawned, Ready(NOW + 2)).runtime
    assert (ready.pid, ready.port, ready.started_at, ready.ready_at, ready.last_used_at) == (
        77,
        6001,
        NOW + 1,
        NOW + 2,
        NOW + 2,
    )


@pytest.mark.parametrize("needs_environment", [False, True])
def test_a_start_counts_as_a_use_so_an_old_idle_time_cannot_stop_it(needs_environment: bool) -> None:
    stopped = Runtime(state=S.STOPPED, last_used_at=NOW - 3600)  # last used an hour ago
    starting = transition(stopped, Start(NOW, needs_environment=needs_environment)).runtime
    assert starting.state in (S.STARTING, S.PROVISIONING)
    assert starting.last_used_at == NOW


def test_exit_while_starting_records_the_reason_and_backs_off() -> None:
    result = transition(RUNTIMES[S.STARTING], Exited(NOW, 3, None, "exited with code 3: bad import")).runtime
    assert result.state is S.BACKOFF
    assert (result.exit_code, result.last_error, result.attempts) == (3, "exited with code 3: bad import", 1)
    assert (result.pid, result.port) == (None, None)
    assert result.retry_at == NOW + backoff_delay(1)


def test_crash_while_running_records_the_signal() -> None:
    result = transition(RUNTIMES[S.RUNNING], Exited(NOW, None, 9, "killed by SIGKILL")).runtime
    assert (result.state, result.exit_signal, result.exit_code) == (S.BACKOFF, 9, None)


def test_repeated_failures_end_in_fatal() -> None:
    runtime = Runtime()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        now = NOW + attempt * 100
        runtime = transition(runtime, Start(now)).runtime
        assert runtime.state is S.STARTING
        runtime = transition(runtime, Exited(now + 0.5, 1, None, f"failure {attempt}")).runtime
    assert runtime.state is S.FATAL
    assert runtime.attempts == MAX_ATTEMPTS
    assert runtime.last_error == f"failure {MAX_ATTEMPTS}"
    assert transition(runtime, Start(NOW + 10_000)).runtime == runtime  # requests do not clear it
    assert transition(runtime, Start(NOW + 10_000, manual=True)).runtime.attempts == 0


def test_backoff_makes_an_early_start_wait() -> None:
    waiting = replace(RUNTIMES[S.BACKOFF], retry_at=NOW + 4)
    assert transition(waiting, Start(NOW)).runtime == waiting
    assert waiting.start_delay(NOW) == 4
    assert waiting.start_delay(NOW + 5) == 0
    assert transition(waiting, Start(NOW + 4)).state is S.STARTING


def test_a_long_healthy_run_forgives_earlier_failures() -> None:
    shaky = replace(RUNTIMES[S.RUNNING], attempts=4, ready_at=NOW - MIN_UPTIME)
    assert transition(shaky, Exited(NOW, 1, None, "crash")).runtime.attempts == 1
    brief = replace(RUNTIMES[S.RUNNING], attempts=4, ready_at=NOW - 1)
    assert transition(brief, Exited(NOW, 1, None, "crash")).state is S.FATAL


def test_a_requested_stop_is_not_a_failure() -> None:
    stopped = transition(RUNTIMES[S.STOPPING], Exited(NOW, None, 15, "terminated")).runtime
    assert (stopped.state, stopped.attempts, stopped.last_error, stopped.exit_signal) == (
        S.STOPPED,
        0,
        None,
        15,
    )


def test_environment_failure_keeps_the_build_log() -> None:
    fatal = transition(RUNTIMES[S.PROVISIONING], EnvironmentFailed(NOW, "uv: no solution")).runtime
    assert (fatal.state, fatal.last_error) == (S.FATAL, "uv: no solution")


@pytest.mark.parametrize(
    ("attempts", "delay"), [(0, 0.0), (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (20, BACKOFF_MAX)]
)
def test_backoff_grows_and_is_capped(attempts: int, delay: float) -> None:
    assert backoff_delay(attempts) == delay


# start_step: (state, attempted, manual, back-off left, time left) -> what the caller does next.
LATER = replace(RUNTIMES[S.BACKOFF], retry_at=NOW + 4)


@pytest.mark.parametrize(
    ("runtime", "attempted", "manual", "time_left", "expected"),
    [
        (RUNTIMES[S.RUNNING], False, False, 10, (Next.USE, 0.0)),
        (RUNTIMES[S.RUNNING], True, False, 0, (Next.USE, 0.0)),
        (RUNTIMES[S.STOPPED], False, False, 10, (Next.START, 0.0)),
        (RUNTIMES[S.BACKOFF], False, False, 10, (Next.START, 0.0)),  # its back-off is over
        (LATER, False, False, 10, (Next.PAUSE, 4.0)),
        (LATER, False, False, 3, (Next.REFUSE, 0.0)),  # the back-off outlasts the deadline
        (RUNTIMES[S.FATAL], False, False, 10, (Next.REFUSE, 0.0)),
        (RUNTIMES[S.FATAL], False, True, 10, (Next.START, 0.0)),  # a person asked
        (RUNTIMES[S.PROVISIONING], False, False, 10, (Next.JOIN, 0.0)),
        (RUNTIMES[S.STARTING], False, False, 10, (Next.JOIN, 0.0)),
        (RUNTIMES[S.STARTING], True, False, 10, (Next.JOIN, 0.0)),
        (RUNTIMES[S.STOPPING], False, False, 10, (Next.WAIT, 0.0)),
        # After its one attempt, a caller is told why it failed instead of trying again.
        (RUNTIMES[S.STOPPED], True, False, 10, (Next.REFUSE, 0.0)),
        (RUNTIMES[S.BACKOFF], True, False, 10, (Next.REFUSE, 0.0)),
        (RUNTIMES[S.FATAL], True, True, 10, (Next.REFUSE, 0.0)),
    ],
)
def test_start_step(
    runtime: Runtime, attempted: bool, manual: bool, time_left: float, expected: tuple[Next, float]
) -> None:
    step = start_step(runtime, name="Demo", attempted=attempted, manual=manual, now=NOW, time_left=time_left)
    assert (step.next, step.delay) == expected
    assert (step.message != "") == (step.next is Next.REFUSE)


@pytest.mark.parametrize(
    ("runtime", "attempted", "time_left", "words"),
    [
        (RUNTIMES[S.BACKOFF], True, 10, "Demo could not start: boom"),
        (replace(RUNTIMES[S.STOPPED], last_error=None), True, 10, "Demo could not start: it was stopped"),
        (RUNTIMES[S.FATAL], False, 10, f"Demo failed {MAX_ATTEMPTS} times in a row"),
        (RUNTIMES[S.FATAL], False, 10, "Last error: boom. Fix the tool"),
        # A failed environment build is fatal at once, with no count of attempts to give.
        (replace(RUNTIMES[S.FATAL], attempts=0), False, 10, "Demo could not be set up, so Pixie stopped"),
        (LATER, False, 3, "Demo failed recently and may be started again in 4.0 s. Last error: boom"),
    ],
)
def test_a_refusal_says_why(runtime: Runtime, attempted: bool, time_left: float, words: str) -> None:
    step = start_step(runtime, name="Demo", attempted=attempted, manual=False, now=NOW, time_left=time_left)
    assert step.next is Next.REFUSE
    assert words in step.message
