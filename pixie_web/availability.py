"""Refusing a request early, with a clear 503, when a process it depends on is down."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from quart import Response

from pixie_web.context import state
from pixie_web.errors import respond_error
from pixie_web.peers import describe_missing

P = ParamSpec("P")
R = TypeVar("R")


def requires(*peers: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R | Response]]]:
    """Answer 503 (JSON on /api, a friendly page elsewhere) while any of ``peers`` is down."""

    def decorate(view: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | Response]]:
        @functools.wraps(view)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            missing = state().peers.missing(*peers)
            if missing:
                response = await respond_error(
                    503, "UNAVAILABLE", describe_missing(missing), "Pixie is not fully running"
                )
                response.headers["Retry-After"] = "1"
                return response
            return await view(*args, **kwargs)

        return wrapper

    return decorate
