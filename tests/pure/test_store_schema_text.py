"""Reading schema scripts and database file headers, without opening a database."""

from __future__ import annotations

import pytest

from pixie_store.migrations import (
    HEADER_SIZE,
    LATEST_VERSION,
    MIGRATIONS,
    SQLITE_MAGIC,
    classify_header,
    header_user_version,
    split_statements,
)


@pytest.mark.parametrize(
    ("script", "statements"),
    [
        ("", []),
        ("-- only a comment\n", []),
        ("CREATE TABLE a (x);\nCREATE TABLE b (y);\n", ["CREATE TABLE a (x);", "CREATE TABLE b (y);"]),
        (
            "-- lead\nCREATE TABLE a (\n    x TEXT DEFAULT 'a;b'\n);\n",
            ["CREATE TABLE a (\n    x TEXT DEFAULT 'a;b'\n);"],
        ),
        (
            "CREATE INDEX i ON a (x)\n    WHERE x IS NULL;\n",
            ["CREATE INDEX i ON a (x)\n    WHERE x IS NULL;"],
        ),
    ],
)
def test_split_statements(script: str, statements: list[str]) -> None:
    assert split_statements(script) == statements


def test_split_statements_refuses_a_dangling_statement() -> None:
    with pytest.raises(ValueError, match="incomplete"):
        split_statements("CREATE TABLE a (x);\nCREATE TABLE b (y)\n")


def test_every_migration_splits_into_schema_statements() -> None:
    assert LATEST_VERSION == len(MIGRATIONS) == 5
    for script in MIGRATIONS:
        statements = split_statements(script)
        assert statements
        assert all(statement.startswith(("CREATE ", "ALTER TABLE ", "UPDATE ")) for statement in statements)


def _header(user_version: int) -> bytes:
    header = bytearray(SQLITE_MAGIC + bytes(HEADER_SIZE - len(SQLITE_MAGIC)))
    header[60:64] = user_version.to_bytes(4, "big")
    return bytes(header)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (b"", "empty"),
        (_header(0), "sqlite"),
        (SQLITE_MAGIC, "other"),  # truncated: not a whole header
        (b"PK\x03\x04" + bytes(96), "other"),
        (b"hello, this is a text file" * 4, "other"),
    ],
)
def test_classify_header(header: bytes, kind: str) -> None:
    assert classify_header(header) == kind


@pytest.mark.parametrize("version", [0, 1, 2, 99])
def test_header_user_version(version: int) -> None:
    assert header_user_version(_header(version)) == version
