"""The artefact library's JSON API: list with filters, star, label, tag, delete and restore, and
the files and thumbnails themselves.

A tool's file is served on Pixie's own origin, so it must not be able to act as a page of
Pixie: every file and thumbnail response carries ``Content-Security-Policy: sandbox`` (no
scripts, no same-origin access) and ``nosniff``, whatever its type.

Query values arrive as text; this module checks the ones the store cannot (booleans, numbers,
unknown names) and leaves the rest (MIME, tag and date syntax) to the store's rules, whose
BAD_REQUEST names the field. Either way a bad value is a 400 naming the parameter, never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import quote

from quart import Blueprint, Response, jsonify, request, send_file

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.json_body import BodyProblem, request_json, star_change
from pixie_web.params import flag, whole_number
from pixie_web.peers import STORE
from pixie_web.query import accepts
from pixie_web.runs.artefacts import safe_path
from pixie_web.thumbs import can_thumbnail, make_thumbnail, placeholder_svg, thumb_path
from shared.timestamps import parse_bound
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("api_artefacts", __name__)

FIELDS = (
    "id", "run_id", "tool_id", "output_key", "filename", "mime", "size_bytes", "sha256",
    "created_at", "starred", "label", "tags",
)  # fmt: skip
TEXT_PARAMS = ("tool", "mime", "label", "tag", "from", "to")
BOOL_PARAMS = ("starred", "deleted")
INT_PARAMS = {"page": (1, 1_000_000), "page_size": (1, 200)}
LABEL_MAX = 120
TAGS_MAX = 32
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
THUMB_CACHE = "private, max-age=86400"
FILE_CACHE = "private, no-cache"


class BadInput(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def api_item(item: dict[str, Any]) -> dict[str, Any]:
    """The public shape of an artefact (the store's row also has its path and deletion time)."""
    shaped = {name: item[name] for name in FIELDS}
    shaped["file_url"] = f"/api/artefacts/{item['id']}/file"
    shaped["thumb_url"] = f"/api/artefacts/{item['id']}/thumb"
    return shaped


def _bad(error: BadInput) -> Response:
    return api_error(400, "BAD_REQUEST", error.message, field=error.name)


def list_args(query: Any) -> dict[str, Any]:
    """The store's ``artefacts.list`` arguments from a query string; raises ``BadInput``."""
    args: dict[str, Any] = {}
    for name in TEXT_PARAMS:
        value = query.get(name, "").strip()
        if value:  # an empty value (a cleared form field) means no filter
            args[name] = value
    for name in BOOL_PARAMS:
        value = query.get(name, "").strip()
        if not value:
            continue
        chosen = flag(value)
        if chosen is None:
            raise BadInput(name, f"parameter {name!r} must be true or false, got {query[name]!r}")
        args[name] = chosen
    for name, (low, high) in INT_PARAMS.items():
        value = query.get(name, "").strip()
        if not value:
            continue
        number = whole_number(value, high)
        if number is None or number < low:
            raise BadInput(
                name, f"parameter {name!r} must be a whole number from {low} to {high}, got {value!r}"
            )
        args[name] = number
    if "from" in args and "to" in args:
        with contextlib.suppress(ValueError):  # a malformed date is the store's to name
            if parse_bound(args["from"], end=False) > parse_bound(args["to"], end=True):
                raise BadInput("from", f"parameter 'from' ({args['from']}) is after 'to' ({args['to']})")
    return args


def _renamed(error: WireError, names: dict[str, str]) -> WireError | BadInput:
    """A store BAD_REQUEST as a 400 naming the HTTP parameter (``add_tags`` is ``add`` here)."""
    if error.code is ErrorCode.BAD_REQUEST and error.field is not None:
        name = names.get(error.field, error.field)
        return BadInput(name, error.message.replace(f"'{error.field}'", f"'{name}'"))
    return error


@blueprint.get("/api/artefacts")
@accepts(*TEXT_PARAMS, *BOOL_PARAMS, *INT_PARAMS)
@requires(STORE)
async def list_artefacts() -> Response:
    try:
        args = list_args(request.args)
        page = await state().peers.store.call("artefacts.list", args)
    except BadInput as error:
        return _bad(error)
    except WireError as error:
        renamed = _renamed(error, {})
        if isinstance(renamed, BadInput):
            return _bad(renamed)
        raise
    return jsonify(
        {
            "items": [api_item(item) for item in page["items"]],
            "page": page["page"],
            "page_size": page["page_size"],
            "total": page["total"],
            "has_more": page["has_more"],
        }
    )


async def _body() -> dict[str, Any]:
    try:
        body = await request_json(empty={})
    except BodyProblem as problem:
        raise BadInput("body", problem.message) from None
    if not isinstance(body, dict):
        raise BadInput("body", "the body must be a JSON object")
    return body


async def _update(artefact_id: int, args: dict[str, Any], names: dict[str, str] | None = None) -> Response:
    try:
        item = await state().peers.store.call("artefacts.update", {"id": artefact_id, **args})
    except WireError as error:
        renamed = _renamed(error, names or {})
        if isinstance(renamed, BadInput):
            return _bad(renamed)
        raise
    return jsonify(api_item(item))


@blueprint.post("/api/artefacts/<id:artefact_id>/star")
@requires(STORE)
async def star(artefact_id: int) -> Response:
    """``{"starred": true|false}`` sets the star; no body toggles it (the store flips the flag
    inside one write, so two quick clicks do not cancel out)."""
    return await _update(artefact_id, await star_change())


@blueprint.post("/api/artefacts/<id:artefact_id>/label")
@requires(STORE)
async def label(artefact_id: int) -> Response:
    try:
        body = await _body()
        unknown = sorted(set(body) - {"label"})
        if unknown:
            raise BadInput(unknown[0], f"unknown field {unknown[0]!r}; only 'label' is read")
        value = body.get("label")
        if not isinstance(value, str):
            raise BadInput("label", 'the body must be {"label": "text"} (an empty label clears it)')
        if len(value.strip()) > LABEL_MAX:
            raise BadInput("label", f"label must be at most {LABEL_MAX} characters")
    except BadInput as error:
        return _bad(error)
    return await _update(artefact_id, {"label": value})


@blueprint.post("/api/artefacts/<id:artefact_id>/tags")
@requires(STORE)
async def tags(artefact_id: int) -> Response:
    try:
        body = await _body()
        unknown = sorted(set(body) - {"add", "remove"})
        if unknown:
            raise BadInput(unknown[0], f"unknown field {unknown[0]!r}; only 'add' and 'remove' are read")
        for name in ("add", "remove"):
            value = body.get(name, [])
            if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
                raise BadInput(name, f"{name!r} must be a list of tags (strings)")
            if len(value) > TAGS_MAX:
                raise BadInput(name, f"{name!r} may name at most {TAGS_MAX} tags at once")
    except BadInput as error:
        return _bad(error)
    args = {"add_tags": body.get("add", []), "remove_tags": body.get("remove", [])}
    return await _update(artefact_id, args, {"add_tags": "add", "remove_tags": "remove"})


@blueprint.post("/api/artefacts/<id:artefact_id>/delete")
@requires(STORE)
async def delete(artefact_id: int) -> Response:
    """Soft delete: restorable until the retention sweep purges it (PIXIE_SOFT_DELETE_RETENTION_DAYS)."""
    return jsonify(api_item(await state().peers.store.call("artefacts.delete", {"id": artefact_id})))


@blueprint.post("/api/artefacts/<id:artefact_id>/restore")
@requires(STORE)
async def restore(artefact_id: int) -> Response:
    return jsonify(api_item(await state().peers.store.call("artefacts.restore", {"id": artefact_id})))


def _disposition(kind: str, filename: str) -> str:
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _sandboxed(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def _live_file(artefact_id: int) -> tuple[dict[str, Any], Any]:
    """The artefact and its path, or the error response (deleted 404, outside 403, gone 410)."""
    item = await state().peers.store.call("artefacts.get", {"id": artefact_id})
    if item.get("deleted_at"):
        return item, api_error(404, "NOT_FOUND", f"artefact {artefact_id} was deleted")
    path = safe_path(state().settings.artefacts_dir, item["rel_path"])
    if path is None:
        return item, api_error(
            403, "FORBIDDEN", f"artefact {artefact_id} points outside the artefacts folder"
        )
    if not path.is_file():
        return item, api_error(410, "GONE", f"the file of artefact {artefact_id} is no longer on disk")
    return item, path


@blueprint.get("/api/artefacts/<id:artefact_id>/file")
@accepts("download")
@requires(STORE)
async def artefact_file(artefact_id: int) -> Response:
    download = flag(request.args.get("download") or "no")
    if download is None:
        message = f"parameter 'download' must be true or false, got {request.args['download']!r}"
        return api_error(400, "BAD_REQUEST", message)
    item, path = await _live_file(artefact_id)
    if isinstance(path, Response):
        return path
    response = await send_file(path, mimetype=item["mime"], conditional=True)
    response.headers["Content-Disposition"] = _disposition(
        "attachment" if download else "inline", item["filename"]
    )
    # Asked again each time (a 304 while unchanged), so an artefact moved to the bin or deleted
    # stops showing at once rather than from the browser's cache for hours.
    response.headers["Cache-Control"] = FILE_CACHE
    return _sandboxed(response)


@blueprint.get("/api/artefacts/<id:artefact_id>/thumb")
@requires(STORE)
async def artefact_thumb(artefact_id: int) -> Response:
    """A cached ~256 px WebP for raster images, else an SVG card naming the type."""
    item, path = await _live_file(artefact_id)
    if isinstance(path, Response):
        return path
    target = thumb_path(state().settings.data_dir, artefact_id)
    if can_thumbnail(item["mime"]) and (
        target.is_file() or await asyncio.to_thread(make_thumbnail, path, target)
    ):
        response = await send_file(target, mimetype="image/webp", conditional=True)
    else:
        response = Response(placeholder_svg(item["mime"], item["filename"]), content_type="image/svg+xml")
    response.headers["Cache-Control"] = THUMB_CACHE
    return _sandboxed(response)
