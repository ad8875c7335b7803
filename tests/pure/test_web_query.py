"""Every /api route names the query parameters it reads; any other is a 400 naming it.

Checked in process with Quart's test client: the check runs before a route's peers are asked,
so no store or launcher is needed (routes that pass it answer 503 here, which is the point).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import zmq.asyncio
from quart import Quart

from pixie_web.app import create_app
from pixie_web.peers import Peers
from pixie_web.query import unknown_parameter
from pixie_web.runs.runner import Runner
from shared.config import load_settings
from shared.wire import Endpoints

pytestmark = pytest.mark.timeout(30)

SAMPLE_ARGS = {"tool_id": "demo", "run_id": "abc", "job_id": "1", "artefact_id": "1", "workspace_id": "1"}


@pytest_asyncio.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[Quart, str]]:
    settings = load_settings({"PIXIE_DATA_DIR": str(tmp_path / "data")}, tmp_path)
    context = zmq.asyncio.Context()
    try:
        peers = Peers(context, Endpoints.for_data_dir(settings.data_dir))
        runner = Runner(settings, peers, httpx.AsyncClient())
        yield create_app(settings, peers, runner, asyncio.Event()), f"127.0.0.1:{settings.port}"
    finally:
        context.destroy(linger=0)


def api_routes(app: Quart) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule
            for name, value in SAMPLE_ARGS.items():
                path = path.replace(f"<{name}>", value).replace(f"<id:{name}>", value)
            for method in sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"}):
                found.append((method, path))
    return found


async def test_an_unknown_parameter_is_refused_on_every_api_route(app: tuple[Quart, str]) -> None:
    quart_app, host = app
    client = quart_app.test_client()
    routes = api_routes(quart_app)
    assert len(routes) >= 38
    for method, path in routes:
        response = await client.open(path + "?zzz_typo=1", method=method, headers={"Host": host})
        body: Any = await response.get_json()
        assert response.status_code == 400, (method, path, body)
        assert body["error"]["field"] == "zzz_typo", (method, path)
        assert "unknown parameter 'zzz_typo'" in body["error"]["message"]


@pytest.mark.parametrize(
    ("path", "takes"),
    [
        ("/api/tools", "archived, tag, workspace"),
        ("/api/tools/demo/runs", "before, limit"),
        ("/api/artefacts/1/file", "download"),
        ("/api/runs/abc/export", "none"),
    ],
)
async def test_the_message_lists_what_the_address_takes(
    app: tuple[Quart, str], path: str, takes: str
) -> None:
    quart_app, host = app
    response = await quart_app.test_client().get(path + "?oops=1", headers={"Host": host})
    body: Any = await response.get_json()
    assert body["error"]["message"] == f"unknown parameter 'oops' (this address takes: {takes})"


async def test_known_parameters_pass_to_the_route(app: tuple[Quart, str]) -> None:
    quart_app, host = app
    client = quart_app.test_client()
    for path in ("/api/artefacts?page=2&tool=x", "/api/tools/demo/runs?limit=5", "/api/tools?tag=a"):
        response = await client.get(path, headers={"Host": host})
        assert response.status_code == 503, path  # past the check, to a route whose peers are down


def test_unknown_parameter_names_the_first_unknown_one() -> None:
    assert unknown_parameter(["a", "b"], ["a", "b"]) is None
    assert unknown_parameter([], []) is None
    assert unknown_parameter(["z", "y", "a"], ["a"]) == "unknown parameter 'y' (this address takes: a)"
