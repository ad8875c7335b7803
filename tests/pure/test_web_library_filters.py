"""The library's filters, links and typed values."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from pixie_web.library_filters import (
    TAG_RULE,
    BadInput,
    back_to,
    deleted_ids,
    library_link,
    page_number,
    parse_label,
    parse_tags,
    preview_kind,
    read_filters,
    store_query,
    with_deleted,
)

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize(
    ("mime", "kind"),
    [("image/png", "image"), ("audio/wav", "audio"), ("video/webm", "video"), ("text/csv", "text"),
     ("application/json", "text"), ("application/pdf", "file")],
)  # fmt: skip
def test_preview_kind(mime: str, kind: str) -> None:
    assert preview_kind(mime) == kind


@pytest.mark.parametrize(
    ("args", "problems"),
    [
        ({}, []),
        ({"from": "2026-01-02", "to": "2026-01-01"}, ["The “From” date is after the “To” date."]),
        ({"from": "yesterday"}, ["The “From” date must be a date such as 2026-05-01, not 'yesterday'."]),
        ({"tag": "No Spaces"}, [f"The tag 'no spaces' cannot match anything: {TAG_RULE}."]),
        ({"label": "x" * 121}, ["A label search can be at most 120 characters."]),
    ],
)  # fmt: skip
def test_read_filters_names_each_problem(args: dict[str, str], problems: list[str]) -> None:
    assert read_filters(MultiDict(args))[1] == problems


def test_filters_become_a_store_query_and_a_link() -> None:
    chosen, _ = read_filters(MultiDict({"tool": "lorenz", "kind": "image", "starred": "1", "kind2": "x"}))
    assert store_query(chosen, 3) == {
        "page": 3,
        "page_size": 24,
        "tool": "lorenz",
        "mime": "image",
        "starred": True,
    }
    assert library_link(chosen, page=1) == "/library?tool=lorenz&kind=image&starred=1"
    assert library_link(chosen, page=2) == "/library?tool=lorenz&kind=image&starred=1&page=2"
    unknown_kind, _ = read_filters(MultiDict({"kind": "spreadsheets"}))
    assert unknown_kind["kind"] is None


@pytest.mark.parametrize(("raw", "page"), [("2", 2), ("0", 1), ("-1", 1), ("x", 1), ("100000", 1)])
def test_page_number(raw: str, page: int) -> None:
    assert page_number(MultiDict({"page": raw})) == page


def test_tags_and_labels() -> None:
    assert parse_tags("Maths, plots  maths") == ["maths", "plots"]
    assert parse_label("  kept  ") == "kept"
    with pytest.raises(BadInput, match="'b!'"):
        parse_tags("ok, a b!")
    with pytest.raises(BadInput, match="at most 120"):
        parse_label("x" * 121)


@pytest.mark.parametrize(
    ("given", "back"),
    [(None, "/library"), ("/library?tool=x", "/library?tool=x"), ("https://evil.example/", "/library"),
     ("//evil.example/library", "/library"), ("/settings", "/library")],
)  # fmt: skip
def test_back_only_to_the_library(given: str | None, back: str) -> None:
    assert back_to(given) == back


def test_the_undo_notice_names_what_was_deleted() -> None:
    assert with_deleted("/library?tool=x&deleted=9", [3, 4]) == "/library?tool=x&deleted=3%2C4"
    args: Any = MultiDict({"deleted": "3,4,x"})
    assert deleted_ids(args) == [3, 4]
