"""The artefact library API and run marks, end to end through the three processes.

Artefacts come from real runs of the runs-tool fixture (``mode: files`` writes a CSV and an SVG,
``mode: image`` a 640x480 PNG), so every route is exercised on rows the runner registered.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

ITEM_KEYS = {
    "id", "run_id", "tool_id", "output_key", "filename", "mime", "size_bytes", "sha256",
    "created_at", "starred", "label", "tags", "file_url", "thumb_url",
}  # fmt: skip
PAGE_KEYS = {"items", "page", "page_size", "total", "has_more"}


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("artefacts")
    with running_system(root) as running:
        copy_fixture_tool(running.tools_dir, "runs-tool", source="runs-tool")
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 1, timeout=10, what="the tool")
        yield running


def run(pixie: PixieSystem, mode: str) -> dict[str, Any]:
    result: dict[str, Any] = pixie.http.post(
        "/api/tools/runs-tool/run", json={"inputs": {"mode": mode}}, timeout=60
    ).json()
    assert result["status"] == "ok", result
    return result


@pytest.fixture(scope="module")
def made(pixie: PixieSystem) -> dict[str, Any]:
    """Two runs: one with a CSV and an SVG, one with a PNG (the newest)."""
    files = run(pixie, "files")
    image = run(pixie, "image")
    by_name = {item["filename"]: item for item in files["artefacts"] + image["artefacts"]}
    # A run's answer and its record list its files as /api/artefacts does, and nothing more.
    assert all(set(item) == ITEM_KEYS for item in by_name.values())
    stored = pixie.get(f"/api/runs/{files['run_id']}").json()["artefacts"]
    assert stored == files["artefacts"]
    return {"files": files, "image": image, "by_name": by_name}


def page(pixie: PixieSystem, **params: Any) -> dict[str, Any]:
    response = pixie.get("/api/artefacts", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post(pixie: PixieSystem, path: str, body: Any = None) -> Any:
    return pixie.http.post(path, json=body) if body is not None else pixie.http.post(path)


def test_the_list_has_the_exact_shape_newest_first(pixie: PixieSystem, made: dict[str, Any]) -> None:
    body = page(pixie)
    assert set(body) == PAGE_KEYS
    assert (body["page"], body["page_size"], body["total"], body["has_more"]) == (1, 50, 3, False)
    assert all(set(item) == ITEM_KEYS for item in body["items"])
    assert body["items"][0]["filename"] == "picture.png"  # the newest run's file comes first
    png = body["items"][0]
    assert png["file_url"] == f"/api/artefacts/{png['id']}/file"
    assert png["thumb_url"] == f"/api/artefacts/{png['id']}/thumb"
    assert png["run_id"] == made["image"]["run_id"]
    assert (png["starred"], png["label"], png["tags"], png["mime"]) == (False, None, [], "image/png")


def test_filters_and_paging(pixie: PixieSystem, made: dict[str, Any]) -> None:
    assert [i["filename"] for i in page(pixie, mime="image")["items"]] == ["picture.png", "figure.svg"]
    assert [i["filename"] for i in page(pixie, mime="text/csv")["items"]] == ["table.csv"]
    assert page(pixie, tool="runs-tool")["total"] == 3
    assert page(pixie, tool="nobody")["total"] == 0
    today = made["files"]["artefacts"][0]["created_at"][:10]
    assert page(pixie, **{"from": today, "to": today})["total"] == 3
    assert page(pixie, to="2000-01-01")["total"] == 0
    first = page(pixie, page=1, page_size=2)
    second = page(pixie, page=2, page_size=2)
    assert (len(first["items"]), first["has_more"], len(second["items"]), second["has_more"]) == (
        2,
        True,
        1,
        False,
    )
    assert page(pixie, starred="false")["total"] == 3
    assert page(pixie, tool="")["total"] == 3  # an empty value is no filter


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"starred": "maybe"}, "starred"),
        ({"deleted": "2"}, "deleted"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "²"}, "page"),  # a digit to str.isdigit, not to int()
        ({"page": "9" * 30}, "page"),
        ({"page_size": "²"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
        ({"from": "last tuesday"}, "from"),
        ({"to": "2026-13-45"}, "to"),
        ({"from": "2026-12-01", "to": "2026-01-01"}, "from"),  # the wrong way round
        ({"mime": "not a type"}, "mime"),
        ({"tag": "Has Space"}, "tag"),
        ({"label": "x" * 121}, "label"),
        ({"limit": "10"}, "limit"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(pixie: PixieSystem, params: dict[str, str], name: str) -> None:
    response = pixie.get("/api/artefacts", params=params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST"
    assert error["field"] == name
    assert name in error["message"]


def test_star_label_tags_delete_restore(pixie: PixieSystem, made: dict[str, Any]) -> None:
    item_id = made["by_name"]["table.csv"]["id"]
    base = f"/api/artefacts/{item_id}"
    starred = post(pixie, base + "/star").json()
    assert set(starred) == ITEM_KEYS
    assert starred["starred"] is True
    assert page(pixie, starred="true")["items"][0]["id"] == item_id
    assert post(pixie, base + "/star").json()["starred"] is False  # toggles
    for _ in range(2):  # setting it is safe to retry
        assert post(pixie, base + "/star", {"starred": True}).json()["starred"] is True
    assert post(pixie, base + "/star", {"starred": False}).json()["starred"] is False
    for body, field in (
        ({"starred": "yes"}, "starred"),
        ({}, "starred"),
        ({"star": True}, "star"),
        ([], None),
    ):
        refused = post(pixie, base + "/star", body)
        assert refused.status_code == 400, body
        assert refused.json()["error"].get("field") == field

    assert post(pixie, base + "/label", {"label": "  Quarterly Table "}).json()["label"] == "Quarterly Table"
    assert [i["id"] for i in page(pixie, label="quarterly")["items"]] == [item_id]
    assert post(pixie, base + "/label", {"label": ""}).json()["label"] is None

    tagged = post(pixie, base + "/tags", {"add": ["Finance", "q3"]}).json()
    assert tagged["tags"] == ["finance", "q3"]
    assert [i["id"] for i in page(pixie, tag="finance")["items"]] == [item_id]
    assert post(pixie, base + "/tags", {"remove": ["q3"]}).json()["tags"] == ["finance"]

    served = pixie.get(base + "/file")
    assert served.headers["cache-control"] == "private, no-cache"  # asked again: a delete shows at once
    revalidated = pixie.get(base + "/file", headers={"If-None-Match": served.headers["etag"]})
    assert revalidated.status_code == 304

    deleted = post(pixie, base + "/delete").json()
    assert set(deleted) == ITEM_KEYS
    assert page(pixie)["total"] == 2
    assert [i["id"] for i in page(pixie, deleted="true")["items"]] == [item_id]
    assert pixie.get(base + "/file").status_code == 404
    assert pixie.get(base + "/thumb").status_code == 404
    assert post(pixie, base + "/restore").json()["id"] == item_id
    assert page(pixie)["total"] == 3
    assert pixie.get(base + "/file").status_code == 200


@pytest.mark.parametrize(
    ("suffix", "body", "name"),
    [
        ("/label", {"label": "x" * 121}, "label"),
        ("/label", {"label": 5}, "label"),
        ("/label", {}, "label"),
        ("/label", {"label": "a", "colour": 1}, "colour"),
        ("/label", [1], "body"),
        ("/tags", {"add": "finance"}, "add"),
        ("/tags", {"add": ["Not Valid!"]}, "add"),
        ("/tags", {"remove": ["x" * 40]}, "remove"),
        ("/tags", {"add": ["a"] * 33}, "add"),
        ("/tags", {"rename": []}, "rename"),
    ],
)
def test_bad_bodies_are_400s_naming_the_field(
    pixie: PixieSystem, made: dict[str, Any], suffix: str, body: Any, name: str
) -> None:
    response = post(pixie, f"/api/artefacts/{made['by_name']['table.csv']['id']}{suffix}", body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == name
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("suffix", ["/star", "/label", "/tags", "/delete", "/restore"])
@pytest.mark.parametrize("artefact_id", ["999999", "9223372036854775808", "9" * 30, "²"])
def test_an_unknown_artefact_is_a_404(pixie: PixieSystem, suffix: str, artefact_id: str) -> None:
    body = {"label": "x"} if suffix == "/label" else {"add": ["x"]} if suffix == "/tags" else None
    response = post(pixie, f"/api/artefacts/{artefact_id}{suffix}", body)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    for route in ("thumb", "file"):
        assert pixie.get(f"/api/artefacts/{artefact_id}/{route}").status_code == 404


def test_an_image_thumbnail_is_made_once_and_others_get_a_placeholder(
    pixie: PixieSystem, made: dict[str, Any]
) -> None:
    png = made["by_name"]["picture.png"]
    response = pixie.get(png["thumb_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.size == (256, 192)
    cached = pixie.data_dir / "thumbs" / f"{png['id']}.webp"
    made_at = cached.stat().st_mtime_ns
    assert pixie.get(png["thumb_url"]).content == response.content
    assert cached.stat().st_mtime_ns == made_at  # served from the cache, not made again

    csv = pixie.get(made["by_name"]["table.csv"]["thumb_url"])
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("image/svg+xml")
    assert b"CSV" in csv.content
    assert "sandbox" in csv.headers["content-security-policy"]
    assert b"SVG" in pixie.get(made["by_name"]["figure.svg"]["thumb_url"]).content


def test_runs_can_be_starred_and_labelled(pixie: PixieSystem, made: dict[str, Any]) -> None:
    run_id = made["files"]["run_id"]
    starred = post(pixie, f"/api/runs/{run_id}/star").json()
    assert (starred["id"], starred["starred"]) == (run_id, True)
    assert post(pixie, f"/api/runs/{run_id}/star").json()["starred"] is False
    assert post(pixie, f"/api/runs/{run_id}/star", {"starred": True}).json()["starred"] is True
    assert post(pixie, f"/api/runs/{run_id}/star", {"starred": True}).json()["starred"] is True
    assert post(pixie, f"/api/runs/{run_id}/star", {"starred": False}).json()["starred"] is False
    assert post(pixie, f"/api/runs/{run_id}/label", {"label": "keep me"}).json()["label"] == "keep me"
    assert pixie.get(f"/api/runs/{run_id}").json()["label"] == "keep me"
    assert post(pixie, f"/api/runs/{run_id}/label", {"label": ""}).json()["label"] is None
    for body in ({"label": "x" * 121}, {"label": 1}, {}, {"label": "a", "x": 1}):
        bad = post(pixie, f"/api/runs/{run_id}/label", body)
        assert bad.status_code == 400
        assert bad.json()["error"]["field"] == "label"
    assert post(pixie, "/api/runs/no-such-run/star").status_code == 404
    assert post(pixie, "/api/runs/no-such-run/label", {"label": "x"}).status_code == 404
    assert post(pixie, "/api/runs/bad%20id/star").status_code == 404
