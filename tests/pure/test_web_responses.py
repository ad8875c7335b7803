"""Answers without a body are sent from the event loop, not through Quart's thread pool."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pytest
from quart import Response

from pixie_web.responses import no_content

pytestmark = pytest.mark.timeout(30)
ROUTES = Path(__file__).parents[2] / "pixie_web"


async def _send(response: Response, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, int]:
    """The body as Quart sends it, and how many times it asked the thread pool for a piece."""
    loop = asyncio.get_running_loop()
    original = loop.run_in_executor
    hops = 0

    def counting(executor: Executor | None, func: Any, *args: Any) -> Any:
        nonlocal hops
        hops += 1
        return original(executor, func, *args)

    monkeypatch.setattr(loop, "run_in_executor", counting)
    async with response.response as body:
        chunks = [chunk async for chunk in body]
    return b"".join(chunks), hops


async def test_no_content_is_sent_without_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    response = no_content()
    assert response.status_code == 204
    assert "Content-Type" not in response.headers
    assert await _send(response, monkeypatch) == (b"", 0)


async def test_a_bodiless_response_would_use_the_thread_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why ``no_content`` exists; if Quart stops doing this, the helper can go."""
    assert await _send(Response(status=204), monkeypatch) == (b"", 1)


def test_no_module_makes_a_response_without_a_body() -> None:
    bodiless = re.compile(r"\bResponse\(\s*(status=|None\b|\))")
    offenders = [
        f"{path.relative_to(ROUTES.parent)}:{number}"
        for path in sorted(ROUTES.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if bodiless.search(line)
    ]
    assert offenders == []
