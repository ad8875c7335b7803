"""Tool routes of the JSON API, including how a person organises tools (favourite, pin, archive,
tags, workspaces).

``pin`` is the launcher's keep-warm pin (``pinned_warm``), as in the original Pixie's API ("pin =
keep warm"); the store's separate ``pinned`` column is not used by anything and not exposed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quart import Blueprint, Response, jsonify, request

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.json_body import BodyProblem, boolean_value, json_object, wire_problem
from pixie_web.library_filters import TAG_PATTERN
from pixie_web.organisation import Organisation
from pixie_web.params import flag, whole_number
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.query import accepts
from pixie_web.tools import find_tool, known_tool
from shared.wire import WireError

blueprint = Blueprint("api_tools", __name__)
blueprint.register_error_handler(WireError, wire_problem)

# What each organisation route sets, as the flag name the store and ``Shell`` use.
FLAG_OF_ROUTE = {"favourite": "favourite", "pin": "pinned_warm", "archive": "archived"}


def organisation_json(
    tool_id: str, flags: Mapping[str, bool] | None, organisation: Organisation
) -> dict[str, Any]:
    """A tool's organisation state: the reply of the organisation routes and part of /api/tools."""
    flags = flags or {}
    return {
        "favourite": bool(flags.get("favourite")),
        "pinned": bool(flags.get("pinned_warm")),
        "archived": bool(flags.get("archived")),
        "tags": list(organisation.tags_of(tool_id)),
        "workspaces": [item.id for item in organisation.workspaces_of(tool_id)],
    }


class Filters:
    """``/api/tools`` query filters; raises ``BodyProblem`` (400 naming the parameter)."""

    NAMES = ("workspace", "tag", "archived")

    def __init__(self, args: Mapping[str, str], organisation: Organisation | None) -> None:
        self.workspace: frozenset[str] | None = None
        self.tag = args.get("tag", "").strip().lower() or None
        if self.tag is not None and not TAG_PATTERN.fullmatch(self.tag):
            message = f"parameter 'tag' must be a tag (a-z, 0-9, - and _, at most 32), got {args['tag']!r}"
            raise BodyProblem(message, "tag")
        self.archived: bool | None = None
        raw_archived = args.get("archived")
        if raw_archived is not None:
            self.archived = flag(raw_archived)
            if self.archived is None:
                message = f"parameter 'archived' must be true or false, got {raw_archived!r}"
                raise BodyProblem(message, "archived")
        raw_workspace = args.get("workspace")
        if raw_workspace is not None:
            workspace_id = whole_number(raw_workspace)
            if workspace_id is None:
                raise BodyProblem(
                    f"parameter 'workspace' must be a workspace id, got {raw_workspace!r}", "workspace"
                )
            workspace = organisation.get(workspace_id) if organisation else None
            if workspace is None:
                raise BodyProblem(f"there is no workspace {raw_workspace}", "workspace")
            self.workspace = frozenset(workspace.tool_ids)

    @property
    def any(self) -> bool:
        return self.workspace is not None or self.tag is not None or self.archived is not None

    def keep(self, item: Mapping[str, Any]) -> bool:
        if self.workspace is not None and item["id"] not in self.workspace:
            return False
        if self.tag is not None and self.tag not in item["tags"]:
            return False
        return self.archived is None or item["archived"] is self.archived


def _validation_summary(published: dict[str, Any] | None) -> dict[str, Any]:
    """The latest verdict as the launcher publishes it: ``stale`` once the tool's files changed
    after it, ``state`` says whether a validation is queued or running now."""
    keys = ("overall", "timestamp", "stale", "counts", "state")
    if published is None:
        return {"overall": None, "timestamp": None, "stale": False, "counts": None, "state": "idle"}
    return {key: published.get(key) for key in keys}


@blueprint.get("/api/tools")
@accepts(*Filters.NAMES)
@requires(LAUNCHER)
async def list_tools() -> Response:
    """Every discovered tool, archived ones included unless ``archived=false``; filters
    ``workspace`` (id), ``tag`` and ``archived`` need the store (503 without it), and with the
    store down the organisation fields are null rather than guessed."""
    current = state()
    try:
        flags: dict[str, dict[str, bool]] | None = await current.shell.flags()
        organisation: Organisation | None = await current.shell.organisation()
    except WireError:
        flags = organisation = None
    filters = Filters(request.args, organisation)
    if filters.any and organisation is None:
        return api_error(503, "UNAVAILABLE", "the store is not running, so tools cannot be filtered")
    items = []
    for record in current.peers.tools():
        item = {
            "id": record["id"],
            "name": record["name"],
            "description": record["description"],
            "category": record["category"],
            "folder": record["folder"],
            "status": record["state"],
            "errors": record["errors"],
            "validation": _validation_summary(record.get("validation")),
        }
        if flags is None or organisation is None:
            item.update(dict.fromkeys(("favourite", "pinned", "archived", "tags", "workspaces")))
        else:
            item.update(organisation_json(str(record["id"]), flags.get(str(record["id"])), organisation))
        if filters.keep(item):
            items.append(item)
    return jsonify(items)


async def _organisation_reply(tool_id: str) -> Response:
    shell = state().shell
    flags = (await shell.flags()).get(tool_id)
    return jsonify({"tool_id": tool_id, **organisation_json(tool_id, flags, await shell.organisation())})


async def _set_flag(route: str, tool_id: str) -> Response:
    current = state()
    record = known_tool(current.peers, tool_id)
    value = boolean_value(await json_object(("value",), '{"value": true}'))
    flag = FLAG_OF_ROUTE[route]
    if flag == "pinned_warm":  # applied by the launcher at once; it stores the pin too
        await current.peers.launcher.call("tools.set_pinned", {"tool_id": record["id"], "pinned": value})
    await current.shell.set_flag(str(record["id"]), flag, value)
    return await _organisation_reply(str(record["id"]))


@blueprint.post("/api/tools/<tool_id>/favourite")
@requires(STORE, LAUNCHER)
async def favourite(tool_id: str) -> Response:
    """``{"value": true}``: listed first in the sidebar, under Favourites."""
    return await _set_flag("favourite", tool_id)


@blueprint.post("/api/tools/<tool_id>/pin")
@requires(STORE, LAUNCHER)
async def pin(tool_id: str) -> Response:
    """``{"value": true}``: kept warm, never stopped for being idle or to make room."""
    return await _set_flag("pin", tool_id)


@blueprint.post("/api/tools/<tool_id>/archive")
@requires(STORE, LAUNCHER)
async def archive(tool_id: str) -> Response:
    """``{"value": true}``: left out of the sidebar, listed under Settings → Archived tools."""
    return await _set_flag("archive", tool_id)


@blueprint.post("/api/tools/<tool_id>/tags")
@requires(STORE, LAUNCHER)
async def tags(tool_id: str) -> Response:
    """``{"add": [...], "remove": [...]}``, applied together; tags are lowercased."""
    record = known_tool(state().peers, tool_id)
    body = await json_object(("add", "remove"), '{"add": ["maths"], "remove": ["old"]}')
    if not body:
        raise BodyProblem("give 'add', 'remove' or both, each a list of tags", "add")
    await state().shell.change("tools.tags.update", {**body, "tool_id": record["id"]})
    return await _organisation_reply(str(record["id"]))


def _runtime_summary(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("state", "previous_state", "pid", "port", "exit_code", "exit_signal", "last_error", "stop_reason")
    return {"id": record["id"], **{key: record.get(key) for key in keys}}


@blueprint.post("/api/tools/<tool_id>/stop")
@requires(LAUNCHER)
async def stop_tool(tool_id: str) -> Response:
    """SIGTERM to the tool's process group (SIGKILL after 5 s); stopping a stopped tool is fine."""
    known = known_tool(state().peers, tool_id)["id"]
    record = await state().peers.launcher.call("tools.stop", {"tool_id": known}, timeout=15.0)
    return jsonify(_runtime_summary(record))


LOG_LINES_DEFAULT = 200
LOG_LINES_MAX = 5000


@blueprint.get("/api/tools/<tool_id>/logs")
@accepts("limit")
@requires(LAUNCHER)
async def tool_logs(tool_id: str) -> Response:
    """The end of the tool's log (what it printed, each line stamped with its time and stream;
    secret values masked): ``{"tool_id", "lines"}``, oldest first; ``?limit=`` lines (200)."""
    raw = request.args.get("limit")
    limit = LOG_LINES_DEFAULT if raw is None else whole_number(raw, LOG_LINES_MAX)
    if limit is None or limit < 1:
        raise BodyProblem(
            f"parameter 'limit' must be a whole number from 1 to {LOG_LINES_MAX}, got {raw!r}", "limit"
        )
    known = known_tool(state().peers, tool_id)["id"]
    reply = await state().peers.launcher.call("tools.logs", {"tool_id": known, "limit": limit})
    return jsonify({"tool_id": reply["tool_id"], "lines": reply["lines"]})


@blueprint.post("/api/tools/<tool_id>/start")
@requires(LAUNCHER)
async def start_tool(tool_id: str) -> Response:
    """Start a tool now (building its environment if needed); also clears a FATAL state."""
    tool = find_tool(state().peers, tool_id)  # a broken tool is a 409 listing its problems, as a run
    record = await state().peers.launcher.call("tools.start", {"tool_id": tool.record["id"]}, timeout=900.0)
    return jsonify(_runtime_summary(record))
