"""A tool's ``.env`` file: the secrets the launcher puts into the tool's environment.

Tools also call python-dotenv's ``load_dotenv`` on the same file, so the reader follows
python-dotenv's rules for everything people actually write: ``export`` prefixes, spaces around
``=``, ``#`` comments (a ``#`` only starts an inline comment after whitespace), single quotes
(only ``\\'`` and ``\\\\`` are escapes), double quotes (the usual backslash escapes, and the value
may span lines) and a leading byte-order mark. Two deliberate differences: names must be shell
identifiers, because anything else cannot be a useful environment variable, and ``${VAR}`` is not
expanded, because a secret is a literal.

A line that cannot be read is skipped rather than failing the whole file, and
``parse_dotenv_report`` says which line and why, never quoting the line: it may hold a secret.

Writing is for the web process saving a secret: sorted ``KEY="value"`` lines that read back to
exactly the same values, replaced atomically with owner-only permissions.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path

from shared.atomicfile import write_private

log = logging.getLogger(__name__)

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACE = re.compile(r"\s*")  # any whitespace, blank lines included
_LINE_SPACE = re.compile(r"[^\S\r\n]*")  # whitespace that stays on the line
_EXPORT = re.compile(r"export[^\S\r\n]+")
_RAW_KEY = re.compile(r"[^=#\s]+")
_REST_OF_LINE = re.compile(r"[^\r\n]*")
_AFTER_QUOTE = re.compile(r"[^\S\r\n]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|\Z)")
_INLINE_COMMENT = re.compile(r"\s+#.*")

_DOUBLE_ESCAPES = {
    "\\": "\\",
    '"': '"',
    "'": "'",
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_SINGLE_ESCAPES = {"\\": "\\", "'": "'"}
_FORMAT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})

_BAD_NAME = "the name before '=' must be letters, digits and '_', not starting with a digit"


class _Skipped(Exception):
    """A line that cannot be read; ``resume`` is where reading carries on."""

    def __init__(self, reason: str, resume: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.resume = resume


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def _next_line(text: str, pos: int) -> int:
    """The start of the line after the one holding ``pos``."""
    end = _REST_OF_LINE.match(text, pos).end()  # type: ignore[union-attr]
    newline = _NEWLINE.match(text, end)
    return newline.end() if newline else end


def _quoted(text: str, start: int, who: str) -> tuple[str, int]:
    """Read the quoted value opening at ``start``; return it and the index after the closing quote."""
    quote = text[start]
    escapes = _DOUBLE_ESCAPES if quote == '"' else _SINGLE_ESCAPES
    out: list[str] = []
    i, end = start + 1, len(text)
    while i < end:
        char = text[i]
        if char == quote:
            return "".join(out), i + 1
        if char == "\\" and i + 1 < end:
            follower = text[i + 1]
            out.append(escapes.get(follower, char + follower))
            i += 2
            continue
        out.append(char)
        i += 1
    raise _Skipped(f"{who}the quoted value has no closing quote", _next_line(text, start))


def _binding(text: str, pos: int) -> tuple[str, str, int]:
    """Read one ``KEY=value`` starting at ``pos`` (not blank, not a comment)."""
    export = _EXPORT.match(text, pos)
    if export:
        pos = export.end()
    raw_key = _RAW_KEY.match(text, pos)
    if raw_key is None:
        raise _Skipped("expected KEY=value", _next_line(text, pos))
    key = raw_key.group()
    pos = _LINE_SPACE.match(text, raw_key.end()).end()  # type: ignore[union-attr]
    if not text.startswith("=", pos):
        # The "key" may be a secret pasted on its own line, so it is not named.
        raise _Skipped("expected KEY=value (there is no '=')", _next_line(text, pos))
    key_ok = is_valid_key(key)
    who = f"{key}: " if key_ok else ""
    after_equals = pos + 1
    pos = _LINE_SPACE.match(text, after_equals).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] in ("'", '"'):
        value, pos = _quoted(text, pos, who)
        tail = _AFTER_QUOTE.match(text, pos)
        if tail is None:
            raise _Skipped(f"{who}unexpected text after the closing quote", _next_line(text, pos))
        pos = tail.end()
    else:
        raw = _REST_OF_LINE.match(text, after_equals).group()  # type: ignore[union-attr]
        value = _INLINE_COMMENT.sub("", raw).strip()
        pos = _next_line(text, after_equals)
    if not key_ok:
        raise _Skipped(_BAD_NAME, pos)
    return key, value, pos


def parse_dotenv_report(text: str) -> tuple[dict[str, str], list[str]]:
    """The values, and one message per skipped line ("line 3: ..."); messages never hold values."""
    text = text.removeprefix("\ufeff")
    line_starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
    values: dict[str, str] = {}
    problems: list[str] = []
    pos = 0
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            return values, problems
        if text[pos] == "#":
            pos = _next_line(text, pos)
            continue
        try:
            key, value, pos = _binding(text, pos)
        except _Skipped as skipped:
            problems.append(f"line {bisect_right(line_starts, pos)}: skipped: {skipped.reason}")
            pos = skipped.resume
            continue
        values[key] = value  # a later line wins, as in python-dotenv


def parse_dotenv(text: str) -> dict[str, str]:
    return parse_dotenv_report(text)[0]


def format_dotenv(values: Mapping[str, str]) -> str:
    """Sorted ``KEY="value"`` lines that ``parse_dotenv`` (and python-dotenv) read back unchanged."""
    lines = []
    for key in sorted(values):
        if not is_valid_key(key):
            raise ValueError(f"{key!r} is not a valid environment variable name")
        lines.append(f'{key}="{values[key].translate(_FORMAT_ESCAPES)}"\n')
    return "".join(lines)


def read_dotenv(path: Path) -> dict[str, str]:
    """The file's values ({} when there is none). Bytes that are not UTF-8 are kept as surrogate
    escapes, so they reach the child's environment exactly as written."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    values, problems = parse_dotenv_report(data.decode("utf-8", "surrogateescape"))
    for problem in problems:
        log.warning("%s: %s", path, problem)
    return values


def write_dotenv(path: Path, values: Mapping[str, str]) -> None:
    """Replace the file in one step: readers see the old file or the new one, never a torn one,
    and only the owner can read it. Nothing is left behind when writing fails."""
    write_private(path, format_dotenv(values).encode("utf-8", "surrogateescape"))
