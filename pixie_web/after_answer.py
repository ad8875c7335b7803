"""Work a request starts that its answer should not wait for.

A run's record is finished (and its large values written to files) after the tool has answered,
in a task of its own. Started as a plain task, that work still went ahead of the answer: the
event loop runs the new task's first step before the route resumes, so a large result was
encoded and measured before the person saw it. Such work awaits ``after_answer()`` first,
which the middleware lets through once the application has sent its whole response, or
failed to.

The future travels in a context variable: Quart runs the route in a task of its own and the
route starts more, and each new task copies the context it was made in.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import ContextVar

from hypercorn.typing import ASGIFramework, ASGIReceiveCallable, ASGISendCallable, Scope

LONGEST_WAIT = 5.0
_answered: ContextVar[asyncio.Future[None] | None] = ContextVar("pixie_answer_sent", default=None)


async def after_answer(longest: float = LONGEST_WAIT) -> None:
    """Wait until the current request's answer is sent: at once outside a request, and never
    longer than ``longest`` seconds (a slow reader does not hold the work up for good, and code
    that waits for this work within the same request is late rather than stuck)."""
    answered = _answered.get()
    if answered is not None and not answered.done():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(answered), longest)


class AfterAnswerMiddleware:
    def __init__(self, app: ASGIFramework) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        token = _answered.set(answered)
        try:
            await self.app(scope, receive, send)
        finally:
            _answered.reset(token)
            answered.set_result(None)
