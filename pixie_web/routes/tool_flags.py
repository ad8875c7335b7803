"""Favourite, archive and tags: how a person arranges the sidebar.

A favourite is listed first; an archived tool leaves the sidebar (and the quick switcher) but
keeps its folder, runs and files, and comes back from the Settings page. Tags label a tool for
``/api/tools?tag=``. All are real forms that go back where they came from; with htmx the
favourite button swaps itself.
"""

from __future__ import annotations

import re

from quart import Blueprint, redirect, request
from quart.typing import ResponseReturnValue

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import respond_error
from pixie_web.fragments import render_fragment
from pixie_web.library_filters import TAG_PATTERN
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.responses import no_content
from pixie_web.tools import known_tool

TAG_SEPARATORS = re.compile(r"[\s,]+")

blueprint = Blueprint("tool_flags", __name__)


def back_to(default: str, given: str | None) -> str:
    """Only a path on this site (never another origin) is a place to go back to."""
    if given and given.startswith("/") and not given.startswith("//"):
        return given
    return default


async def _set(tool_id: str, flag: str) -> ResponseReturnValue:
    current = state()
    record = known_tool(current.peers, tool_id)
    form = await request.form
    value = form.get("value") == "1"
    await current.shell.set_flag(record["id"], flag, value)
    if request.headers.get("HX-Request") == "true" and flag == "favourite":
        return await render_fragment("tool/favourite.html", tool_id=record["id"], favourite=value)
    if request.headers.get("HX-Request") == "true":
        response = no_content()
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect(back_to(f"/tool/{record['id']}", form.get("back")), 303)


@blueprint.post("/tool/<tool_id>/favourite")
@requires(STORE, LAUNCHER)
async def favourite(tool_id: str) -> ResponseReturnValue:
    return await _set(tool_id, "favourite")


@blueprint.post("/tool/<tool_id>/archive")
@requires(STORE, LAUNCHER)
async def archive(tool_id: str) -> ResponseReturnValue:
    return await _set(tool_id, "archived")


@blueprint.post("/tool/<tool_id>/tags")
@requires(STORE, LAUNCHER)
async def tags(tool_id: str) -> ResponseReturnValue:
    """The form's ``tags`` (separated by commas or spaces) become the tool's tags; a bad tag is a
    400 page naming it, and nothing changes."""
    current = state()
    record = known_tool(current.peers, tool_id)
    form = await request.form
    wanted = list(dict.fromkeys(tag.lower() for tag in TAG_SEPARATORS.split(form.get("tags", "")) if tag))
    bad = [tag for tag in wanted if not TAG_PATTERN.fullmatch(tag)]
    if bad:
        message = (
            f"{bad[0]!r} is not a tag: a tag is 1 to 32 of a-z, 0-9, - and _ (commas or spaces go between "
            f"tags). The tags of {record['name']} were not changed."
        )
        return await respond_error(400, "BAD_REQUEST", message, "That is not a tag")
    have = (await current.shell.organisation()).tags_of(str(record["id"]))
    add = [tag for tag in wanted if tag not in have]
    remove = [tag for tag in have if tag not in wanted]
    if add or remove:
        change = {"tool_id": record["id"], "add": add, "remove": remove}
        await current.shell.change("tools.tags.update", change)
    return redirect(back_to(f"/tool/{record['id']}", form.get("back")), 303)
