"""Workspaces over the JSON API: named, coloured groups of tools, and which one the sidebar shows.

Everything goes through ``Shell`` (shell.py), which caches the workspaces for the sidebar drawn on
every page and reads them again after each change made here. Tool ids are checked against the
launcher's tools, since only the web process knows which tools exist; the store does not.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, jsonify

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.json_body import BodyProblem, json_object, wire_problem
from pixie_web.organisation import Workspace
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.responses import no_content
from pixie_web.tools import known_tool
from shared.wire import WireError

blueprint = Blueprint("api_workspaces", __name__)

FIELDS = ("name", "colour")
EXAMPLE = '{"name": "Maths", "colour": "#3b82f6"}'


blueprint.register_error_handler(WireError, wire_problem)


def _no_workspace(workspace_id: int) -> Response:
    return api_error(404, "NOT_FOUND", f"There is no workspace {workspace_id}.")


async def _workspace(workspace_id: int) -> Workspace | None:
    return (await state().shell.organisation()).get(workspace_id)


@blueprint.get("/api/workspaces")
@requires(STORE)
async def list_workspaces() -> Response:
    """Ordered by name; ``tool_ids`` in the order the tools were added."""
    organisation = await state().shell.organisation()
    return jsonify([item.as_json() for item in organisation.workspaces])


@blueprint.post("/api/workspaces")
@requires(STORE)
async def create_workspace() -> Response:
    body = await json_object(FIELDS, EXAMPLE)
    if "name" not in body:
        raise BodyProblem("field 'name' is required", "name")
    created = await state().shell.change("workspaces.create", body)
    response = jsonify(Workspace.from_store(created).as_json())
    response.status_code = 201
    return response


@blueprint.patch("/api/workspaces/<id:workspace_id>")
@requires(STORE)
async def update_workspace(workspace_id: int) -> Response:
    """Rename and/or recolour; ``"colour": null`` or ``""`` clears the colour."""
    body = await json_object(FIELDS, EXAMPLE)
    if not body:
        raise BodyProblem("give 'name', 'colour' or both", "name")
    updated = await state().shell.change("workspaces.update", {**body, "id": workspace_id})
    return jsonify(Workspace.from_store(updated).as_json())


@blueprint.delete("/api/workspaces/<id:workspace_id>")
@requires(STORE)
async def delete_workspace(workspace_id: int) -> Response:
    """Its memberships go with it; if the sidebar showed it, the sidebar shows all tools again."""
    await state().shell.change("workspaces.delete", {"id": workspace_id})
    return no_content()


@blueprint.post("/api/workspaces/<id:workspace_id>/tools/<tool_id>")
@requires(STORE, LAUNCHER)
async def add_tool(workspace_id: int, tool_id: str) -> Response:
    """Adding a member again is fine (204) and keeps its place."""
    record = known_tool(state().peers, tool_id)
    await state().shell.change("workspaces.add_tool", {"id": workspace_id, "tool_id": record["id"]})
    return no_content()


@blueprint.delete("/api/workspaces/<id:workspace_id>/tools/<tool_id>")
@requires(STORE, LAUNCHER)
async def remove_tool(workspace_id: int, tool_id: str) -> Response:
    """A member whose folder has gone can still be removed; a tool that is neither is 404."""
    workspace = await _workspace(workspace_id)
    if workspace is None:
        return _no_workspace(workspace_id)
    record = state().peers.tool(tool_id)
    member = tool_id if record is None else str(record["id"])
    if record is None and member not in workspace.tool_ids:
        known_tool(state().peers, tool_id)  # unknown and not a member: 404
    await state().shell.change("workspaces.remove_tool", {"id": workspace_id, "tool_id": member})
    return no_content()


def _active_json(workspace: Workspace | None) -> dict[str, Any]:
    return {"active_workspace_id": None if workspace is None else workspace.id}


@blueprint.get("/api/workspaces/active")
@requires(STORE)
async def active_workspace() -> Response:
    return jsonify(_active_json((await state().shell.organisation()).active))


@blueprint.post("/api/workspaces/<id:workspace_id>/activate")
@requires(STORE)
async def activate(workspace_id: int) -> Response:
    """The sidebar (and quick switcher) shows only this workspace's tools; 0 is "All tools"."""
    workspace = None if workspace_id == 0 else await _workspace(workspace_id)
    if workspace_id != 0 and workspace is None:
        return _no_workspace(workspace_id)
    await state().shell.set_active_workspace(workspace_id or None)
    return jsonify(_active_json(workspace))
