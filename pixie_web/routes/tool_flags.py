"""Favourite and archive: how a person arranges the sidebar.

A favourite is listed first; an archived tool leaves the sidebar (and the quick switcher) but
keeps its folder, runs and files, and comes back from the Settings page. Both are real forms
that go back where they came from; with htmx the button swaps itself.
"""

from __future__ import annotations

from quart import Blueprint, Response, redirect, render_template, request
from quart.typing import ResponseReturnValue

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.tools import ToolProblem

blueprint = Blueprint("tool_flags", __name__)


def _back(default: str, given: str | None) -> str:
    """Only a path on this site (never another origin) is a place to go back to."""
    if given and given.startswith("/") and not given.startswith("//"):
        return given
    return default


async def _set(tool_id: str, flag: str) -> ResponseReturnValue:
    current = state()
    record = current.peers.tool(tool_id)
    if record is None:
        raise ToolProblem(404, "NOT_FOUND", f"There is no tool called {tool_id!r}.")
    form = await request.form
    value = form.get("value") == "1"
    await current.shell.set_flag(record["id"], flag, value)
    if request.headers.get("HX-Request") == "true" and flag == "favourite":
        return await render_template("tool/favourite.html", tool_id=record["id"], favourite=value)
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect(_back(f"/tool/{record['id']}", form.get("back")), 303)


@blueprint.post("/tool/<tool_id>/favourite")
@requires(STORE, LAUNCHER)
async def favourite(tool_id: str) -> ResponseReturnValue:
    return await _set(tool_id, "favourite")


@blueprint.post("/tool/<tool_id>/archive")
@requires(STORE, LAUNCHER)
async def archive(tool_id: str) -> ResponseReturnValue:
    return await _set(tool_id, "archived")
