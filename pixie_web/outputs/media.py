"""Images, audio, video and files: which addresses Pixie embeds, and how a value names one.

Pixie works offline and its Content-Security-Policy loads media only from itself, ``data:`` and
``blob:``. So only two kinds of address are embedded: a ``data:`` URL whose media type fits the
output (``data:image/...`` for an image), and a same-origin path starting with "/". An http(s)
address is not fetched: the card shows it as a plain link and says it is external. Anything
else (``javascript:``, a relative path, a bare base64 string) is a problem, never an ``href``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from pixie_web.outputs.numbers import human_size
from pixie_web.outputs.shape import Problem, expect_list, label
from shared.toolspec import OutputSpec
from shared.toolspec.wording import brief, kind

SOURCE_FIELDS = ("url", "data", "value", "src")
"""The wrapper fields a media value may use for its address, in the order they are read."""

_MIME_GUESSER = mimetypes.MimeTypes()  # the built-in table only: no system files are read
_EXTERNAL_PREFIXES = ("http://", "https://", "//")


def embeddable_path(src: str) -> bool:
    """A path on this server: "/x" but not "//host" or "/\\host", which browsers send elsewhere."""
    return src.startswith("/") and not src.startswith(("//", "/\\"))


def data_url_mime(src: str) -> str | None:
    """The media type of a ``data:`` URL ("image/png"), or None when it is not a data URL."""
    if src[:5].lower() != "data:" or "," not in src:
        return None
    return src[5 : src.index(",")].split(";")[0].strip().lower() or "text/plain"


def data_url_size(src: str) -> int | None:
    """The number of bytes a data URL decodes to, without decoding a large payload."""
    if data_url_mime(src) is None:
        return None
    header, payload = src.split(",", 1)
    if header.lower().endswith(";base64"):
        payload = "".join(payload.split())
        padding = len(payload) - len(payload.rstrip("="))
        return max(0, len(payload) * 3 // 4 - padding)
    return len(unquote_to_bytes(payload))


def _non_empty(value: object) -> bool:
    """An empty ``url`` beside a real ``data`` is a tool leaving a field blank, not the address."""
    return isinstance(value, str) and bool(value.strip())


def _address(value: object, what: str) -> str:
    """The address inside a media value: the string itself or one of its wrapper fields."""
    if isinstance(value, Mapping):
        found = next((value[name] for name in SOURCE_FIELDS if _non_empty(value.get(name))), None)
        if found is not None:
            return str(found).strip()
    elif isinstance(value, str):
        return value.strip()
    raise Problem(
        f'Expected {what} to be a data: URL string or an object with "url" or "data", got {kind(value)}.'
    )


def classify(src: str, what: str, media: str | None) -> tuple[bool, str | None]:
    """(embed, media type) for an address, or the problem; ``media=None`` accepts any data URL."""
    mime = data_url_mime(src)
    if mime is not None:
        if media is not None and not mime.startswith(media + "/"):
            raise Problem(f"Expected {what} to be a data:{media}/... URL, got a data:{mime} URL.")
        return True, mime
    if embeddable_path(src):
        return True, _MIME_GUESSER.guess_type(src.split("?")[0])[0]
    if src.lower().startswith(_EXTERNAL_PREFIXES):
        return False, None
    raise Problem(
        f'Expected {what} to be a data: URL, a path starting with "/" or an http(s) address, '
        f"got {brief(src)}."
    )


def media_item(value: object, what: str, media: str, default_alt: str) -> dict[str, Any]:
    """One image, audio or video source: ``{"src", "embed", "mime", "alt", "label"}``."""
    src = _address(value, what)
    embed, mime = classify(src, what, media)
    extra: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
    caption = extra.get("label") or extra.get("caption") or extra.get("title")
    alt = extra.get("alt")
    return {
        "src": src,
        "embed": embed,
        "mime": mime,
        "alt": label(alt, label(caption, default_alt)),
        "label": label(caption, "") or None,
    }


def image(spec: OutputSpec, value: Any) -> dict[str, Any]:
    return media_item(value, "the image", "image", spec.label)


def audio(spec: OutputSpec, value: Any) -> dict[str, Any]:
    return media_item(value, "the audio", "audio", spec.label)


def video(spec: OutputSpec, value: Any) -> dict[str, Any]:
    item = media_item(value, "the video", "video", spec.label)
    poster = value.get("poster") if isinstance(value, Mapping) else None
    item["poster"] = None
    if isinstance(poster, str) and poster.strip():
        try:
            embed, _ = classify(poster.strip(), "the poster", "image")
        except Problem:
            embed = False
        item["poster"] = poster.strip() if embed else None
    return item


def image_grid(spec: OutputSpec, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping) and "images" in value:
        value = value["images"]
    elif not isinstance(value, list | tuple):
        raise Problem(f'Expected an object with "images" for an image grid, got {kind(value)}.')
    items = expect_list(value, '"images"')
    return {
        "images": [
            media_item(item, f"image {index + 1}", "image", f"{spec.label} {index + 1}")
            for index, item in enumerate(items)
        ]
    }


def image_compare(spec: OutputSpec, value: Any) -> dict[str, Any]:
    if not (isinstance(value, Mapping) and "before" in value and "after" in value):
        got = "an object without both" if isinstance(value, Mapping) else kind(value)
        raise Problem(f'Expected an object with "before" and "after" for an image comparison, got {got}.')
    return {
        side: media_item(value[side], f'the "{side}" image', "image", f"{spec.label}: {side}")
        for side in ("before", "after")
    }


def _file_name(value: Mapping[str, Any], src: str) -> str:
    name = value.get("filename") or value.get("name")
    if not isinstance(name, str) or not name.strip():
        name = "" if data_url_mime(src) else src.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "download"


def file(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """A download: ``{"filename", "href", "embed", "mime", "size", "size_text"}``."""
    if not isinstance(value, Mapping) or not any(isinstance(value.get(n), str) for n in ("url", "data")):
        got = 'an object without "data" or "url"' if isinstance(value, Mapping) else kind(value)
        raise Problem(f'Expected an object with "filename" and "data" (or "url") for a file, got {got}.')
    src = str(value["url"] if isinstance(value.get("url"), str) else value["data"]).strip()
    embed, guessed = classify(src, "the file", None)
    filename = _file_name(value, src)
    declared = next(
        (value[n] for n in ("mime", "mime_type", "content_type") if isinstance(value.get(n), str)), None
    )
    mime = declared or guessed or _MIME_GUESSER.guess_type(filename)[0] or "application/octet-stream"
    size = value.get("size")
    if not (isinstance(size, int) and not isinstance(size, bool) and size >= 0):
        size = data_url_size(src)
    return {
        "filename": filename,
        "href": src,
        "embed": embed,
        "mime": mime,
        "size": size,
        "size_text": None if size is None else human_size(size),
    }
