"""Defences of a server that has no login: DNS rebinding and cross-site requests.

Pixie listens on loopback only, but any web page the user visits can still make the browser send
requests to it. Two checks, applied to every request before routing:

* ``Host`` must name this server (its loopback address or ``localhost``, with its port). A page
  that rebinds its own domain to 127.0.0.1 still sends its domain as Host, so it gets 400.
* A request that changes state (POST, PUT, PATCH, DELETE) whose ``Origin`` is another site, or
  whose ``Sec-Fetch-Site`` says cross-site or same-site, gets 403. curl and skills send neither
  header, so they keep working.
* A read that another site's page makes the browser send gets 403 too, unless it is a link
  followed to one of Pixie's pages (a top-level navigation outside ``/api``). Some reads do
  work: ``GET /api/tools/<id>/validate`` (the seed's method) starts a copy of the tool, and an
  autocomplete starts the tool; an ``<img>`` pointing there must not.

``check_request`` is pure; ``GuardMiddleware`` applies it as ASGI middleware.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hypercorn.typing import (
    ASGIFramework,
    ASGIReceiveCallable,
    ASGISendCallable,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Scope,
    WebsocketCloseEvent,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host header values that name this server (lower case)."""
    literal = f"[{host}]" if ":" in host else host
    names = {literal, "localhost"}
    values = {f"{name}:{port}" for name in names}
    if port == 80:
        values |= names
    return frozenset(values)


def check_request(
    method: str,
    host: str | None,
    origin: str | None,
    fetch_site: str | None,
    hosts: frozenset[str],
    *,
    path: str = "/",
    fetch_mode: str | None = None,
    fetch_dest: str | None = None,
) -> Rejection | None:
    """``fetch_*`` are the browser's ``Sec-Fetch-*`` headers, which no page can set."""
    if host is None or host.strip().lower() not in hosts:
        shown = "no Host header" if host is None else f"Host {host!r}"
        return Rejection(
            400,
            "BAD_HOST",
            f"{shown} does not name this server; use http://{sorted(hosts)[0]}",
        )
    trusted_site = fetch_site is None or fetch_site.strip().lower() in TRUSTED_FETCH_SITES
    if method.upper() in SAFE_METHODS:
        if trusted_site or _followed_link(method, path, fetch_mode, fetch_dest):
            return None
        return Rejection(403, "CROSS_SITE", "other sites may link to Pixie's pages, but not read from it")
    if not trusted_site:
        return Rejection(403, "CROSS_SITE", "requests that change data must come from Pixie's own pages")
    if origin is not None and not (origin.strip() == "null" and fetch_site == "same-origin"):
        # A browser sends "Origin: null" with some of our own forms' posts (a form in a page
        # served without a referrer); its Sec-Fetch-Site, which no page can set, vouches for it.
        allowed_origins = {f"http://{value}" for value in hosts}
        if origin.strip().lower() not in allowed_origins:
            return Rejection(
                403, "CROSS_SITE", f"requests that change data must come from Pixie's own pages, not {origin}"
            )
    return None


def _followed_link(method: str, path: str, fetch_mode: str | None, fetch_dest: str | None) -> bool:
    """A page opened from another site's link: the whole tab, never a frame, and not the API."""
    return (
        method.upper() in ("GET", "HEAD")
        and fetch_mode == "navigate"
        and fetch_dest == "document"
        and not (path == "/api" or path.startswith("/api/"))
    )


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class GuardMiddleware:
    def __init__(self, app: ASGIFramework, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        method = scope.get("method", "GET") if scope["type"] == "http" else "POST"
        rejection = check_request(
            method,
            _header(headers, b"host"),
            _header(headers, b"origin"),
            _header(headers, b"sec-fetch-site"),
            self.hosts,
            path=str(scope.get("path", "/")),
            fetch_mode=_header(headers, b"sec-fetch-mode"),
            fetch_dest=_header(headers, b"sec-fetch-dest"),
        )
        if rejection is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await _reject(rejection, scope, send)
        else:
            close: WebsocketCloseEvent = {"type": "websocket.close", "code": 1008, "reason": None}
            await send(close)


async def _reject(rejection: Rejection, scope: Any, send: ASGISendCallable) -> None:
    if str(scope.get("path", "")).startswith("/api"):
        payload = {"error": {"code": rejection.code, "message": rejection.message}}
        body, content_type = json.dumps(payload).encode(), b"application/json"
    else:
        body, content_type = (rejection.message + "\n").encode(), b"text/plain; charset=utf-8"
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": rejection.status,
        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)
