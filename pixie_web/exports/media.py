"""Images, audio, video and files of a report: written out as files in ``assets/`` and linked.

A markdown viewer cannot show a ``data:`` URL of any size reliably, and a Pixie address such as
``/api/artefacts/12/file`` means nothing once the zip leaves this machine, so both become files
beside the report. An http(s) address stays a link (Pixie never fetches it); any other address
is named in the report but not included.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from pixie_web.exports import mdtext
from pixie_web.exports.files import locate
from pixie_web.exports.names import ZipNames
from pixie_web.exports.zipstream import Asset
from pixie_web.outputs.media import data_url_mime
from pixie_web.outputs.shape import Shown
from shared.toolspec import OutputSpec

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "video/webm": ".webm",
    "video/mp4": ".mp4",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "application/json": ".json",
}
_ARTEFACT_ADDRESS = re.compile(r"/api/artefacts/(\d+)/file(?:\?.*)?")


@dataclass(frozen=True)
class Found:
    name: str
    asset: Asset | None  # None when the file was already written (an artefact used twice)


def decode_data_url(src: str) -> bytes | None:
    """The bytes of a ``data:`` URL, or None when it is not one or its base64 is broken."""
    if data_url_mime(src) is None:
        return None
    header, payload = src.split(",", 1)
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    return unquote_to_bytes(payload)


def extension(mime: str | None) -> str:
    if not mime:
        return ".bin"
    return EXTENSIONS.get(mime) or mimetypes.guess_extension(mime) or ".bin"


class MediaFiles:
    """Turns media addresses into asset files, each artefact copied once."""

    def __init__(self, names: ZipNames, artefacts: Mapping[int, Mapping[str, Any]], root: Path) -> None:
        self.names = names
        self.artefacts = artefacts
        self.root = root
        self.copied: dict[int, str] = {}

    def data_url(self, src: str, stem: str, filename: str | None = None) -> Found | None:
        content = decode_data_url(src)
        if content is None:
            return None
        name = self.names.claim(filename or f"{stem}{extension(data_url_mime(src))}", "assets")
        return Found(name, Asset(name, content))

    def artefact(self, src: str) -> Found | None:
        match = _ARTEFACT_ADDRESS.fullmatch(src)
        item = self.artefacts.get(int(match.group(1))) if match else None
        if item is None:
            return None
        known = self.copied.get(int(item["id"]))
        if known is not None:
            return Found(known, None)
        path = locate(self.root, item)
        if path is None:
            return None
        name = self.names.claim(str(item.get("filename") or "file"), "assets")
        self.copied[int(item["id"])] = name
        return Found(name, Asset(name, path=path))

    def _link(
        self, src: str, stem: str, text: str, lines: list[str], *, picture: bool, filename: str | None = None
    ) -> Iterator[Asset]:
        found = self.data_url(src, stem, filename) or self.artefact(src)
        if found is not None:
            if found.asset is not None:
                yield found.asset
            lines.append(mdtext.image(text, found.name) if picture else mdtext.link(text, found.name))
        elif src.lower().startswith(("http://", "https://")):
            lines.append(f"{mdtext.escape_inline(text)}: <{src.replace('>', '%3E')}> (an external address)")
        else:
            lines.append(f"{mdtext.escape_inline(text)} (its address could not be included)")

    def output(self, spec: OutputSpec, shown: Shown, lines: list[str]) -> Iterator[Asset]:
        data, key = shown.data, spec.key
        if shown.type == "image":
            yield from self._link(data["src"], key, data["alt"], lines, picture=True)
        elif shown.type == "image_grid":
            for index, item in enumerate(data["images"]):
                yield from self._link(item["src"], f"{key}-{index + 1}", item["alt"], lines, picture=True)
                lines.append("")
        elif shown.type == "image_compare":
            for side in ("before", "after"):
                lines.append(f"**{side.capitalize()}:**")
                lines.append("")
                yield from self._link(
                    data[side]["src"], f"{key}-{side}", data[side]["alt"], lines, picture=True
                )
                lines.append("")
        elif shown.type in ("audio", "video"):
            text = data["label"] or f"{spec.label} ({shown.type})"
            yield from self._link(data["src"], key, text, lines, picture=False)
        elif shown.type == "file":
            size = f" ({data['size_text']})" if data["size_text"] else ""
            yield from self._link(
                data["href"], key, data["filename"] + size, lines, picture=False, filename=data["filename"]
            )
        else:
            lines.append(f"_Pixie has no report form for {shown.type} outputs._")
