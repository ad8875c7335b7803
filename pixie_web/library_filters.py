"""The library page's filters, links and typed values: pure, so each rule is tested on its own.

A filtered view of the library is a link (``library_link``), and everything a person types (a
label, tags, a date range, the page) is checked here with a message that says what to change.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.datastructures import MultiDict

from pixie_web.params import whole_number

PAGE_SIZE = 24
PREVIEW_BYTES = 600
PREVIEW_LINES = 8
LABEL_MAX = 120
TAG_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
TAG_RULE = "a tag is 1 to 32 characters of a-z, 0-9, '_' and '-'"
BULK_MAX = 200
KINDS = {"image": "Images", "text": "Text", "audio": "Audio", "video": "Video", "application": "Other files"}
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-ndjson", "application/yaml")
BULK_ACTIONS = ("star", "unstar", "label", "delete", "restore")
FILTER_KEYS = ("tool", "kind", "starred", "label", "tag", "from", "to")


class BadInput(Exception):
    """Something a person typed that cannot be used; the message says what to change."""


def preview_kind(mime: str) -> str:
    """How a card previews a file: image, audio, video, text, or just its name."""
    family = mime.split("/", 1)[0]
    if family in ("image", "audio", "video"):
        return family
    return "text" if mime.startswith(TEXT_TYPES) else "file"


# -- filters ----------------------------------------------------------------------------------


def parse_day(raw: str, words: str) -> str:
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadInput(f"{words} must be a date such as 2026-05-01, not {raw!r}.") from None


def read_filters(args: MultiDict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The filters as chosen (what the form shows again) and the problems with them, if any."""
    kind = args.get("kind") or None
    chosen: dict[str, Any] = {
        "tool": (args.get("tool") or "").strip() or None,
        "kind": kind if kind in KINDS else None,
        "starred": args.get("starred") == "1",
        "label": (args.get("label") or "").strip() or None,
        "tag": (args.get("tag") or "").strip().lower() or None,
        "from": (args.get("from") or "").strip() or None,
        "to": (args.get("to") or "").strip() or None,
    }
    problems: list[str] = []
    if chosen["label"] and len(chosen["label"]) > LABEL_MAX:
        problems.append(f"A label search can be at most {LABEL_MAX} characters.")
    if chosen["tag"] and not TAG_PATTERN.fullmatch(chosen["tag"]):
        problems.append(f"The tag {chosen['tag']!r} cannot match anything: {TAG_RULE}.")
    days: dict[str, str] = {}
    for key, words in (("from", "The “From” date"), ("to", "The “To” date")):
        if chosen[key]:
            try:
                days[key] = parse_day(chosen[key], words)
            except BadInput as exc:
                problems.append(str(exc))
    if "from" in days and "to" in days and days["from"] > days["to"]:
        problems.append("The “From” date is after the “To” date.")
    return chosen, problems


def any_filter(chosen: dict[str, Any]) -> bool:
    return any(chosen[key] for key in FILTER_KEYS)


def library_link(chosen: dict[str, Any], **changes: Any) -> str:
    """The library's address with the current filters and ``changes`` (page 1 is left out)."""
    params: dict[str, Any] = {key: chosen.get(key) for key in FILTER_KEYS}
    params["starred"] = "1" if chosen.get("starred") else None
    params.update(changes)
    if params.get("page") == 1:
        params["page"] = None
    kept = {key: value for key, value in params.items() if value}
    return "/library" + (f"?{urlencode(kept)}" if kept else "")


def page_number(args: MultiDict[str, str]) -> int:
    raw = args.get("page", "1")
    return whole_number(raw, 99_999) or 1


def store_query(chosen: dict[str, Any], page: int) -> dict[str, Any]:
    query: dict[str, Any] = {"page": page, "page_size": PAGE_SIZE}
    for key in ("tool", "label", "tag", "from", "to"):
        if chosen[key]:
            query[key] = chosen[key]
    if chosen["kind"]:
        query["mime"] = chosen["kind"]
    if chosen["starred"]:
        query["starred"] = True
    return query


def deleted_ids(args: MultiDict[str, str]) -> list[int]:
    raw = args.get("deleted") or ""
    return [n for n in map(whole_number, raw.split(",")) if n is not None][:BULK_MAX]


def back_to(given: str | None) -> str:
    """Only a library address (never another site) is a place to go back to."""
    if given and (given == "/library" or given.startswith("/library?")):
        return given
    return "/library"


def back_args(back: str) -> MultiDict[str, str]:
    return MultiDict(parse_qsl(urlsplit(back).query))


def with_deleted(back: str, ids: list[int]) -> str:
    """``back`` with ``deleted=`` naming what was just deleted (for the Undo notice)."""
    params = [(key, value) for key, value in parse_qsl(urlsplit(back).query) if key != "deleted"]
    if ids:
        params.append(("deleted", ",".join(str(i) for i in ids)))
    return "/library" + (f"?{urlencode(params)}" if params else "")


def without_deleted(back: str) -> str:
    return with_deleted(back, [])


def parse_label(raw: str | None) -> str:
    value = (raw or "").strip()
    if len(value) > LABEL_MAX:
        raise BadInput(f"A label can be at most {LABEL_MAX} characters; this one has {len(value)}.")
    return value


def parse_tags(raw: str | None) -> list[str]:
    """Tags typed into one box, split on commas and spaces."""
    tags = [part.lower() for part in re.split(r"[,\s]+", raw or "") if part]
    bad = [tag for tag in tags if not TAG_PATTERN.fullmatch(tag)]
    if bad:
        raise BadInput(f"{', '.join(repr(tag) for tag in bad)}: {TAG_RULE}.")
    if len(tags) > 32:
        raise BadInput("Add at most 32 tags at a time.")
    return list(dict.fromkeys(tags))
