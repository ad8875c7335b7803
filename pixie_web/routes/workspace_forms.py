"""Workspaces in the dashboard: the management page, the sidebar's switcher and a tool's membership.

Real forms that work without JavaScript (each answers with a redirect back, 303); htmx boosts them
where the page asks for it. A refused form (empty or duplicate name, bad colour) redraws the page
with the message next to the form; under htmx with status 200, since htmx drops 4xx answers.
"""

from __future__ import annotations

from quart import Blueprint, Response, redirect, render_template, request
from quart.typing import ResponseReturnValue

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.params import whole_number
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.responses import no_content
from pixie_web.routes.tool_flags import back_to
from pixie_web.tools import ToolProblem, known_tool
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("workspace_forms", __name__)

REFUSED = {ErrorCode.BAD_REQUEST: 400, ErrorCode.CONFLICT: 409, ErrorCode.NOT_FOUND: 404}


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


async def _page(status: int = 200, error: str | None = None, error_for: str | None = None) -> Response:
    body = await render_template("workspaces.html", error=error, error_for=error_for)
    status = 200 if _is_htmx() and error else status
    return Response(body, status=status, content_type="text/html; charset=utf-8")


async def _apply(op: str, args: dict[str, object], error_for: str) -> ResponseReturnValue:
    """Run a workspace op for a form and go back to the page, or show why it was refused."""
    try:
        await state().shell.change(op, args)
    except WireError as error:
        if error.code not in REFUSED:
            raise
        return await _page(REFUSED[error.code], error.message, error_for)
    form = await request.form
    return redirect(back_to("/workspaces", form.get("back")), 303)


@blueprint.get("/workspaces")
@requires(STORE)
async def workspaces_page() -> Response:
    return await _page()


@blueprint.post("/workspaces")
@requires(STORE)
async def create() -> ResponseReturnValue:
    form = await request.form
    return await _apply(
        "workspaces.create", {"name": form.get("name", ""), "colour": form.get("colour", "")}, "new"
    )


@blueprint.post("/workspaces/<id:workspace_id>")
@requires(STORE)
async def update(workspace_id: int) -> ResponseReturnValue:
    form = await request.form
    args: dict[str, object] = {"id": workspace_id, "name": form.get("name", "")}
    if "colour" in form:
        args["colour"] = form["colour"]
    return await _apply("workspaces.update", args, str(workspace_id))


@blueprint.post("/workspaces/<id:workspace_id>/delete")
@requires(STORE)
async def delete(workspace_id: int) -> ResponseReturnValue:
    return await _apply("workspaces.delete", {"id": workspace_id}, str(workspace_id))


@blueprint.post("/workspaces/show")
@requires(STORE)
async def show() -> ResponseReturnValue:
    """The sidebar's switcher: ``workspace`` is an id, or empty / 0 for all tools."""
    form = await request.form
    raw = (form.get("workspace") or "0").strip()
    workspace_id = whole_number(raw)
    organisation = await state().shell.organisation()
    if workspace_id is None or (workspace_id != 0 and organisation.get(workspace_id) is None):
        raise ToolProblem(404, "NOT_FOUND", f"There is no workspace {raw!r}.")
    await state().shell.set_active_workspace(workspace_id or None)
    if _is_htmx():
        response = no_content()
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect(back_to("/", form.get("back")), 303)


@blueprint.post("/tool/<tool_id>/workspaces")
@requires(STORE, LAUNCHER)
async def membership(tool_id: str) -> ResponseReturnValue:
    """Add the tool to the workspace ``workspace`` (``member=1``) or take it out (``member=0``)."""
    record = known_tool(state().peers, tool_id)
    form = await request.form
    raw = form.get("workspace", "")
    workspace_id = whole_number(raw)
    if workspace_id is None or (await state().shell.organisation()).get(workspace_id) is None:
        raise ToolProblem(404, "NOT_FOUND", f"There is no workspace {raw!r}.")
    op = "workspaces.add_tool" if form.get("member") == "1" else "workspaces.remove_tool"
    await state().shell.change(op, {"id": workspace_id, "tool_id": record["id"]})
    if _is_htmx():
        response = no_content()
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect(back_to(f"/tool/{record['id']}", form.get("back")), 303)
