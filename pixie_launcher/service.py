"""Wiring of the launcher process: the launcher, its publisher, and the ops it answers."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from pixie_launcher import tool_secrets
from pixie_launcher.launcher import Launcher
from pixie_launcher.overrides import POOL_FIELDS
from pixie_launcher.preferences import Preferences
from pixie_launcher.supervisor import ToolSupervisor
from pixie_launcher.validation.pipeline import Options
from pixie_launcher.validation_desk import ValidationDesk
from shared.service import ServiceContext, run_service
from shared.wire import Args, Request, RpcClient, RpcServer, StatePublisher, bad_request, not_found
from shared.wire.state import SNAPSHOT_OP

log = logging.getLogger("pixie.launcher")

SHUTDOWN_CAP = 4.0
ID_MAX = 200
LOG_LINES_MAX = 5000
OUTPUT_LINES = 80  # of what a tool printed during a run that failed: a long traceback fits


class LauncherOps:
    """The launcher's PX1 ops; each takes a request and returns JSON-ready data."""

    def __init__(self, launcher: Launcher, validations: ValidationDesk, preferences: Preferences) -> None:
        self.launcher = launcher
        self.validations = validations
        self.preferences = preferences
        self._dotenv_edits = asyncio.Lock()  # one read-modify-write of a .env at a time

    def handlers(self) -> dict[str, Any]:
        return {
            SNAPSHOT_OP: self.snapshot,
            "tools.list": self.list_tools,
            "tools.get": self.get_tool,
            "tools.rescan": self.rescan,
            "tools.start": self.start_tool,
            "tools.stop": self.stop_tool,
            "tools.logs": self.tool_logs,
            "tools.set_pinned": self.set_pinned,
            "tools.overrides.set": self.set_overrides,
            "tools.secrets.list": self.list_secrets,
            "tools.secrets.set": self.set_secret,
            "pool.get": self.get_pool,
            "pool.set": self.set_pool,
            "tools.acquire": self.acquire,
            "tools.release": self.release,
            "leases.heartbeat": self.heartbeat,
            "launcher.state": self.state,
            "validation.run": self.validate,
            "validation.start_all": self.validate_all,
        }

    def _tool(self, args: Args) -> ToolSupervisor:
        name = args.text("tool_id", max_length=ID_MAX)
        supervisor = self.launcher.get(name)
        if supervisor is None:
            raise not_found(f"no tool {name!r} in {self.launcher.settings.tools_dir}")
        return supervisor

    @staticmethod
    def _time_left(request: Request) -> float:
        return max(0.0, request.deadline - time.time() - 0.05)

    async def snapshot(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return self.launcher.publisher.snapshot()

    async def list_tools(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return {"items": [s.record() for s in self.launcher.supervisors.values()]}

    async def get_tool(self, request: Request) -> dict[str, Any]:
        args = Args(request.args)
        supervisor = self._tool(args)
        args.done()
        return supervisor.record()

    async def rescan(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        await self.launcher.sync()
        return {"tools": len(self.launcher.supervisors)}

    async def start_tool(self, request: Request) -> dict[str, Any]:
        """Start a tool by hand (this also clears FATAL) and wait until it is running."""
        args = Args(request.args)
        supervisor = self._tool(args)
        args.done()
        await supervisor.ensure_running(timeout=self._time_left(request), manual=True)
        return supervisor.record()

    async def stop_tool(self, request: Request) -> dict[str, Any]:
        """``reason`` completes "stopped because …" in its log and in what other runs of the tool
        are told when the stop ends them."""
        args = Args(request.args)
        supervisor = self._tool(args)
        reason = args.text("reason", default="someone asked for it to stop", max_length=200)
        args.done()
        await supervisor.stop(reason=reason)
        return supervisor.record()

    async def tool_logs(self, request: Request) -> dict[str, Any]:
        """The end of the tool's log (secrets already masked as it was written)."""
        args = Args(request.args)
        supervisor = self._tool(args)
        limit = args.integer("limit", default=200, minimum=1, maximum=LOG_LINES_MAX)
        args.done()
        lines = await asyncio.to_thread(supervisor.log.tail, limit)
        return {"tool_id": supervisor.tool_id, "lines": lines}

    async def set_pinned(self, request: Request) -> dict[str, Any]:
        args = Args(request.args)
        supervisor = self._tool(args)
        pinned = args.boolean("pinned")
        args.done()
        await self.preferences.set_pinned(supervisor.tool_id, pinned)
        return supervisor.record()

    async def set_overrides(self, request: Request) -> dict[str, Any]:
        """Replace the tool's overrides (a field left out or null follows tool.json and the
        settings again); stored first, then applied at once."""
        args = Args(request.args)
        supervisor = self._tool(args)
        raw = args.mapping("overrides")
        args.done()
        await self.preferences.set_overrides(supervisor.tool_id, raw)
        return supervisor.record()

    async def list_secrets(self, request: Request) -> dict[str, Any]:
        args = Args(request.args)
        supervisor = self._tool(args)
        args.done()
        return self._secrets(supervisor)

    async def set_secret(self, request: Request) -> dict[str, Any]:
        """Set or clear (``value`` null) one declared secret in the tool's .env; a warm tool is
        restarted (now if idle, else when its runs end) so the new value takes effect. Neither the
        reply nor any log line holds the value."""
        args = Args(request.args)
        supervisor = self._tool(args)
        key = args.text("key", max_length=128)
        raw_value = args.value("value", default=None)
        args.done()
        try:
            value = tool_secrets.check_request(supervisor.tool.scan.spec, key, raw_value)
        except tool_secrets.SecretError as exc:
            raise bad_request(exc.message, exc.field) from None
        async with self._dotenv_edits:
            changed = await asyncio.to_thread(tool_secrets.set_secret, supervisor.tool.scan.path, key, value)
        restart = None
        if changed and supervisor.warm:
            restart = "when_idle" if supervisor.busy else "now"
            supervisor.restart_soon("its secrets changed")
        log.info("%s: secret %s %s", supervisor.tool_id, key, "cleared" if value is None else "set")
        return {**self._secrets(supervisor), "key": key, "changed": changed, "restart": restart}

    @staticmethod
    def _secrets(supervisor: ToolSupervisor) -> dict[str, Any]:
        items = tool_secrets.secret_states(supervisor.tool.scan.path, supervisor.tool.scan.spec)
        return {"tool_id": supervisor.tool_id, "items": items}

    async def get_pool(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return self.launcher.pool_settings()

    async def set_pool(self, request: Request) -> dict[str, Any]:
        """Change the warm pool's settings at runtime (null: back to the configured value)."""
        args = Args(request.args)
        raw = {field: args.value(field, default=None) for field in POOL_FIELDS if field in args}
        args.done()
        return await self.preferences.set_pool(raw)

    async def acquire(self, request: Request) -> dict[str, Any]:
        """A run lease: waits its turn, starts the tool if needed, returns the port to call."""
        args = Args(request.args)
        supervisor = self._tool(args)
        run_id = args.text("run_id", max_length=64)
        holder = args.text("holder", max_length=64)
        args.done()
        self.launcher.seen(holder)
        lease = await supervisor.leases.acquire(run_id, holder, timeout=self._time_left(request))
        return {**lease, "output_mark": supervisor.output_mark()}

    async def release(self, request: Request) -> dict[str, Any]:
        """Return a lease; ``output_since`` (an acquire's ``output_mark``) also asks for what the
        tool printed during the run, to explain an error it answered with or its death (``pid``,
        the lease's, names the process, which may have exited since)."""
        args = Args(request.args)
        supervisor = self._tool(args)
        lease_id = args.text("lease_id", max_length=64)
        holder = args.text("holder", max_length=64, default=None)
        mark = args.integer("output_since", default=None, minimum=0)
        pid = args.integer("pid", default=None, minimum=1)
        args.done()
        if holder:
            self.launcher.seen(holder)
        released = supervisor.leases.release(lease_id)
        if mark is not None:
            printed = await supervisor.output_since(mark, pid)
            if printed is not None:  # left out when that process is not known any more
                released["output"] = printed[-OUTPUT_LINES:]
        return released

    async def heartbeat(self, request: Request) -> dict[str, Any]:
        args = Args(request.args)
        holder = args.text("holder", max_length=64)
        args.done()
        self.launcher.seen(holder)
        held = sum(s.leases.held_by(holder) for s in self.launcher.supervisors.values())
        return {"holder": holder, "leases": held}

    async def state(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return self.launcher.live_state()

    async def validate(self, request: Request) -> dict[str, Any]:
        """Validate a tool now and return the full report (it is saved in the store too)."""
        args = Args(request.args)
        supervisor = self._tool(args)
        options = Options(
            reference_only=args.boolean("reference_only", default=False),
            fixtures=tuple(args.strings("fixtures", default=[], max_items=50)),
            tags=tuple(args.strings("tags", default=[], max_items=50)),
            build=args.boolean("build", default=True),
        )
        args.done()
        return await self.validations.validate(supervisor, options)

    async def validate_all(self, request: Request) -> dict[str, Any]:
        """Start validating every tool in the background; returns the job to follow."""
        Args(request.args).done()
        return await self.validations.start_job()


async def serve(ctx: ServiceContext) -> None:
    publisher = StatePublisher(ctx.zmq, ctx.endpoints.launcher_pub)
    store = RpcClient(ctx.zmq, ctx.endpoints.store_rpc, name="store")
    async with httpx.AsyncClient(trust_env=False, timeout=5.0) as http:
        launcher = Launcher(ctx.settings, publisher, http)
        validations = ValidationDesk(
            ctx.settings, publisher, store, http, launcher.children, lambda: launcher.supervisors
        )
        preferences = Preferences(launcher, store)
        server = RpcServer(
            ctx.zmq,
            ctx.endpoints.launcher_rpc,
            LauncherOps(launcher, validations, preferences).handlers(),
            name="launcher",
        )
        try:  # start-up inside: a failure there still closes every socket, or the exit would hang
            publisher.start()
            await store.start()
            await launcher.start()
            preferences.start()
            await server.start()
            validations.start()
            log.info("launcher ready: %d tool(s) in %s", len(launcher.supervisors), ctx.settings.tools_dir)
            await ctx.stopping.wait()
        finally:
            log.info("stopping %d tool(s)", sum(1 for s in launcher.supervisors.values() if s.warm))
            try:
                async with asyncio.timeout(SHUTDOWN_CAP):
                    await preferences.close()
                    await validations.close()  # kills the validator's copies of tools
                    await launcher.shutdown()
            except TimeoutError:
                log.error("tools did not all stop within %.0f s", SHUTDOWN_CAP)
            await server.close(grace=0.5)
            await store.close()
            await publisher.close()
            log.info("launcher stopped")


def main() -> None:
    run_service("launcher", serve)
