"""Markdown that reads the same in any viewer: escaped table cells, fences that cannot close
early, and links to asset files whose names may hold spaces or brackets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def escape_cell(text: str) -> str:
    """A table cell: a pipe would start a new cell and a newline would end the row, so pipes are
    escaped and line breaks become ``<br>``; backslashes are doubled so ``\\|`` stays literal."""
    flat = text.replace("\\", "\\\\").replace("|", "\\|")
    flat = flat.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return flat.strip() or " "


def escape_inline(text: str) -> str:
    """Text inside a sentence or list item, with markdown's special characters made literal."""
    return _INLINE_SPECIAL.sub(r"\\\1", text.replace("\r", "")).replace("\n", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub-style table; short rows are padded so every row has a cell per column."""
    width = len(headers)
    lines = [
        "| " + " | ".join(escape_cell(h) for h in headers) + " |",
        "|" + "---|" * width,
    ]
    for row in rows:
        cells = [escape_cell(c) for c in list(row)[:width]]
        cells += [" "] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def fence(source: str, language: str | None = None) -> list[str]:
    """A fenced block with a fence longer than any run of backticks inside ``source``."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    marker = "`" * max(3, longest + 1)
    body = source[:-1] if source.endswith("\n") else source
    return [f"{marker}{language or ''}", body, marker]


def link_target(name: str) -> str:
    """An entry name as a relative link: each part percent-encoded (spaces, brackets, ...)."""
    return "/".join(quote(part) for part in name.split("/"))


def link(text: str, name: str) -> str:
    return f"[{escape_inline(text)}]({link_target(name)})"


def image(alt: str, name: str) -> str:
    return f"![{escape_inline(alt)}]({link_target(name)})"


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^(\s{0,3})(#{1,6})(?=\s|$)")


def demote_headings(source: str, by: int) -> str:
    """Markdown with every ``#`` heading ``by`` levels lower (at most ``######``), outside fenced
    code: a tool's ``# Summary`` must not outrank the report's own headings."""
    lines, fence_mark = [], ""
    for line in source.split("\n"):
        opened = _FENCE.match(line)
        if opened and (not fence_mark or opened.group(1).startswith(fence_mark)):
            fence_mark = "" if fence_mark else opened.group(1)[:3]
        elif not fence_mark:
            line = _ATX.sub(lambda m: m.group(1) + "#" * min(6, len(m.group(2)) + by), line)
        lines.append(line)
    return "\n".join(lines)
