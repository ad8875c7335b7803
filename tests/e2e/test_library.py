"""The library through the three processes: filters, paging, star, label, tags, delete and undo,
bulk actions and bad input, as forms without JavaScript (Post/Redirect/Get) and as htmx swaps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

HTMX = {"HX-Request": "true"}


def start(pixie: PixieSystem, *tools: str) -> None:
    for tool in tools or ("runs-tool",):
        copy_fixture_tool(pixie.tools_dir, tool, source="runs-tool")
    pixie.wait_healthy()
    wanted = set(tools or ("runs-tool",))
    wait_until(
        lambda: wanted <= {t["id"] for t in pixie.get("/api/tools").json()}, timeout=10, what="discovery"
    )


def make_files(pixie: PixieSystem, tool: str = "runs-tool") -> dict[str, Any]:
    """One run of the fixture: a CSV (table.csv) and an SVG (figure.svg). Returns the run's id and
    the artefact ids by file name."""
    result = pixie.http.post(f"/api/tools/{tool}/run", json={"inputs": {"mode": "files"}}, timeout=120).json()
    assert result["status"] == "ok", result
    return {"run_id": result["run_id"], **{item["filename"]: item["id"] for item in result["artefacts"]}}


def card_ids(html: str) -> set[int]:
    return {int(found) for found in re.findall(r'<li class="artefact-card[^"]*" id="artefact-(\d+)"', html)}


def library(pixie: PixieSystem, query: str = "") -> str:
    response = pixie.get("/library" + query)
    assert response.status_code == 200, response.text[:2000]
    return response.text


def test_the_library_shows_run_files_filters_them_and_stars_them(pixie: PixieSystem) -> None:
    start(pixie)
    empty = library(pixie)
    assert "No files yet" in empty
    assert 'id="library-count"' not in empty  # no "0 files" above the card that says so

    files = make_files(pixie)
    page = library(pixie)
    assert "2 files kept from runs" in page
    assert re.search(
        rf'id="artefact-{files["table.csv"]}".*?<pre class="artefact-text">a,b\n1,2\n</pre>', page, re.S
    )
    figure = files["figure.svg"]
    assert re.search(rf'id="artefact-{figure}".*?<img src="/api/artefacts/{figure}/(file|thumb)"', page, re.S)
    assert re.search(rf'data-lightbox="/api/artefacts/{figure}/file"', page)  # the lightbox shows the file
    assert f'href="/tool/runs-tool/runs/{files["run_id"]}"' in page
    assert ">Open run</a>" in page  # not "Run", which reads as running the tool
    # Sizes as a run's file cards give them, and the minute a file was made.
    assert re.search(
        rf'id="artefact-{files["table.csv"]}".*? · 8 bytes · <time [^>]*>\d{{4}}-\d\d-\d\d \d\d:\d\d<',
        page,
        re.S,
    )
    assert f'href="/api/artefacts/{figure}/file?download=1" download' in page
    assert pixie.get(f"/api/artefacts/{figure}/file?download=1").status_code == 200

    assert card_ids(library(pixie, "?kind=image")) == {figure}

    # Starring without JavaScript: a form post, then back to the same view.
    starred = pixie.http.post(
        f"/library/{files['table.csv']}/star", data={"back": "/library?kind=text"}, follow_redirects=False
    )
    assert starred.status_code == 303
    assert starred.headers["location"] == "/library?kind=text"
    assert card_ids(library(pixie, "?starred=1")) == {files["table.csv"]}
    # With htmx: the card comes back, unstarred (value=0 sets rather than toggles).
    card = pixie.http.post(f"/library/{files['table.csv']}/star", data={"value": "0"}, headers=HTMX)
    assert card.status_code == 200
    assert card.text.lstrip().startswith(f'<li class="artefact-card" id="artefact-{files["table.csv"]}"')
    assert 'aria-pressed="false"' in card.text
    assert pixie.http.post("/library/999999/star").status_code == 404
    # Never back to another site.
    away = pixie.http.post(f"/library/{figure}/star", data={"back": "https://evil.example/"})
    assert away.headers["location"] == "/library"


def test_every_filter_and_the_page_links(pixie: PixieSystem) -> None:
    start(pixie, "runs-tool", "other-tool")
    first = make_files(pixie)
    other = make_files(pixie, "other-tool")
    csv, svg, other_csv = first["table.csv"], first["figure.svg"], other["table.csv"]
    everything = {csv, svg, other_csv, other["figure.svg"]}
    assert card_ids(library(pixie)) == everything

    assert card_ids(library(pixie, "?tool=other-tool")) == {other_csv, other["figure.svg"]}
    assert card_ids(library(pixie, "?kind=text")) == {csv, other_csv}
    assert card_ids(library(pixie, "?kind=image&tool=runs-tool")) == {svg}
    assert card_ids(library(pixie, "?kind=nonsense")) == everything  # an unknown type is no filter

    pixie.http.post(f"/library/{svg}/star", data={"value": "1"})
    assert card_ids(library(pixie, "?starred=1")) == {svg}
    pixie.http.post(f"/library/{csv}/label", data={"label": "Quarterly Results"})
    assert card_ids(library(pixie, "?label=quarterly")) == {csv}  # a case-insensitive search
    assert card_ids(library(pixie, "?label=yearly")) == set()
    pixie.http.post(f"/library/{other_csv}/tags", data={"add": "final"})
    assert card_ids(library(pixie, "?tag=final")) == {other_csv}
    assert card_ids(library(pixie, "?tag=FINAL")) == {other_csv}

    today = datetime.now(UTC).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    assert card_ids(library(pixie, f"?from={today}&to={today}")) == everything
    assert card_ids(library(pixie, f"?from={yesterday}&to={tomorrow}")) == everything
    assert card_ids(library(pixie, f"?to={yesterday}")) == set()
    empty = library(pixie, f"?from={tomorrow}")
    assert card_ids(empty) == set()
    assert "Nothing matches these filters" in empty
    assert 'id="library-count"' not in empty
    one = library(pixie, f"?tool=runs-tool&kind=text&from={today}")
    assert card_ids(one) == {csv}
    assert "1 file matches these filters" in one

    # The form shows the chosen filters again, and a filtered view says so.
    page = library(pixie, f"?tool=other-tool&kind=text&tag=final&label=x&from={today}&to={today}&starred=1")
    assert '<option value="other-tool" selected>' in page
    assert '<option value="text" selected>' in page
    assert 'name="tag" value="final"' in page
    assert 'name="label" value="x"' in page
    assert f'name="from" value="{today}"' in page
    assert 'name="starred" value="1" checked' in page
    assert "Clear filters" in page


def test_pages_keep_the_filters(pixie: PixieSystem) -> None:
    start(pixie)
    runs = [make_files(pixie) for _ in range(13)]  # 26 files: a page of 24 and one of 2
    texts = {run["table.csv"] for run in runs}
    page = library(pixie)
    assert "26 files kept from runs" in page
    assert len(card_ids(page)) == 24
    assert 'href="/library?page=2" rel="next"' in page
    assert 'rel="prev"' not in page
    second = library(pixie, "?page=2")
    assert len(card_ids(second)) == 2
    assert 'href="/library" rel="prev"' in second
    assert card_ids(page) | card_ids(second) == texts | {run["figure.svg"] for run in runs}
    # A filtered view keeps its filters in the page links.
    for run in runs:
        pixie.http.post(f"/library/{run['table.csv']}/tags", data={"add": "csv"})
    tagged = library(pixie, "?tag=csv&kind=text")
    assert card_ids(tagged) == texts
    assert 'rel="next"' not in tagged
    assert 'class="pager"' not in tagged  # one page: no pager saying "Page 1"
    for bad in ("abc", "²", "9" * 30):  # a bad page is page 1
        assert library(pixie, f"?page={bad}").count('class="artefact-card"') == 24


def test_labels_and_tags_are_edited_inline(pixie: PixieSystem) -> None:
    start(pixie)
    files = make_files(pixie)
    csv = files["table.csv"]

    saved = pixie.http.post(
        f"/library/{csv}/label",
        data={"label": "  Sales  ", "back": "/library?kind=text"},
        follow_redirects=False,
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/library?kind=text")
    page = library(pixie)
    assert re.search(
        rf'id="artefact-{csv}".*?<p class="artefact-name" title="table.csv">Sales</p>', page, re.S
    )
    assert f'id="label-{csv}" type="text" name="label" value="Sales"' in page

    card = pixie.http.post(f"/library/{csv}/label", data={"label": "Sales, final"}, headers=HTMX)
    assert card.status_code == 200
    assert '<p class="artefact-name" title="table.csv">Sales, final</p>' in card.text
    cleared = pixie.http.post(f"/library/{csv}/label", data={"label": ""}, headers=HTMX)
    assert '<p class="artefact-name" title="table.csv">table.csv</p>' in cleared.text

    # Too long: a clear message, the label unchanged; the page (no JavaScript) or the card (htmx).
    too_long = "x" * 121
    refused = pixie.http.post(f"/library/{csv}/label", data={"label": too_long, "back": "/library?kind=text"})
    assert refused.status_code == 400
    assert "A label can be at most 120 characters; this one has 121." in refused.text
    assert card_ids(refused.text) == {csv}  # the view it came from
    refused_card = pixie.http.post(f"/library/{csv}/label", data={"label": too_long}, headers=HTMX)
    assert refused_card.status_code == 422
    assert 'class="artefact-error" role="alert">A label can be at most 120 characters' in refused_card.text
    assert '<details class="artefact-edit" open>' in refused_card.text
    assert pixie.get(f"/api/artefacts/{csv}/file").status_code == 200
    assert "x" * 121 not in library(pixie)
    assert (
        pixie.http.post(f"/library/{csv}/label", data={"label": "x" * 120}).status_code == 303
    )  # 120 is fine

    # Tags: several at once (commas or spaces, any case), shown as filter links; removed one by one.
    added = pixie.http.post(f"/library/{csv}/tags", data={"add": "Draft, final  q3"}, headers=HTMX)
    assert added.status_code == 200
    assert re.findall(r'<a class="tag" href="/library\?tag=([^"]+)">', added.text) == ["draft", "final", "q3"]
    assert 'aria-label="Remove tag final"' in added.text
    removed = pixie.http.post(
        f"/library/{csv}/tags", data={"remove": "final", "back": "/library"}, follow_redirects=False
    )
    assert removed.status_code == 303
    assert pixie.http.get(f"/api/runs/{files['run_id']}").status_code == 200
    page = library(pixie, "?tag=draft")
    assert card_ids(page) == {csv}
    assert 'href="/library?tag=final"' not in page
    bad = pixie.http.post(f"/library/{csv}/tags", data={"add": "no way!"}, headers=HTMX)
    assert bad.status_code == 422
    assert "&#39;way!&#39;: a tag is 1 to 32 characters of a-z, 0-9, &#39;_&#39; and &#39;-&#39;." in bad.text
    nothing = pixie.http.post(f"/library/{csv}/tags", data={"add": "  "})
    assert nothing.status_code == 400
    assert "Type a tag to add." in nothing.text
    assert pixie.http.post("/library/999999/label", data={"label": "x"}).status_code == 404
    assert pixie.http.post("/library/999999/tags", data={"add": "x"}, headers=HTMX).status_code == 404


def test_delete_then_undo(pixie: PixieSystem) -> None:
    start(pixie)
    files = make_files(pixie)
    csv, svg = files["table.csv"], files["figure.svg"]

    # Without JavaScript: back to the view with a notice whose Undo restores what was deleted.
    deleted = pixie.http.post(
        f"/library/{csv}/delete", data={"back": "/library?kind=text"}, follow_redirects=False
    )
    assert (deleted.status_code, deleted.headers["location"]) == (303, f"/library?kind=text&deleted={csv}")
    page = library(pixie, f"?kind=text&deleted={csv}")
    assert card_ids(page) == set()
    assert "Deleted 1 file." in page
    assert re.search(
        rf'name="action" value="restore">\s*<input type="hidden" name="ids" value="{csv}">', page
    )
    assert pixie.get(f"/api/artefacts/{csv}/file").status_code == 404
    undone = pixie.http.post(
        "/library/bulk",
        data={"action": "restore", "ids": [str(csv)], "back": f"/library?kind=text&deleted={csv}"},
        follow_redirects=False,
    )
    assert (undone.status_code, undone.headers["location"]) == (303, "/library?kind=text")
    assert card_ids(library(pixie)) == {csv, svg}

    # With htmx: the card turns into a note with Undo, and Undo brings the card back.
    note = pixie.http.post(f"/library/{svg}/delete", data={"back": "/library"}, headers=HTMX)
    assert note.status_code == 200
    assert f'<li class="artefact-card artefact-deleted" id="artefact-{svg}"' in note.text
    assert f'hx-post="/library/{svg}/restore"' in note.text
    assert card_ids(library(pixie)) == {csv}
    back = pixie.http.post(f"/library/{svg}/restore", data={"back": "/library"}, headers=HTMX)
    assert back.status_code == 200
    assert back.text.lstrip().startswith(f'<li class="artefact-card" id="artefact-{svg}"')
    assert card_ids(library(pixie)) == {csv, svg}
    restored = pixie.http.post(
        f"/library/{svg}/restore", data={"back": f"/library?deleted={svg}"}, follow_redirects=True
    )
    assert restored.status_code == 200  # followed back to /library, without the notice
    assert "Deleted 1 file." not in restored.text
    assert pixie.http.post("/library/999999/delete").status_code == 404
    assert pixie.http.post("/library/999999/restore").status_code == 404


def test_bulk_actions_on_the_selection(pixie: PixieSystem) -> None:
    start(pixie)
    first, second = make_files(pixie), make_files(pixie)
    chosen = [first["table.csv"], second["figure.svg"]]
    ids = [str(i) for i in chosen]

    page = library(pixie)
    assert f'name="ids" value="{chosen[0]}" form="library-bulk"' in page
    assert '<form id="library-bulk"' in page

    starred = pixie.http.post(
        "/library/bulk",
        data={"action": "star", "ids": ids, "back": "/library?kind=image"},
        follow_redirects=False,
    )
    assert (starred.status_code, starred.headers["location"]) == (303, "/library?kind=image")
    assert card_ids(library(pixie, "?starred=1")) == set(chosen)
    pixie.http.post("/library/bulk", data={"action": "unstar", "ids": ids[:1]})
    assert card_ids(library(pixie, "?starred=1")) == {chosen[1]}

    pixie.http.post("/library/bulk", data={"action": "label", "ids": ids, "label": "Keep"})
    assert card_ids(library(pixie, "?label=keep")) == set(chosen)

    # htmx follows the redirect and swaps the results it picks out of the page.
    gone = pixie.http.post(
        "/library/bulk",
        data={"action": "delete", "ids": ids, "back": "/library"},
        headers=HTMX,
        follow_redirects=True,
    )
    assert gone.status_code == 200
    assert str(gone.url).endswith(f"/library?deleted={chosen[0]}%2C{chosen[1]}")
    assert "Deleted 2 files." in gone.text
    assert card_ids(gone.text) == {first["figure.svg"], second["table.csv"]}
    pixie.http.post("/library/bulk", data={"action": "restore", "ids": ids})
    assert len(card_ids(library(pixie))) == 4
    # An id that is gone is skipped; the rest still happen.
    skipped = pixie.http.post(
        "/library/bulk", data={"action": "star", "ids": ["999999", "²", "9" * 30, ids[0]]}
    )
    assert skipped.status_code == 303
    assert chosen[0] in card_ids(library(pixie, "?starred=1"))

    for data, message in (
        ({"action": "star"}, "Select at least one file first."),
        ({"action": "explode", "ids": ids}, "Choose what to do with the selected files."),
        (
            {"action": "label", "ids": ids, "label": "y" * 130},
            "A label can be at most 120 characters; this one has 130.",
        ),
    ):
        refused = pixie.http.post("/library/bulk", data={**data, "back": "/library?kind=text"})
        assert refused.status_code == 400, data
        assert message in refused.text
        assert 'class="notice library-problems" role="alert"' in refused.text
        swapped = pixie.http.post("/library/bulk", data=data, headers=HTMX)
        assert swapped.status_code == 422
        assert message in swapped.text
    assert "Keep" in library(pixie, "?label=keep")


BAD_FILTERS = [
    ("?from=2024-13-45", "The “From” date must be a date such as 2026-05-01, not &#39;2024-13-45&#39;."),
    ("?to=yesterday", "The “To” date must be a date such as 2026-05-01, not &#39;yesterday&#39;."),
    ("?from=2026-05-02&to=2026-05-01", "The “From” date is after the “To” date."),
    ("?tag=Not%20a%20tag!", "The tag &#39;not a tag!&#39; cannot match anything"),
    ("?label=" + "z" * 121, "A label search can be at most 120 characters."),
]


def test_bad_filters_say_what_is_wrong(pixie: PixieSystem) -> None:
    start(pixie)
    make_files(pixie)
    for query, message in BAD_FILTERS:
        response = pixie.get("/library" + query)
        assert response.status_code == 400, query
        assert message in response.text
        assert 'class="notice library-problems" role="alert"' in response.text
        assert card_ids(response.text) == set()
        assert "Nothing matches these filters" in response.text
    assert pixie.get("/library?from=2020-01-01").status_code == 200
