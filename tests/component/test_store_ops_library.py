"""Store ops for the artefact library and workspaces, on a real SQLite file through a real socket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shared.wire import ErrorCode, WireError
from tests.support.store import FakeClock, StoreHarness, expect_error, served_store

T0 = "2026-11-30T04:37:43.123Z"
SHA = "ab" * 32


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[StoreHarness]:
    async with served_store(tmp_path / "data", clock=clock) as harness:
        await harness.call("runs.create", {"tool_id": "lorenz", "inputs": {}, "run_id": "r1"})
        await harness.call("runs.create", {"tool_id": "csv", "inputs": {}, "run_id": "r2"})
        yield harness


def artefact(name: str, run_id: str = "r1", tool_id: str = "lorenz", **extra: Any) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "tool_id": tool_id,
        "rel_path": f"{tool_id}/2026-11-30/{run_id}/{name}",
        "filename": name,
        "mime": "image/png",
        "size_bytes": 1234,
        "sha256": SHA,
        **extra,
    }


BAD_ARGUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("artefacts.add", {k: v for k, v in artefact("a.png").items() if k != "sha256"}, "sha256"),
    ("artefacts.add", artefact("a.png", sha256="ABC"), "sha256"),
    ("artefacts.add", artefact("a.png", rel_path="../../etc/passwd"), "rel_path"),
    ("artefacts.add", artefact("a.png", rel_path="/abs/a.png"), "rel_path"),
    ("artefacts.add", artefact("a.png", filename="dir/a.png"), "filename"),
    ("artefacts.add", artefact("a.png", mime="png"), "mime"),
    ("artefacts.add", artefact("a.png", size_bytes=-1), "size_bytes"),
    ("artefacts.add", artefact("a.png", size_bytes=1.5), "size_bytes"),
    ("artefacts.add", artefact("a.png", created_at="2026-11-30 noon"), "created_at"),
    ("artefacts.add", artefact("a.png", output_key=3), "output_key"),
    ("artefacts.add", artefact("a.png", run_id="r 1"), "run_id"),
    ("artefacts.add", artefact("a.png", tool_id="csv"), "tool_id"),  # r1 belongs to lorenz
    ("artefacts.add", artefact("a.png", tags=["x"]), "tags"),
    ("artefacts.get", {}, "id"),
    ("artefacts.get", {"id": "1"}, "id"),
    ("artefacts.get", {"id": 0}, "id"),
    ("artefacts.list", {"tool": 5}, "tool"),
    ("artefacts.list", {"mime": "image/"}, "mime"),
    ("artefacts.list", {"starred": "true"}, "starred"),
    ("artefacts.list", {"label": ""}, "label"),
    ("artefacts.list", {"tag": "two words"}, "tag"),
    ("artefacts.list", {"from": "last week"}, "from"),
    ("artefacts.list", {"to": "2026-02-30"}, "to"),
    ("artefacts.list", {"deleted": 1}, "deleted"),
    ("artefacts.list", {"page": 0}, "page"),
    ("artefacts.list", {"page_size": 201}, "page_size"),
    ("artefacts.list", {"page_size": 0}, "page_size"),
    ("artefacts.list", {"sort": "oldest"}, "sort"),
    ("artefacts.update", {"id": 1, "starred": "yes"}, "starred"),
    ("artefacts.update", {"id": 1, "label": "x" * 121}, "label"),
    ("artefacts.update", {"id": 1, "label": "a\x00b"}, "label"),
    ("artefacts.update", {"id": 1, "label": "two\nlines"}, "label"),
    ("artefacts.update", {"id": 1, "add_tags": "x"}, "add_tags"),
    ("artefacts.update", {"id": 1, "add_tags": ["ok", "not ok"]}, "add_tags"),
    ("artefacts.update", {"id": 1, "remove_tags": [1]}, "remove_tags"),
    ("artefacts.update", {"id": 1, "add_tags": [f"t{i}" for i in range(33)]}, "add_tags"),
    ("artefacts.delete", {"id": -3}, "id"),
    ("artefacts.restore", {}, "id"),
    ("artefacts.for_run", {"run_id": ""}, "run_id"),
    ("workspaces.list", {"all": True}, "all"),
    ("workspaces.create", {}, "name"),
    ("workspaces.create", {"name": "   "}, "name"),
    ("workspaces.create", {"name": "x" * 61}, "name"),
    ("workspaces.create", {"name": "Ma\x00ths"}, "name"),
    ("workspaces.create", {"name": "Two\nlines"}, "name"),
    ("workspaces.create", {"name": "Maths", "colour": "red"}, "colour"),
    ("workspaces.create", {"name": "Maths", "colour": "#12345"}, "colour"),
    ("workspaces.update", {"name": "x"}, "id"),
    ("workspaces.update", {"id": 1, "name": ""}, "name"),
    ("workspaces.update", {"id": 1, "colour": "#zzzzzz"}, "colour"),
    ("workspaces.delete", {"id": "one"}, "id"),
    ("workspaces.add_tool", {"id": 1}, "tool_id"),
    ("workspaces.remove_tool", {"tool_id": "x"}, "id"),
]


@pytest.mark.parametrize(("op", "args", "field"), BAD_ARGUMENTS)
async def test_bad_argument_is_bad_request_naming_the_field(
    store: StoreHarness, op: str, args: dict[str, Any], field: str
) -> None:
    await expect_error(store.call(op, args), ErrorCode.BAD_REQUEST, field)


# --- artefacts --------------------------------------------------------------------------------


async def test_artefact_add_get_and_conflicts(store: StoreHarness) -> None:
    item = await store.call("artefacts.add", artefact("plot.png", output_key="plot", mime="Image/PNG"))
    assert item == {
        "id": item["id"],
        "run_id": "r1",
        "tool_id": "lorenz",
        "output_key": "plot",
        "rel_path": "lorenz/2026-11-30/r1/plot.png",
        "filename": "plot.png",
        "mime": "image/png",
        "size_bytes": 1234,
        "sha256": SHA,
        "created_at": T0,
        "starred": False,
        "label": None,
        "tags": [],
        "deleted_at": None,
    }
    assert await store.call("artefacts.get", {"id": item["id"]}) == item
    given = await store.call("artefacts.add", artefact("b.csv", created_at="2026-11-29T12:00:00Z"))
    assert given["created_at"] == "2026-11-29T12:00:00.000Z"
    await expect_error(store.call("artefacts.add", artefact("plot.png")), ErrorCode.CONFLICT)
    await expect_error(store.call("artefacts.add", artefact("x.png", run_id="nope")), ErrorCode.NOT_FOUND)
    await expect_error(store.call("artefacts.get", {"id": 999}), ErrorCode.NOT_FOUND)
    for op in ("artefacts.delete", "artefacts.restore"):
        await expect_error(store.call(op, {"id": 999}), ErrorCode.NOT_FOUND)
    await expect_error(store.call("artefacts.update", {"id": 999, "starred": True}), ErrorCode.NOT_FOUND)
    await expect_error(store.call("artefacts.for_run", {"run_id": "nope"}), ErrorCode.NOT_FOUND)


async def test_artefact_update_star_label_tags(store: StoreHarness) -> None:
    item = await store.call("artefacts.add", artefact("plot.png"))
    updated = await store.call(
        "artefacts.update",
        {"id": item["id"], "starred": True, "label": " Best ", "add_tags": ["Maths", "viz", "maths"]},
    )
    assert (updated["starred"], updated["label"], updated["tags"]) == (True, "Best", ["maths", "viz"])
    updated = await store.call(
        "artefacts.update", {"id": item["id"], "remove_tags": ["VIZ"], "add_tags": ["z"]}
    )
    assert (updated["starred"], updated["label"], updated["tags"]) == (True, "Best", ["maths", "z"])
    updated = await store.call("artefacts.update", {"id": item["id"], "label": "", "starred": False})
    assert (updated["starred"], updated["label"]) == (False, None)


async def test_an_artefact_holds_at_most_32_tags_and_an_update_past_that_changes_nothing(
    store: StoreHarness,
) -> None:
    item = await store.call("artefacts.add", artefact("plot.png"))
    full = await store.call(
        "artefacts.update", {"id": item["id"], "add_tags": [f"t{i:02}" for i in range(32)]}
    )
    assert len(full["tags"]) == 32
    again = await store.call("artefacts.update", {"id": item["id"], "add_tags": ["t00"]})  # already there
    assert len(again["tags"]) == 32
    await expect_error(
        store.call("artefacts.update", {"id": item["id"], "add_tags": ["extra"], "label": "kept?"}),
        ErrorCode.BAD_REQUEST,
        "add_tags",
    )
    after = await store.call("artefacts.get", {"id": item["id"]})
    assert (len(after["tags"]), after["label"]) == (32, None)  # rolled back, label included


async def test_a_runs_large_output_kept_as_a_file_is_not_deleted_on_its_own(store: StoreHarness) -> None:
    spilled = await store.call(
        "artefacts.add",
        artefact(".pixie/text.json", filename="text.json", output_key="text", mime="application/json"),
    )
    with pytest.raises(WireError) as caught:
        await store.call("artefacts.delete", {"id": spilled["id"]})
    assert caught.value.code is ErrorCode.CONFLICT
    assert "holds the 'text' output of its run" in caught.value.message
    assert (await store.call("artefacts.get", {"id": spilled["id"]}))["deleted_at"] is None
    beside = await store.call("artefacts.add", artefact("notes/.pixie-ish.txt", filename="x.txt"))
    assert (await store.call("artefacts.delete", {"id": beside["id"]}))["deleted_at"] is not None


async def test_artefact_soft_delete_restore_and_for_run(store: StoreHarness, clock: FakeClock) -> None:
    first = await store.call("artefacts.add", artefact("a.png"))
    second = await store.call("artefacts.add", artefact("b.png"))
    await store.call("artefacts.add", artefact("c.csv", run_id="r2", tool_id="csv"))
    clock.advance(minutes=5)
    deleted = await store.call("artefacts.delete", {"id": first["id"]})
    assert deleted["deleted_at"] == "2026-11-30T04:42:43.123Z"
    clock.advance(minutes=5)
    again = await store.call("artefacts.delete", {"id": first["id"]})
    assert again["deleted_at"] == deleted["deleted_at"]  # the bin's clock is not reset
    assert (await store.call("artefacts.get", {"id": first["id"]}))["deleted_at"] == deleted["deleted_at"]

    in_run = await store.call("artefacts.for_run", {"run_id": "r1"})
    assert [item["id"] for item in in_run["items"]] == [second["id"]]
    assert (await store.call("artefacts.list"))["total"] == 2
    binned = await store.call("artefacts.list", {"deleted": True})
    assert [item["id"] for item in binned["items"]] == [first["id"]]

    restored = await store.call("artefacts.restore", {"id": first["id"]})
    assert restored["deleted_at"] is None
    in_run = await store.call("artefacts.for_run", {"run_id": "r1"})
    assert [item["id"] for item in in_run["items"]] == [first["id"], second["id"]]


async def test_artefact_list_filters(store: StoreHarness) -> None:
    rows = [
        ("a.png", "r1", "lorenz", "image/png", "2026-11-01T10:00:00Z"),
        ("b.jpg", "r1", "lorenz", "image/jpeg", "2026-11-02T23:59:59.999Z"),
        ("c.csv", "r2", "csv", "text/csv", "2026-11-03T00:00:00Z"),
        ("d.png", "r2", "csv", "image/png", "2026-11-04T08:00:00Z"),
        ("e.txt", "r2", "csv", "text/plain", "2026-11-05T08:00:00Z"),
    ]
    ids: dict[str, int] = {}
    for name, run_id, tool, mime, created in rows:
        ids[name] = (
            await store.call(
                "artefacts.add", artefact(name, run_id=run_id, tool_id=tool, mime=mime, created_at=created)
            )
        )["id"]
    await store.call("artefacts.update", {"id": ids["a.png"], "starred": True, "label": "Attractor 50%"})
    await store.call("artefacts.update", {"id": ids["d.png"], "starred": True, "add_tags": ["report"]})
    await store.call(
        "artefacts.update", {"id": ids["c.csv"], "label": "summary", "add_tags": ["report", "raw"]}
    )
    await store.call("artefacts.delete", {"id": ids["e.txt"]})

    async def names(**filters: Any) -> list[str]:
        result = await store.call("artefacts.list", filters)
        assert result["total"] == len(result["items"])
        return [item["filename"] for item in result["items"]]

    assert await names() == ["d.png", "c.csv", "b.jpg", "a.png"]
    assert await names(tool="csv") == ["d.png", "c.csv"]
    assert await names(mime="image") == ["d.png", "b.jpg", "a.png"]
    assert await names(mime="IMAGE/PNG") == ["d.png", "a.png"]
    assert await names(mime="text") == ["c.csv"]
    assert await names(starred=True) == ["d.png", "a.png"]
    assert await names(starred=False) == ["c.csv", "b.jpg"]
    assert await names(label="ATTRACTOR") == ["a.png"]
    assert await names(label="50%") == ["a.png"]
    assert await names(label="%") == ["a.png"]
    assert await names(label="mm") == ["c.csv"]
    assert await names(tag="Report") == ["d.png", "c.csv"]
    assert await names(tag="raw") == ["c.csv"]
    assert await names(tag="none") == []
    assert await names(**{"from": "2026-11-02", "to": "2026-11-02"}) == ["b.jpg"]
    assert await names(to="2026-11-02") == ["b.jpg", "a.png"]
    assert await names(**{"from": "2026-11-03T00:00:00Z"}) == ["d.png", "c.csv"]
    assert await names(**{"from": "2026-11-02T23:59:59.999Z", "to": "2026-11-03T00:00:00Z"}) == [
        "c.csv",
        "b.jpg",
    ]
    assert await names(tool="csv", mime="image", starred=True, tag="report") == ["d.png"]
    assert await names(tool="lorenz", tag="report") == []
    assert await names(deleted=True) == ["e.txt"]
    assert await names(deleted=True, tool="lorenz") == []


async def test_artefact_list_pages(store: StoreHarness, clock: FakeClock) -> None:
    for index in range(7):
        await store.call("artefacts.add", artefact(f"{index}.png"))
        clock.advance(seconds=1)
    pages = []
    for page in (1, 2, 3, 4):
        result = await store.call("artefacts.list", {"page": page, "page_size": 3})
        assert (result["page"], result["page_size"], result["total"]) == (page, 3, 7)
        pages.append(([item["filename"] for item in result["items"]], result["has_more"]))
    assert pages == [
        (["6.png", "5.png", "4.png"], True),
        (["3.png", "2.png", "1.png"], True),
        (["0.png"], False),
        ([], False),
    ]
    default = await store.call("artefacts.list")
    assert (default["page"], default["page_size"], default["has_more"]) == (1, 50, False)


async def test_artefacts_with_the_same_timestamp_have_a_stable_order(store: StoreHarness) -> None:
    added = [(await store.call("artefacts.add", artefact(f"{index}.png")))["id"] for index in range(5)]
    first = await store.call("artefacts.list", {"page_size": 2})
    rest = await store.call("artefacts.list", {"page_size": 2, "page": 2})
    last = await store.call("artefacts.list", {"page_size": 2, "page": 3})
    listed = [item["id"] for page in (first, rest, last) for item in page["items"]]
    assert listed == added[::-1]


# --- workspaces -------------------------------------------------------------------------------


async def test_workspace_lifecycle(store: StoreHarness, clock: FakeClock) -> None:
    assert await store.call("workspaces.list") == {"items": []}
    maths = await store.call("workspaces.create", {"name": "  Maths ", "colour": "#AABBCC"})
    assert maths == {
        "id": maths["id"],
        "name": "Maths",
        "colour": "#aabbcc",
        "tool_ids": [],
        "created_at": T0,
    }
    await expect_error(store.call("workspaces.create", {"name": "MATHS"}), ErrorCode.CONFLICT)
    admin = await store.call("workspaces.create", {"name": "admin"})
    assert admin["colour"] is None

    clock.advance(seconds=1)
    await store.call("workspaces.add_tool", {"id": maths["id"], "tool_id": "lorenz"})
    clock.advance(seconds=1)
    await store.call("workspaces.add_tool", {"id": maths["id"], "tool_id": "csv"})
    again = await store.call("workspaces.add_tool", {"id": maths["id"], "tool_id": "lorenz"})
    assert again["tool_ids"] == ["lorenz", "csv"]
    await store.call("workspaces.add_tool", {"id": admin["id"], "tool_id": "lorenz"})

    listed = await store.call("workspaces.list")
    assert [(w["name"], w["tool_ids"]) for w in listed["items"]] == [
        ("admin", ["lorenz"]),
        ("Maths", ["lorenz", "csv"]),
    ]

    await expect_error(
        store.call("workspaces.update", {"id": admin["id"], "name": "maths"}), ErrorCode.CONFLICT
    )
    renamed = await store.call("workspaces.update", {"id": maths["id"], "name": "maths", "colour": ""})
    assert (renamed["name"], renamed["colour"]) == ("maths", None)
    recoloured = await store.call("workspaces.update", {"id": maths["id"], "colour": "#010203"})
    assert (recoloured["name"], recoloured["colour"]) == ("maths", "#010203")

    removed = await store.call("workspaces.remove_tool", {"id": maths["id"], "tool_id": "lorenz"})
    assert removed["tool_ids"] == ["csv"]
    assert (await store.call("workspaces.remove_tool", {"id": maths["id"], "tool_id": "absent"}))[
        "tool_ids"
    ] == ["csv"]

    assert await store.call("workspaces.delete", {"id": maths["id"]}) == {"id": maths["id"], "deleted": True}
    async with store.db.read() as tx:  # memberships went with it
        assert (
            await tx.scalar("SELECT count(*) FROM tool_workspaces WHERE workspace_id = ?", (maths["id"],))
            == 0
        )
    assert [w["name"] for w in (await store.call("workspaces.list"))["items"]] == ["admin"]
    for op, args in [
        ("workspaces.delete", {"id": maths["id"]}),
        ("workspaces.update", {"id": maths["id"], "name": "x"}),
        ("workspaces.add_tool", {"id": maths["id"], "tool_id": "x"}),
        ("workspaces.remove_tool", {"id": maths["id"], "tool_id": "x"}),
    ]:
        await expect_error(store.call(op, args), ErrorCode.NOT_FOUND)
