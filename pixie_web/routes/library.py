"""The library: every artefact runs kept, as cards with previews, across all tools.

Filters (tool, type, starred, label search, tag, a date range) are query parameters, so a filtered
view is a link; pages are links too. Every action is a real form that posts and goes back to the
view it came from (Post/Redirect/Get, without JavaScript); with htmx a card action swaps the card,
and the filter and bulk forms swap the results (``#library-results``, picked out of the page).

Deleting is soft: the card becomes a "deleted" note with an Undo button (htmx), or the page comes
back with a notice that can restore what was just deleted (``?deleted=1,2``). Bad input (a label
over 120 characters, a bad date or tag) shows the view again with a message, never a 500: a 400
page without JavaScript, and a 422 fragment that library.js lets htmx swap in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quart import Blueprint, Response, redirect, render_template, request
from quart.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.library_filters import (
    BULK_ACTIONS,
    BULK_MAX,
    KINDS,
    LABEL_MAX,
    PREVIEW_BYTES,
    PREVIEW_LINES,
    BadInput,
    any_filter,
    back_args,
    back_to,
    deleted_ids,
    library_link,
    page_number,
    parse_label,
    parse_tags,
    preview_kind,
    read_filters,
    store_query,
    with_deleted,
    without_deleted,
)
from pixie_web.params import whole_number
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.runs.artefacts import safe_path
from shared.runfiles import holds_an_output
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("library", __name__)


def _text_head(root: Path, rel_path: str) -> str | None:
    """The first few lines of a text file (at most ``PREVIEW_BYTES``), with … when there is more."""
    path = safe_path(root, rel_path)
    if path is None or not path.is_file():
        return None
    with path.open("rb") as handle:
        head = handle.read(PREVIEW_BYTES + 1)
    text = head[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    more = len(head) > PREVIEW_BYTES or len(lines) > PREVIEW_LINES
    return "".join(lines[:PREVIEW_LINES]) + ("…" if more else "")


def _card(item: dict[str, Any], root: Path, tool_names: dict[str, str]) -> dict[str, Any]:
    kind = preview_kind(item["mime"])
    # Raster images get the API's small thumbnail when it has one; an SVG is drawn as itself.
    thumb = kind == "image" and item["mime"] != "image/svg+xml"
    return {
        **item,
        "kind": kind,
        "image_src": f"/api/artefacts/{item['id']}/{'thumb' if thumb else 'file'}",
        "title": item["label"] or item["filename"],
        "tool_name": tool_names.get(item["tool_id"], item["tool_id"]),
        "text": _text_head(root, item["rel_path"]) if kind == "text" else None,
        # A run's large output kept as a file: removed with its run, never on its own (the store
        # refuses), so its card offers no Delete.
        "holds_output": holds_an_output(item["rel_path"]),
    }


def _tool_names() -> dict[str, str]:
    return {tool["id"]: str(tool["name"]) for tool in state().peers.tools()}


# -- the page -----------------------------------------------------------------------------------


async def render_library(
    args: MultiDict[str, str], *, problems: list[str] | None = None, status: int = 200
) -> Response:
    """The library at the view ``args`` names, with ``problems`` (from a form) shown on top."""
    current = state()
    chosen, filter_problems = read_filters(args)
    problems = [*(problems or []), *filter_problems]
    page = page_number(args)
    listing: dict[str, Any] = {"items": [], "total": 0, "has_more": False}
    if not filter_problems:
        try:
            listing = await current.peers.store.call("artefacts.list", store_query(chosen, page))
        except WireError as exc:
            if exc.code is not ErrorCode.BAD_REQUEST:
                raise
            problems.append(exc.message)
    if problems and status == 200:
        status = 400
    tools = current.peers.tools()
    names = {tool["id"]: str(tool["name"]) for tool in tools}
    root = current.settings.artefacts_dir
    body = await render_template(
        "library.html",
        cards=[_card(item, root, names) for item in listing["items"]],
        total=listing["total"],
        page=page,
        has_more=listing["has_more"],
        chosen=chosen,
        filtered=any_filter(chosen),
        problems=problems,
        deleted=deleted_ids(args),
        kinds=KINDS,
        tools=sorted(tools, key=lambda tool: str(tool["name"]).lower()),
        link=lambda **changes: library_link(chosen, **changes),
        back=library_link(chosen, page=page),
        label_max=LABEL_MAX,
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.get("/library")
@requires(STORE, LAUNCHER)
async def library() -> Response:
    return await render_library(request.args)


# -- actions ------------------------------------------------------------------------------------


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


async def _card_response(item: dict[str, Any], back: str, *, error: str | None = None) -> Response:
    body = await render_template(
        "library/card.html",
        card=_card(item, state().settings.artefacts_dir, _tool_names()),
        back=back,
        error=error,
        label_max=LABEL_MAX,
    )
    return Response(body, status=422 if error else 200, content_type="text/html; charset=utf-8")


async def _card_action(
    artefact_id: int, change: dict[str, Any] | None, op: str = "artefacts.update"
) -> Response:
    """Apply one change to one artefact and answer as the request wants: the card, or back."""
    form = await request.form
    back = back_to(form.get("back"))
    store = state().peers.store
    item: dict[str, Any] | None = None
    try:
        item = await store.call("artefacts.get", {"id": artefact_id})
        if change is not None:
            item = await store.call(op, {"id": artefact_id, **change})
    except WireError as exc:
        if exc.code not in (ErrorCode.NOT_FOUND, ErrorCode.BAD_REQUEST):
            raise
        if exc.code is ErrorCode.NOT_FOUND or item is None:
            return Response(f"There is no artefact {artefact_id}.", status=404)
        if _htmx():
            return await _card_response(item, back, error=exc.message)
        return await render_library(back_args(back), problems=[exc.message])
    if _htmx():
        return await _card_response(item, back)
    return redirect(back, 303)  # type: ignore[return-value]


async def _card_problem(artefact_id: int, message: str) -> Response:
    form = await request.form
    back = back_to(form.get("back"))
    if _htmx():
        try:
            item = await state().peers.store.call("artefacts.get", {"id": artefact_id})
        except WireError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return Response(f"There is no artefact {artefact_id}.", status=404)
            raise
        return await _card_response(item, back, error=message)
    return await render_library(back_args(back), problems=[message])


@blueprint.post("/library/<id:artefact_id>/star")
@requires(STORE, LAUNCHER)
async def star(artefact_id: int) -> ResponseReturnValue:
    """Toggle, or set with ``value`` = 1 / 0."""
    form = await request.form
    value = form.get("value")
    if value in ("0", "1"):
        return await _card_action(artefact_id, {"starred": value == "1"})
    try:
        item = await state().peers.store.call("artefacts.get", {"id": artefact_id})
    except WireError as exc:
        if exc.code is ErrorCode.NOT_FOUND:
            return Response(f"There is no artefact {artefact_id}.", status=404)
        raise
    return await _card_action(artefact_id, {"starred": not item["starred"]})


@blueprint.post("/library/<id:artefact_id>/label")
@requires(STORE, LAUNCHER)
async def label(artefact_id: int) -> ResponseReturnValue:
    form = await request.form
    try:
        value = parse_label(form.get("label"))
    except BadInput as exc:
        return await _card_problem(artefact_id, str(exc))
    return await _card_action(artefact_id, {"label": value})


@blueprint.post("/library/<id:artefact_id>/tags")
@requires(STORE, LAUNCHER)
async def tags(artefact_id: int) -> ResponseReturnValue:
    """``add`` (one box, commas or spaces between tags) and ``remove`` (one tag per button)."""
    form = await request.form
    try:
        add = parse_tags(form.get("add"))
        remove = parse_tags(" ".join(form.getlist("remove")))
    except BadInput as exc:
        return await _card_problem(artefact_id, str(exc))
    if not add and not remove:
        return await _card_problem(artefact_id, "Type a tag to add.")
    return await _card_action(artefact_id, {"add_tags": add, "remove_tags": remove})


@blueprint.post("/library/<id:artefact_id>/delete")
@requires(STORE, LAUNCHER)
async def delete(artefact_id: int) -> ResponseReturnValue:
    form = await request.form
    back = back_to(form.get("back"))
    try:
        item = await state().peers.store.call("artefacts.delete", {"id": artefact_id})
    except WireError as exc:
        if exc.code is ErrorCode.NOT_FOUND:
            return Response(f"There is no artefact {artefact_id}.", status=404)
        if exc.code is ErrorCode.CONFLICT:
            return Response(exc.message[:1].upper() + exc.message[1:] + ".", status=409)
        raise
    if _htmx():
        body = await render_template(
            "library/deleted.html", card=_card(item, state().settings.artefacts_dir, _tool_names()), back=back
        )
        return Response(body, content_type="text/html; charset=utf-8")
    return redirect(with_deleted(back, [artefact_id]), 303)


@blueprint.post("/library/<id:artefact_id>/restore")
@requires(STORE, LAUNCHER)
async def restore(artefact_id: int) -> ResponseReturnValue:
    form = await request.form
    back = without_deleted(back_to(form.get("back")))
    try:
        item = await state().peers.store.call("artefacts.restore", {"id": artefact_id})
    except WireError as exc:
        if exc.code is ErrorCode.NOT_FOUND:
            return Response(f"There is no artefact {artefact_id}.", status=404)
        raise
    if _htmx():
        return await _card_response(item, back)
    return redirect(back, 303)


@blueprint.post("/library/bulk")
@requires(STORE, LAUNCHER)
async def bulk() -> ResponseReturnValue:
    """One action for the selected cards (``ids``); back to the view, whose results htmx swaps."""
    form = await request.form
    back = without_deleted(back_to(form.get("back")))
    action = form.get("action", "")
    ids = list(dict.fromkeys(n for n in map(whole_number, form.getlist("ids")) if n is not None))
    problems: list[str] = []
    if action not in BULK_ACTIONS:
        problems.append("Choose what to do with the selected files.")
    elif not ids:
        problems.append("Select at least one file first.")
    elif len(ids) > BULK_MAX:
        problems.append(f"Select at most {BULK_MAX} files at a time.")
    change: dict[str, Any] = {}
    if not problems:
        if action == "label":
            try:
                change = {"label": parse_label(form.get("label"))}
            except BadInput as exc:
                problems.append(str(exc))
        elif action in ("star", "unstar"):
            change = {"starred": action == "star"}
    if problems:
        return await render_library(back_args(back), problems=problems, status=422 if _htmx() else 400)
    op = {"delete": "artefacts.delete", "restore": "artefacts.restore"}.get(action, "artefacts.update")
    store = state().peers.store
    done: list[int] = []
    for artefact_id in ids:
        try:
            await store.call(op, {"id": artefact_id, **change})
        except WireError as exc:
            if exc.code not in (ErrorCode.NOT_FOUND, ErrorCode.CONFLICT):
                raise
            continue  # gone meanwhile, or a run's output that goes with its run: the rest still happen
        done.append(artefact_id)
    return redirect(with_deleted(back, done) if action == "delete" else back, 303)
