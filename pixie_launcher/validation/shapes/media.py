"""Images, audio, video and files: which addresses the dashboard can show.

Pixie works offline and loads media only from itself, so a source must be a ``data:`` URL whose
media type fits the output (``data:image/...`` for an image), a same-origin path starting with
"/", or an http(s) address (shown as a link rather than embedded). A bare base64 string, a
relative path or a ``javascript:`` URL is a problem. A value may be the address itself or an
object holding it under ``url``, ``data``, ``value`` or ``src``; a file needs ``data`` or
``url`` (its ``filename`` is optional: without one it downloads under a name from the URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_launcher.validation.shapes.base import Found, a_list, at, got, is_list
from shared.toolspec import OutputSpec
from shared.toolspec.wording import brief

SOURCE_FIELDS = ("url", "data", "value", "src")
_EXTERNAL = ("http://", "https://", "//")


def data_url_mime(src: str) -> str | None:
    """The media type of a ``data:`` URL ("image/png"; "text/plain" when left out), else None."""
    if src[:5].lower() != "data:" or "," not in src:
        return None
    return src[5 : src.index(",")].split(";")[0].strip().lower() or "text/plain"


def _non_empty(value: object) -> bool:
    """An empty ``url`` beside a real ``data`` is a tool leaving a field blank, not the address."""
    return isinstance(value, str) and bool(value.strip())


def _address(value: object) -> str | None:
    if isinstance(value, Mapping):
        found = next((value[name] for name in SOURCE_FIELDS if _non_empty(value.get(name))), None)
        return None if found is None else str(found).strip()
    return value.strip() if isinstance(value, str) else None


def source(src: str, where: str, media: str | None, found: Found) -> None:
    """One address; ``media=None`` accepts a data URL of any type (a file download)."""
    mime = data_url_mime(src)
    if mime is not None:
        if media is not None and not mime.startswith(media + "/"):
            found.add(where, f"must be a data:{media}/... URL, got a data:{mime} URL")
        return
    if src.startswith("/") and not src.startswith(("//", "/\\")):
        return
    if src.lower().startswith(_EXTERNAL):
        return
    found.add(where, f'must be a data: URL, a path starting with "/" or an http(s) address, got {brief(src)}')


def item(value: object, where: str, media: str, found: Found) -> None:
    src = _address(value)
    if src is None:
        found.add(where, f'must be a data: URL string or an object with "url" or "data", {got(value)}')
    else:
        source(src, where, media, found)


def image(spec: OutputSpec, value: Any, found: Found) -> None:
    item(value, "", "image", found)


def audio(spec: OutputSpec, value: Any, found: Found) -> None:
    item(value, "", "audio", found)


def video(spec: OutputSpec, value: Any, found: Found) -> None:
    """The video's own source; a bad ``poster`` is only left out by the dashboard, not a problem."""
    item(value, "", "video", found)


def image_grid(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"images": [...]}`` or the bare list, each an image source."""
    if isinstance(value, Mapping) and "images" in value:
        images, path = a_list(value["images"], "images", found), "images"
    elif is_list(value):
        images, path = list(value), ""
    else:
        detail = '"images" missing' if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "images" for an image grid; {detail}')
        return
    for index, entry in enumerate(images or ()):
        item(entry, at(path, index), "image", found)


def image_compare(spec: OutputSpec, value: Any, found: Found) -> None:
    if not (isinstance(value, Mapping) and "before" in value and "after" in value):
        detail = "one of them missing" if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "before" and "after" for an image comparison; {detail}')
        return
    for side in ("before", "after"):
        item(value[side], side, "image", found)


def file(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"filename", "data", "mime"?, "size"?}``, or ``url`` in place of ``data``."""
    if not (isinstance(value, Mapping) and any(isinstance(value.get(name), str) for name in ("url", "data"))):
        detail = '"data" and "url" both missing or not strings' if isinstance(value, Mapping) else got(value)
        found.add("", f'expected an object with "filename" and "data" (or "url") for a file; {detail}')
        return
    name = "url" if isinstance(value.get("url"), str) else "data"
    source(str(value[name]).strip(), name, None, found)
