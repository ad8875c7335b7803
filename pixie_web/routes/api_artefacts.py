"""Artefact files, served only from inside the artefacts root.

A tool's file is served on Pixie's own origin, so it must not be able to act as a page of
Pixie: every response carries ``Content-Security-Policy: sandbox`` (no scripts, no same-origin
access) and ``nosniff``, whatever its type.
"""

from __future__ import annotations

from urllib.parse import quote

from quart import Blueprint, Response, request, send_file

from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.errors import api_error
from pixie_web.peers import STORE
from pixie_web.runs.artefacts import safe_path

blueprint = Blueprint("api_artefacts", __name__)


def _disposition(kind: str, filename: str) -> str:
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@blueprint.get("/api/artefacts/<int:artefact_id>/file")
@requires(STORE)
async def artefact_file(artefact_id: int) -> Response:
    item = await state().peers.store.call("artefacts.get", {"id": artefact_id})
    if item.get("deleted_at"):
        return api_error(404, "NOT_FOUND", f"artefact {artefact_id} was deleted")
    path = safe_path(state().settings.artefacts_dir, item["rel_path"])
    if path is None:
        return api_error(403, "FORBIDDEN", f"artefact {artefact_id} points outside the artefacts folder")
    if not path.is_file():
        return api_error(410, "GONE", f"the file of artefact {artefact_id} is no longer on disk")
    response = await send_file(path, mimetype=item["mime"], conditional=True)
    download = request.args.get("download") in ("1", "true")
    response.headers["Content-Disposition"] = _disposition(
        "attachment" if download else "inline", item["filename"]
    )
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
