"""The query parameters each /api route reads; any other is a 400 naming it.

A skill that writes ``?limt=5`` or ``?format=tar`` should hear about it, not get a plausible
answer that ignored it. Each API route names what it reads with ``accepts`` next to its path;
one hook checks every /api request against that before the route runs, so a route that names
nothing takes nothing, and no route can forget the check. Pages are left alone: browsers and
people add parameters to page addresses freely.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from quart import Quart, Response, request

from pixie_web.errors import api_error

V = TypeVar("V", bound=Callable[..., object])
ATTRIBUTE = "pixie_query_params"


def accepts(*names: str) -> Callable[[V], V]:
    """Mark an /api view with the query parameters it reads."""

    def mark(view: V) -> V:
        setattr(view, ATTRIBUTE, frozenset(names))
        return view

    return mark


def unknown_parameter(given: Collection[str], known: Collection[str]) -> str | None:
    """The message for the first parameter (alphabetically) that is not ``known``, or None."""
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return None
    listed = ", ".join(sorted(known)) if known else "none"
    return f"unknown parameter {unknown[0]!r} (this address takes: {listed})"


def install(app: Quart) -> None:
    @app.before_request
    async def check_query() -> Response | None:
        if not request.args or not request.path.startswith("/api/") or request.url_rule is None:
            return None  # most requests carry no query: nothing to look up
        view = app.view_functions.get(request.url_rule.endpoint)
        known: frozenset[str] = getattr(view, ATTRIBUTE, frozenset())
        message = unknown_parameter(request.args.keys(), known)
        if message is None:
            return None
        first = sorted(set(request.args) - known)[0]
        return api_error(400, "BAD_REQUEST", message, field=first)
