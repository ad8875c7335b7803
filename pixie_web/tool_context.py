"""What a tool's pages show around the form: its status and badge, and its recent runs."""

from __future__ import annotations

from typing import Any

from pixie_web.context import WebState
from pixie_web.sidebar import SidebarTool, sidebar_tool
from shared.wire import WireError

RECENT_RUNS = 20


async def head_and_history(current: WebState, record: dict[str, Any]) -> dict[str, Any]:
    """``head`` (the tool's dot and badge, as the sidebar shows them), ``runs`` (its recent runs,
    newest first; empty when the store cannot say) and ``runs_before`` (where older runs start,
    or None when there are no more)."""
    try:
        flags = (await current.shell.flags()).get(str(record["id"]), {})
    except WireError:
        flags = {}
    head: SidebarTool = sidebar_tool(record, flags)
    await current.runner.settled()
    try:
        page = await current.peers.store.call(
            "runs.list", {"tool_id": record["id"], "limit": RECENT_RUNS, "brief": True}
        )
        runs: list[dict[str, Any]] = page["items"]
        runs_before: str | None = page.get("next_before")
    except WireError:
        runs, runs_before = [], None
    return {"head": head, "runs": runs, "runs_before": runs_before}
