"""A small PX1 peer run as a real process by the wire tests: ``python -m tests.support.wire_peer DIR``.

It serves ``echo``, ``sleep`` and ``set``/``delete`` (which publish state) on ``DIR/peer.rpc`` and
publishes on ``DIR/peer.pub``, and prints ``ready <epoch>`` once both sockets are bound.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import zmq.asyncio

from shared.wire import Args, Request, RpcServer, StatePublisher
from shared.wire.state import SNAPSHOT_OP


async def main(run_dir: Path) -> None:
    context = zmq.asyncio.Context()
    publisher = StatePublisher(context, f"ipc://{run_dir / 'peer.pub'}")

    async def echo(request: Request) -> Any:
        return request.args

    async def sleep(request: Request) -> Any:
        await asyncio.sleep(Args(request.args).integer("ms") / 1000)
        return "slept"

    async def set_item(request: Request) -> Any:
        args = Args(request.args)
        publisher.set(args.text("key"), args.value("value"))
        return publisher.seq

    async def snapshot(request: Request) -> Any:
        return publisher.snapshot()

    handlers = {"echo": echo, "sleep": sleep, "set": set_item, SNAPSHOT_OP: snapshot}
    server = RpcServer(context, f"ipc://{run_dir / 'peer.rpc'}", handlers, name="peer")
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    publisher.start()
    await server.start()
    print("ready", publisher.epoch, flush=True)
    await stopping.wait()
    await server.close()
    await publisher.close()
    context.destroy(linger=0)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
