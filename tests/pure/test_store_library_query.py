"""Library filters to SQL: each filter's term, literal booleans, and LIKE escaping."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from pixie_store.library_query import ArtefactFilter, escape_like, where_clause

LIVE = "a.deleted_at IS NULL"


@pytest.mark.parametrize(
    ("spec", "sql", "params"),
    [
        (ArtefactFilter(), f"WHERE {LIVE}", []),
        (ArtefactFilter(deleted=True), "WHERE a.deleted_at IS NOT NULL", []),
        (ArtefactFilter(tool="lorenz"), f"WHERE {LIVE} AND a.tool_id = ?", ["lorenz"]),
        (ArtefactFilter(mime="image"), f"WHERE {LIVE} AND a.mime_family = ?", ["image"]),
        (ArtefactFilter(mime="image/png"), f"WHERE {LIVE} AND a.mime = ?", ["image/png"]),
        (ArtefactFilter(starred=True), f"WHERE {LIVE} AND a.starred = 1", []),
        (ArtefactFilter(starred=False), f"WHERE {LIVE} AND a.starred = 0", []),
        (
            ArtefactFilter(label="50%_off"),
            f"WHERE {LIVE} AND a.label IS NOT NULL AND a.label LIKE ? ESCAPE '\\'",
            ["%50\\%\\_off%"],
        ),
        (
            ArtefactFilter(tag="maths"),
            f"WHERE {LIVE} AND a.id IN (SELECT t.artefact_id FROM artefact_tags t WHERE t.tag = ?)",
            ["maths"],
        ),
        (
            ArtefactFilter(created_from="2026-01-01T00:00:00.000Z", created_to="2026-01-31T23:59:59.999Z"),
            f"WHERE {LIVE} AND a.created_at >= ? AND a.created_at <= ?",
            ["2026-01-01T00:00:00.000Z", "2026-01-31T23:59:59.999Z"],
        ),
        (
            ArtefactFilter(tool="t", mime="text", starred=True, tag="x"),
            f"WHERE {LIVE} AND a.tool_id = ? AND a.mime_family = ? AND a.starred = 1 "
            "AND a.id IN (SELECT t.artefact_id FROM artefact_tags t WHERE t.tag = ?)",
            ["t", "text", "x"],
        ),
    ],
)
def test_where_clause(spec: ArtefactFilter, sql: str, params: list[Any]) -> None:
    assert where_clause(spec) == (sql, params)


@pytest.mark.parametrize(
    ("needle", "haystack", "matches"),
    [
        ("50%", "sale 50% off", True),
        ("50%", "sale 500 off", False),
        ("a_b", "xa_by", True),
        ("a_b", "xacby", False),
        ("back\\slash", "a back\\slash here", True),
        ("BEST", "my best run", True),
    ],
)
def test_escape_like_matches_literally(needle: str, haystack: str, matches: bool) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        row = conn.execute("SELECT ? LIKE ? ESCAPE '\\'", (haystack, f"%{escape_like(needle)}%")).fetchone()
    finally:
        conn.close()
    assert bool(row[0]) is matches
