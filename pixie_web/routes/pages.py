"""HTML pages."""

from __future__ import annotations

from quart import Blueprint, render_template

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@requires(STORE, LAUNCHER)
async def index() -> str:
    current = state()
    tools = current.peers.tools()
    return await render_template(
        "index.html",
        tools=tools,
        broken=[tool for tool in tools if tool["state"] == "broken"],
        tools_dir=current.settings.tools_dir,
    )
