"""What a valid value is, for arguments that need more than a type check.

Pure functions: each takes what the caller sent and returns the value to store, or raises a
BAD_REQUEST naming the field, so ops stay short and the rules are testable without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.timestamps import normalise_instant, parse_bound
from shared.wire import Args, bad_request

TAG_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
RUN_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
SETTING_KEY_PATTERN = r"[a-z0-9][a-z0-9_.-]{0,63}"
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
MIME_PATTERN = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
MIME_FILTER_PATTERN = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}(/[a-z0-9][a-z0-9!#$&^_.+-]{0,126})?")
SHA256_PATTERN = r"[0-9a-f]{64}"
TOOL_ID_MAX = 128
LABEL_MAX = 120
WORKSPACE_NAME_MAX = 60
TEXT_MAX = 1000


def tag(raw: str, field: str = "tag") -> str:
    """Tags compare case-insensitively, so they are stored lowercased and trimmed."""
    value = raw.strip().lower()
    if not TAG_PATTERN.fullmatch(value):
        raise bad_request(
            f"field {field!r} must be 1-32 characters of a-z, 0-9, '_' and '-', got {raw!r}", field
        )
    return value


def tags(raw: Iterable[str], field: str) -> list[str]:
    """Normalised tags without duplicates, in the order given."""
    return list(dict.fromkeys(tag(item, field) for item in raw))


def label(raw: str | None, field: str = "label") -> str | None:
    """A label is trimmed; an empty label clears it (stored as NULL so the partial index skips it)."""
    if raw is None:
        return None
    value = raw.strip()
    if len(value) > LABEL_MAX:
        raise bad_request(f"field {field!r} must be at most {LABEL_MAX} characters", field)
    if not value.isprintable():  # shown on one line on cards and in lists
        raise bad_request(
            f"field {field!r} must not hold control characters or line breaks, got {value!r}", field
        )
    return value or None


def instant(raw: str, field: str) -> str:
    try:
        return normalise_instant(raw)
    except ValueError as exc:
        raise bad_request(f"field {field!r}: {exc}", field) from None


def bound(raw: str, field: str, *, end: bool) -> str:
    try:
        return parse_bound(raw, end=end)
    except ValueError as exc:
        raise bad_request(f"field {field!r}: {exc}", field) from None


def optional_instant(args: Args, field: str) -> str | None:
    raw = args.text(field, default=None, max_length=64)
    return None if raw is None else instant(raw, field)


def rel_path(raw: str, field: str = "rel_path") -> str:
    """A path under the artefacts root: relative, forward slashes, no '.', '..' or empty parts.

    The store never touches files, but the web process joins this path to the artefacts root,
    so a path that could climb out of it is refused at the door.
    """
    parts = raw.split("/")
    if "\\" in raw or "\x00" in raw or raw.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise bad_request(
            f"field {field!r} must be a relative path with '/' separators and no '.', '..' "
            f"or empty parts, got {raw!r}",
            field,
        )
    return raw


def filename(raw: str, field: str = "filename") -> str:
    if "/" in raw or "\\" in raw or "\x00" in raw or raw in (".", ".."):
        raise bad_request(f"field {field!r} must be a bare file name, got {raw!r}", field)
    return raw


def mime(raw: str, field: str = "mime") -> str:
    value = raw.strip().lower()
    if not MIME_PATTERN.fullmatch(value):
        raise bad_request(f"field {field!r} must be a MIME type such as 'image/png', got {raw!r}", field)
    return value


def mime_filter(raw: str, field: str = "mime") -> str:
    """A family ('image') or a full type ('image/png'), lowercased."""
    value = raw.strip().lower()
    if not MIME_FILTER_PATTERN.fullmatch(value):
        raise bad_request(
            f"field {field!r} must be a MIME family such as 'image' or a type such as 'image/png'", field
        )
    return value


def colour(raw: str | None, field: str = "colour") -> str | None:
    """'#rrggbb' lowercased; an empty string clears the colour."""
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip()
    if not COLOUR_PATTERN.fullmatch(value):
        raise bad_request(f"field {field!r} must look like '#1a2b3c', got {raw!r}", field)
    return value.lower()


def workspace_name(raw: str, field: str = "name") -> str:
    value = raw.strip()
    if not 1 <= len(value) <= WORKSPACE_NAME_MAX:
        raise bad_request(f"field {field!r} must be 1-{WORKSPACE_NAME_MAX} characters after trimming", field)
    if not value.isprintable():  # a name is shown in the sidebar: no line breaks, NULs or escapes
        raise bad_request(f"field {field!r} must not hold control characters, got {value!r}", field)
    return value
