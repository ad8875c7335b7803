"""Uploads and data URLs for the file, image and audio inputs.

Tools receive files as ``data:<mime>;base64,<payload>`` strings (tool contract §3.6), so an upload
is encoded here, and a data URL that arrives as text (the JSON API, a replayed run) is checked by
the same rules: the type must be one the input accepts and the size within ``max_size_mb``.
A size is judged before encoding, so an oversized upload is never copied into base64.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pixie_web.inputs.results import Invalid, Upload
from pixie_web.inputs.scalars import shown
from shared.toolspec import InputSpec

MIB = 1024 * 1024
_MIME = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")
_DATA_URL = re.compile(r"data:(?P<mime>[^;,]*)(?P<params>(?:;[^;,]*)*?);base64,(?P<payload>.*)", re.DOTALL)
# Only Python's built-in table, so a guess does not depend on the machine's /etc/mime.types.
_TYPES = mimetypes.MimeTypes(filenames=())
# Common types Python 3.11's table lacks or names differently from what browsers send, so an
# ``accept`` of ".wav" or ".md" can be met by a data URL too (a data URL has no file name).
for _mime, _extension in (
    ("audio/wav", ".wav"),
    ("audio/wave", ".wav"),
    ("audio/flac", ".flac"),
    ("audio/ogg", ".ogg"),
    ("audio/mp4", ".m4a"),
    ("audio/aac", ".aac"),
    ("video/webm", ".webm"),
    ("image/webp", ".webp"),
    ("image/avif", ".avif"),
    ("text/markdown", ".md"),
    ("text/markdown", ".markdown"),
    ("application/geo+json", ".geojson"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
):
    _TYPES.add_type(_mime, _extension, strict=False)
_IMPLIED_ACCEPT = {"image": ("image/*",), "audio": ("audio/*",)}


@dataclass(frozen=True)
class FileInfo:
    """What a check needs to know about one file, wherever it came from."""

    name: str | None  # the upload's filename; None for a data URL sent as text
    mime: str
    size: int

    def described(self) -> str:
        return shown(self.name) if self.name else f"the {self.mime} file"


def accept_list(spec: InputSpec) -> tuple[str, ...]:
    """The accepted extensions and MIME types, lower case: a file input's ``accept``, split on
    commas, or ``image/*`` and ``audio/*`` for the image and audio inputs, which take nothing else."""
    implied = _IMPLIED_ACCEPT.get(spec.type)
    if implied is not None:
        return implied
    raw = spec.params.get("accept")
    parts = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, tuple | list) else []
    entries = (entry.strip().lower() for part in parts if isinstance(part, str) for entry in part.split(","))
    return tuple(entry for entry in entries if entry)


def upload_mime(upload: Upload) -> str:
    """The upload's own type without parameters, or a guess from its name when the browser sent
    none (or only the catch-all octet-stream)."""
    declared = upload.content_type.split(";", 1)[0].strip().lower()
    if _MIME.fullmatch(declared) and declared != "application/octet-stream":
        return declared
    return _guess(upload.filename or "") or "application/octet-stream"


def _guess(name: str) -> str | None:
    guessed, _ = _TYPES.guess_type(name, strict=False)
    return guessed.lower() if guessed else None


def _mime_accepted(entries: Sequence[str], mime: str) -> bool:
    """A MIME type against the list; an extension entry stands for the type it usually has."""
    for entry in entries:
        if entry.startswith("."):
            if _guess("file" + entry) == mime or entry in _TYPES.guess_all_extensions(mime, strict=False):
                return True
        elif entry.endswith("/*"):
            if mime.startswith(entry[:-1]):
                return True
        elif entry == mime:
            return True
    return False


def _name_accepted(entries: Sequence[str], name: str | None) -> bool:
    lowered = (name or "").lower()
    return bool(lowered) and any(entry.startswith(".") and lowered.endswith(entry) for entry in entries)


def _accepted(entries: Sequence[str], info: FileInfo) -> bool:
    return not entries or _mime_accepted(entries, info.mime) or _name_accepted(entries, info.name)


def _size_text(size: int, limit_mb: int) -> str:
    text = f"{size / MIB:.1f} MB"
    return text if size / MIB >= limit_mb + 0.05 else f"{size:,} bytes"


def check_file(spec: InputSpec, info: FileInfo) -> None:
    """The input's accept list and size limit, for one upload or data URL."""
    entries = accept_list(spec)
    if not _accepted(entries, info):
        named = f"{info.described()} ({info.mime})" if info.name else info.described()  # type once
        raise Invalid(f"does not accept {named}; it takes {', '.join(entries)}.")
    limit = spec.params.get("max_size_mb")
    if isinstance(limit, int) and not isinstance(limit, bool) and info.size > limit * MIB:
        raise Invalid(
            f"is limited to {limit} MB a file, and {info.described()} is {_size_text(info.size, limit)}."
        )


def encode_upload(spec: InputSpec, upload: Upload) -> str:
    """An upload as a data URL, once it has passed the input's checks."""
    mime = upload_mime(upload)
    entries = accept_list(spec)
    if entries and not _mime_accepted(entries, mime) and _name_accepted(entries, upload.filename):
        # Accepted for its extension while the browser named another type (Windows sends CSV files
        # as application/vnd.ms-excel): the tool is better served by the type the extension means.
        mime = _guess(upload.filename) or mime
    check_file(spec, FileInfo(upload.filename or None, mime, len(upload.data)))
    return f"data:{mime};base64,{base64.b64encode(upload.data).decode('ascii')}"


def check_data_url(spec: InputSpec, value: object) -> str:
    """A data URL sent as text: well formed, base64, and within the input's checks."""
    hint = f'must be a file sent as a data URL such as "data:image/png;base64,..."; got {shown(value)}.'
    if not isinstance(value, str):
        raise Invalid(hint)
    match = _DATA_URL.fullmatch(value)
    if match is None or not _MIME.fullmatch(match["mime"]):
        raise Invalid(hint)
    try:
        size = len(base64.b64decode(match["payload"], validate=True))
    except (binascii.Error, ValueError):
        raise Invalid(f"must hold valid base64 after ';base64,'; got {shown(value)}.") from None
    check_file(spec, FileInfo(None, match["mime"].lower(), size))
    return value
