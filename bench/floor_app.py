"""The least a run through Pixie's architecture can cost: a bench-only stand-in for the web process.

``bench/run_overhead.py`` starts this beside a running Pixie and measures it beside Pixie. It
runs on the web process's stack (Quart under Hypercorn on uvloop, the tool called with the web
process's own loopback HTTP client, PX1 to the same store and launcher) and does only the steps
that the runs issue and the architecture ask of every run, each in the most direct way, with
none of Pixie's checks (inputs, answers, secrets, sizes), error handling or drawing:

* ``POST /relay/<port>``: the posted body goes to the tool's ``/run`` and its answer comes back
  as it is; the cost of a process between the caller and the tool, and nothing more.
* ``POST /json/<tool id>``: the run's record stored (``runs.create``) and a launcher lease taken
  (``tools.acquire``), the two requests sent together, and the run's folder made (mode 0700)
  while they travel, since the tool may only be called once all three are done; then the call,
  the answer decoded (a run keeps its outputs), the folder listed for files the tool wrote; and
  after the answer is sent, the lease returned and the record finished with the outputs.
* ``POST /html/<tool id>``: as ``json`` with the inputs read from a form, and the answer's values
  written into a page fragment, one JSON data block each: what any output panel that carries
  its charts' data must at least do.

Run as ``python -m bench.floor_app <port> <data dir> <artefacts dir>``: the data dir of the
running Pixie (to reach its store and launcher) and a folder for the runs' folders.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import uvloop
import zmq.asyncio
from hypercorn.asyncio import serve
from hypercorn.config import Config
from hypercorn.typing import ASGIFramework, ASGIReceiveCallable, ASGISendCallable, Scope
from quart import Quart, Response, request

from pixie_web.runs.transport import LoopbackTransport
from shared.wire import Endpoints, RpcClient

HOLDER = f"bench-floor-{os.getpid()}"
Inputs = dict[str, Any]


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def data_block(key: str, value: Any) -> str:
    """One value as a script element's JSON, escaped so that no string in it can end the element."""
    text = orjson.dumps(value).decode()
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        if char in text:
            text = text.replace(char, escaped)
    return f'<script type="application/json" id="data-{key}">{text}</script>'


class AfterAnswer:
    """Runs work once the response is sent, as the web process does with a run's record (the
    bench sends one request at a time, so the queue is not per request)."""

    def __init__(self, app: ASGIFramework) -> None:
        self.app = app
        self.queued: list[Callable[[], Awaitable[Any]]] = []
        self.tasks: set[asyncio.Task[Any]] = set()

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        await self.app(scope, receive, send)
        queued, self.queued = self.queued, []
        for work in queued:
            task = asyncio.ensure_future(work())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)


def create_app(data_dir: Path, runs_dir: Path) -> tuple[Quart, AfterAnswer]:
    app = Quart(__name__)
    after = AfterAnswer(app.asgi_app)
    tools = LoopbackTransport()
    context = zmq.asyncio.Context()
    endpoints = Endpoints.for_data_dir(data_dir)
    store = RpcClient(context, endpoints.store_rpc, name="store")
    launcher = RpcClient(context, endpoints.launcher_rpc, name="launcher")

    @app.before_serving
    async def connect() -> None:
        await store.start()
        await launcher.start()

    async def run(tool_id: str, inputs: Inputs) -> tuple[bytes, Any]:
        run_id = uuid.uuid4().hex
        record = store.call("runs.create", {"tool_id": tool_id, "run_id": run_id, "inputs": inputs})
        lease = launcher.call("tools.acquire", {"tool_id": tool_id, "run_id": run_id, "holder": HOLDER})
        both = asyncio.gather(record, lease)
        await asyncio.sleep(0)  # both requests leave now
        folder = runs_dir / run_id
        folder.mkdir(mode=0o700)
        _, granted = await both
        pixie = {"run_id": run_id, "artefacts_dir": str(folder)}
        body = orjson.dumps({"run_id": run_id, "inputs": inputs, **inputs, "_pixie": pixie})
        headers = [
            ("Content-Type", "application/json"),
            ("X-Pixie-Run-Id", run_id),
            ("X-Pixie-Artefacts-Dir", str(folder)),
        ]
        answer = await tools.post(granted["port"], "/run", body, headers, timeout=60)
        outputs = orjson.loads(answer.content)
        files = list(os.scandir(folder))
        if answer.status_code != 200 or files:
            raise RuntimeError(f"the floor takes plain runs: HTTP {answer.status_code}, {len(files)} files")

        async def finish() -> None:
            release = {"tool_id": tool_id, "lease_id": granted["lease_id"], "holder": HOLDER}
            await asyncio.gather(
                launcher.call("tools.release", release),
                store.call("runs.finish", {"run_id": run_id, "status": "ok", "outputs": outputs}),
            )

        after.queued.append(finish)
        return answer.content, outputs

    @app.post("/relay/<int:port>")
    async def relay(port: int) -> Response:
        headers = [("Content-Type", "application/json")]
        answer = await tools.post(
            port, "/run", await request.get_data(True, False, False), headers, timeout=60
        )
        return Response(answer.content, content_type="application/json")

    @app.post("/json/<tool_id>")
    async def json_floor(tool_id: str) -> Response:
        body = orjson.loads(await request.get_data(True, False, False))
        content, _ = await run(tool_id, body["inputs"])
        return Response(content, content_type="application/json")

    @app.post("/html/<tool_id>")
    async def html_floor(tool_id: str) -> Response:
        form = await request.form
        _, outputs = await run(tool_id, {key: _number_or_text(value) for key, value in form.items()})
        page = "\n".join(data_block(key, value) for key, value in outputs.items())
        return Response(page, content_type="text/html; charset=utf-8")

    return app, after


def main() -> None:
    port, data_dir, runs_dir = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = None
    config.include_server_header = False
    runs_dir.mkdir(parents=True, exist_ok=True)
    _, after = create_app(data_dir, runs_dir)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(after, config))


if __name__ == "__main__":
    main()
