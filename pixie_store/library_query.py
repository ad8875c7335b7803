"""The artefact library's filters, turned into one SQL WHERE clause.

Pure so every combination can be tested without a database. Booleans and the deleted switch are
written as literals, not parameters: SQLite only uses a partial index (``WHERE starred = 1``,
``WHERE deleted_at IS NULL``) when the query's own terms imply the index's condition, which a
bound parameter cannot show when the statement is prepared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ORDER = "a.created_at DESC, a.id DESC"


@dataclass(frozen=True)
class ArtefactFilter:
    """Already-validated filter values (bounds in stored timestamp form, mime lowercased)."""

    tool: str | None = None
    mime: str | None = None
    starred: bool | None = None
    label: str | None = None
    tag: str | None = None
    created_from: str | None = None
    created_to: str | None = None
    deleted: bool = False


def escape_like(text: str) -> str:
    """Make ``text`` match literally inside a LIKE pattern that uses ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(spec: ArtefactFilter) -> tuple[str, list[Any]]:
    """``WHERE …`` over ``artefacts a`` for ``spec``, with its parameters in order."""
    terms = ["a.deleted_at IS NOT NULL" if spec.deleted else "a.deleted_at IS NULL"]
    params: list[Any] = []
    if spec.tool is not None:
        terms.append("a.tool_id = ?")
        params.append(spec.tool)
    if spec.mime is not None:
        terms.append("a.mime = ?" if "/" in spec.mime else "a.mime_family = ?")
        params.append(spec.mime)
    if spec.starred is not None:
        terms.append("a.starred = 1" if spec.starred else "a.starred = 0")
    if spec.label is not None:
        # LIKE is case-insensitive for ASCII letters, which is what label search needs.
        terms.append("a.label IS NOT NULL AND a.label LIKE ? ESCAPE '\\'")
        params.append(f"%{escape_like(spec.label)}%")
    if spec.tag is not None:
        terms.append("a.id IN (SELECT t.artefact_id FROM artefact_tags t WHERE t.tag = ?)")
        params.append(spec.tag)
    if spec.created_from is not None:
        terms.append("a.created_at >= ?")
        params.append(spec.created_from)
    if spec.created_to is not None:
        terms.append("a.created_at <= ?")
        params.append(spec.created_to)
    return "WHERE " + " AND ".join(terms), params
