"""The library, first version: every artefact runs kept, as cards with previews.

Filters (tool, kind, starred) are query parameters, so a filtered view is a link; the star is a
real form (Post/Redirect/Get without JavaScript, a card swap with htmx). Text previews are the
first few hundred bytes of the file, read here: the web process already serves these files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from quart import Blueprint, Response, redirect, render_template, request
from quart.typing import ResponseReturnValue

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.runs.artefacts import safe_path
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("library", __name__)

PAGE_SIZE = 24
PREVIEW_BYTES = 600
KINDS = {"image": "Images", "text": "Text", "audio": "Audio", "video": "Video", "application": "Other files"}
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-ndjson", "application/yaml")


def preview_kind(mime: str) -> str:
    """How a card previews a file: image, audio, video, text, or just its name."""
    family = mime.split("/", 1)[0]
    if family in ("image", "audio", "video"):
        return family
    return "text" if mime.startswith(TEXT_TYPES) else "file"


def _text_head(root: Path, rel_path: str) -> str | None:
    path = safe_path(root, rel_path)
    if path is None or not path.is_file():
        return None
    with path.open("rb") as handle:
        head = handle.read(PREVIEW_BYTES + 1)
    text = head[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    return text + ("…" if len(head) > PREVIEW_BYTES else "")


def _card(item: dict[str, Any], root: Path, tool_names: dict[str, str]) -> dict[str, Any]:
    kind = preview_kind(item["mime"])
    return {
        **item,
        "kind": kind,
        "tool_name": tool_names.get(item["tool_id"], item["tool_id"]),
        "text": _text_head(root, item["rel_path"]) if kind == "text" else None,
    }


def _filters() -> dict[str, Any]:
    args = request.args
    kind = args.get("kind") or None
    return {
        "tool": args.get("tool") or None,
        "kind": kind if kind in KINDS else None,
        "starred": args.get("starred") == "1",
    }


def library_link(chosen: dict[str, Any], **changes: Any) -> str:
    """The library's address with the current filters and ``changes`` (page 1 is left out)."""
    params = {"tool": chosen["tool"], "kind": chosen["kind"], "starred": "1" if chosen["starred"] else None}
    params.update(changes)
    if params.get("page") == 1:
        params["page"] = None
    kept = {key: value for key, value in params.items() if value}
    return "/library" + (f"?{urlencode(kept)}" if kept else "")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@blueprint.get("/library")
@requires(STORE, LAUNCHER)
async def library() -> str:
    current = state()
    chosen = _filters()
    page = _page_number()
    query: dict[str, Any] = {"page": page, "page_size": PAGE_SIZE}
    if chosen["tool"]:
        query["tool"] = chosen["tool"]
    if chosen["kind"]:
        query["mime"] = chosen["kind"]
    if chosen["starred"]:
        query["starred"] = True
    listing = await current.peers.store.call("artefacts.list", query)
    tools = current.peers.tools()
    names = {tool["id"]: str(tool["name"]) for tool in tools}
    root = current.settings.artefacts_dir
    cards = [_card(item, root, names) for item in listing["items"]]

    return await render_template(
        "library.html",
        cards=cards,
        total=listing["total"],
        page=page,
        has_more=listing["has_more"],
        chosen=chosen,
        kinds=KINDS,
        tools=sorted(tools, key=lambda tool: str(tool["name"]).lower()),
        link=lambda **changes: library_link(chosen, **changes),
    )


@blueprint.post("/library/<int:artefact_id>/star")
@requires(STORE, LAUNCHER)
async def star(artefact_id: int) -> ResponseReturnValue:
    current = state()
    try:
        item = await current.peers.store.call("artefacts.get", {"id": artefact_id})
        item = await current.peers.store.call(
            "artefacts.update", {"id": artefact_id, "starred": not item["starred"]}
        )
    except WireError as exc:
        return Response(exc.message, status=404 if exc.code is ErrorCode.NOT_FOUND else 503)
    if request.headers.get("HX-Request") != "true":
        back = (await request.form).get("back") or "/library"
        return redirect(back if back.startswith("/library") else "/library")
    names = {tool["id"]: str(tool["name"]) for tool in current.peers.tools()}
    return await render_template(
        "library/card.html", card=_card(item, current.settings.artefacts_dir, names), back="/library"
    )
