"""Work started during a request waits for that request's answer to be sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pixie_web.after_answer import AfterAnswerMiddleware, after_answer

pytestmark = pytest.mark.timeout(10)

START = {"type": "http.response.start", "status": 200, "headers": []}
BODY = {"type": "http.response.body", "body": b"done", "more_body": False}


async def _receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _serve(app: Any, scope_type: str = "http") -> list[str]:
    events: list[str] = []

    async def send(message: Any) -> None:
        events.append(message["type"])

    await AfterAnswerMiddleware(app)({"type": scope_type}, _receive, send)
    return events


async def test_work_started_by_a_route_runs_after_the_whole_answer_is_sent() -> None:
    work: list[asyncio.Task[None]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def later() -> None:
            await after_answer()
            events.append("work")

        # Quart runs a route in a task of its own; the work is a task started from there.
        async def route() -> None:
            work.append(asyncio.create_task(later()))
            for _ in range(3):
                await asyncio.sleep(0)  # the work has every chance to run early
            await send(START)
            await asyncio.sleep(0)
            await send(BODY)

        await asyncio.create_task(route())

    events = await _serve(app)
    await asyncio.gather(*work)
    assert events == ["http.response.start", "http.response.body", "work"]


async def test_work_is_released_when_the_application_fails() -> None:
    work: list[asyncio.Task[None]] = []
    done = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def later() -> None:
            await after_answer()
            done.set()

        work.append(asyncio.create_task(later()))
        raise RuntimeError("the route broke")

    with pytest.raises(RuntimeError):
        await _serve(app)
    await asyncio.wait_for(done.wait(), 1.0)


async def test_outside_a_request_work_goes_ahead_at_once() -> None:
    await asyncio.wait_for(after_answer(), 0.5)


async def test_a_slow_answer_holds_work_back_at_most_the_longest_wait() -> None:
    released = asyncio.Event()
    finish_answer = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def later() -> None:
            await after_answer(longest=0.05)
            released.set()

        task = asyncio.create_task(later())
        await asyncio.wait_for(released.wait(), 2.0)  # released while the answer is still owed
        finish_answer.set()
        await task
        await send(START)
        await send(BODY)

    events = await _serve(app)
    assert finish_answer.is_set()
    assert events == ["http.response.start", "http.response.body"]


async def test_a_waiter_cancelled_does_not_cancel_the_answer_for_others() -> None:
    outcomes: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def later(name: str) -> None:
            await after_answer()
            outcomes.append(name)

        first = asyncio.create_task(later("first"))
        second = asyncio.create_task(later("second"))
        await asyncio.sleep(0)
        first.cancel()
        await send(START)
        await send(BODY)
        await asyncio.gather(first, return_exceptions=True)
        tasks.append(second)

    tasks: list[asyncio.Task[None]] = []
    await _serve(app)
    await asyncio.gather(*tasks)
    assert outcomes == ["second"]


async def test_websocket_and_lifespan_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])
        await after_answer()  # no request answer to wait for

    await asyncio.wait_for(_serve(app, "lifespan"), 1.0)
    assert seen == ["lifespan"]
