"""Workspaces and tool organisation over HTTP, through the three real processes.

One Pixie serves the module (two tools); each test cleans up the workspaces it made, since the
names are unique.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.system import PixieSystem, running_system, wait_until
from tests.support.tools import minimal_tool_json, write_tool

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT")


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("workspaces")
    write_tool(root / "tools", "alpha", minimal_tool_json("alpha", category="Maths"))
    write_tool(root / "tools", "beta", minimal_tool_json("beta", category="Data"))
    with running_system(root) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 2, timeout=10, what="both tools")
        yield running


@pytest.fixture
def http(system: PixieSystem) -> Iterator[httpx.Client]:
    yield system.http
    for workspace in system.http.get("/api/workspaces").json():
        system.http.delete(f"/api/workspaces/{workspace['id']}")
    system.http.post("/api/workspaces/0/activate")
    for tool in ("alpha", "beta"):
        for route in ("favourite", "archive"):
            system.http.post(f"/api/tools/{tool}/{route}", json={"value": False})
        tags = system.http.get("/api/tools").json()
        remove = next(item["tags"] for item in tags if item["id"] == tool)
        if remove:
            system.http.post(f"/api/tools/{tool}/tags", json={"remove": remove})


def error_of(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    for word in words:
        assert word in error["message"], error
    return error


def create(http: httpx.Client, name: str, **extra: Any) -> dict[str, Any]:
    response = http.post("/api/workspaces", json={"name": name, **extra})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def tool_item(http: httpx.Client, tool_id: str, query: str = "") -> dict[str, Any]:
    return next(item for item in http.get(f"/api/tools{query}").json() if item["id"] == tool_id)


def test_a_workspace_is_created_listed_renamed_and_deleted(http: httpx.Client) -> None:
    assert http.get("/api/workspaces").json() == []
    maths = create(http, "  Maths ", colour="#AABBCC")
    assert set(maths) == {"id", "name", "colour", "tool_ids", "created_at"}
    assert (maths["name"], maths["colour"], maths["tool_ids"]) == ("Maths", "#aabbcc", [])
    assert TIMESTAMP.match(maths["created_at"])
    data = create(http, "data")
    assert data["colour"] is None
    assert [item["name"] for item in http.get("/api/workspaces").json()] == ["data", "Maths"]

    renamed = http.patch(f"/api/workspaces/{maths['id']}", json={"name": "Numbers", "colour": "#112233"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {**maths, "name": "Numbers", "colour": "#112233"}
    cleared = http.patch(f"/api/workspaces/{maths['id']}", json={"colour": None}).json()
    assert (cleared["name"], cleared["colour"]) == ("Numbers", None)

    deleted = http.delete(f"/api/workspaces/{maths['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert "content-type" not in deleted.headers  # not text/html: there is no body at all
    assert [item["id"] for item in http.get("/api/workspaces").json()] == [data["id"]]
    error_of(http.delete(f"/api/workspaces/{maths['id']}"), 404, str(maths["id"]))


@pytest.mark.parametrize(
    ("body", "field", "word"),
    [
        ({"name": ""}, "name", "name"),
        ({"name": "   "}, "name", "name"),
        ({"name": "x" * 61}, "name", "name"),
        ({"name": 7}, "name", "name"),
        ({}, "name", "name"),
        ({"name": "Maths", "colour": "red"}, "colour", "colour"),
        ({"name": "Maths", "colour": "#12345"}, "colour", "colour"),
        ({"name": "Maths", "owner": "me"}, "owner", "owner"),
    ],
)
def test_a_bad_workspace_body_is_400_naming_the_field(
    http: httpx.Client, body: dict[str, Any], field: str, word: str
) -> None:
    error = error_of(http.post("/api/workspaces", json=body), 400, word)
    assert error["field"] == field
    assert error["code"] == "BAD_REQUEST"


def test_bodies_that_are_not_objects_and_bad_updates_are_refused(http: httpx.Client) -> None:
    error_of(http.post("/api/workspaces", content=b"not json"), 400, "JSON object")
    error_of(http.post("/api/workspaces", json=["Maths"]), 400, "JSON object")
    maths = create(http, "Maths")
    create(http, "Data")
    error_of(http.post("/api/workspaces", json={"name": "MATHS"}), 409, "Maths")
    error_of(http.patch(f"/api/workspaces/{maths['id']}", json={"name": "data"}), 409, "Data")
    error_of(http.patch(f"/api/workspaces/{maths['id']}", json={}), 400, "name")
    error_of(http.patch(f"/api/workspaces/{maths['id']}", json={"colour": "blue"}), 400, "colour")
    error_of(http.patch(f"/api/workspaces/{maths['id']}", json={"id": 3}), 400, "id")
    error_of(http.patch("/api/workspaces/999", json={"name": "Other"}), 404, "999")
    error_of(http.delete("/api/workspaces/abc"), 404)


def test_tools_are_added_and_removed(http: httpx.Client) -> None:
    maths = create(http, "Maths")
    path = f"/api/workspaces/{maths['id']}/tools"
    for _ in range(2):  # adding twice is fine
        added = http.post(f"{path}/alpha")
        assert (added.status_code, added.content) == (204, b"")
    assert http.post(f"{path}/beta").status_code == 204
    listed = http.get("/api/workspaces").json()
    assert listed == [{**maths, "tool_ids": ["alpha", "beta"]}]
    assert tool_item(http, "alpha")["workspaces"] == [maths["id"]]
    assert [item["id"] for item in http.get(f"/api/tools?workspace={maths['id']}").json()] == [
        "alpha",
        "beta",
    ]

    assert http.delete(f"{path}/beta").status_code == 204
    assert http.get("/api/workspaces").json()[0]["tool_ids"] == ["alpha"]
    assert http.delete(f"{path}/beta").status_code == 204  # removing a non-member that exists is fine
    error_of(http.post(f"{path}/nope"), 404, "nope")
    error_of(http.delete(f"{path}/nope"), 404, "nope")
    error_of(http.post("/api/workspaces/999/tools/alpha"), 404, "999")
    error_of(http.delete("/api/workspaces/999/tools/alpha"), 404, "999")

    assert http.delete(f"/api/workspaces/{maths['id']}").status_code == 204
    assert tool_item(http, "alpha")["workspaces"] == []


def test_the_active_workspace_filters_the_sidebar_and_is_remembered(
    system: PixieSystem, http: httpx.Client
) -> None:
    maths = create(http, "Maths")
    http.post(f"/api/workspaces/{maths['id']}/tools/alpha")
    before = system.get("/").text
    version = re.search(r'data-version="([0-9a-f]+)"', before)
    assert version
    activated = http.post(f"/api/workspaces/{maths['id']}/activate")
    assert activated.json() == {"active_workspace_id": maths["id"]}
    assert http.get("/api/workspaces/active").json() == {"active_workspace_id": maths["id"]}
    redrawn = system.get(f"/tools-changed?v={version.group(1)}")
    assert redrawn.status_code == 200  # the open page's list is redrawn
    assert 'data-tool-id="alpha"' in redrawn.text
    assert 'data-tool-id="beta"' not in redrawn.text
    page = system.get("/").text
    assert re.search(rf'<option value="{maths["id"]}" selected>Maths \(1\)</option>', page)
    error_of(http.post("/api/workspaces/999/activate"), 404, "999")

    assert http.delete(f"/api/workspaces/{maths['id']}").status_code == 204
    assert http.get("/api/workspaces/active").json() == {"active_workspace_id": None}
    assert 'data-tool-id="beta"' in system.get("/").text


def test_flags_and_tags_are_set_and_listed(http: httpx.Client) -> None:
    state = http.post("/api/tools/alpha/favourite", json={"value": True})
    assert state.status_code == 200, state.text
    assert state.json() == {
        "tool_id": "alpha",
        "favourite": True,
        "pinned": False,
        "archived": False,
        "tags": [],
        "workspaces": [],
    }
    tagged = http.post("/api/tools/alpha/tags", json={"add": ["Maths", "ode"]}).json()
    assert tagged["tags"] == ["maths", "ode"]
    tagged = http.post("/api/tools/alpha/tags", json={"add": ["x"], "remove": ["ode"]}).json()
    assert tagged["tags"] == ["maths", "x"]
    archived = http.post("/api/tools/beta/archive", json={"value": True}).json()
    assert archived["archived"] is True

    item = tool_item(http, "alpha")
    assert {key: item[key] for key in ("favourite", "pinned", "archived", "tags", "workspaces")} == {
        "favourite": True,
        "pinned": False,
        "archived": False,
        "tags": ["maths", "x"],
        "workspaces": [],
    }
    assert [item["id"] for item in http.get("/api/tools").json()] == ["alpha", "beta"]  # archived listed
    assert [item["id"] for item in http.get("/api/tools?archived=false").json()] == ["alpha"]
    assert [item["id"] for item in http.get("/api/tools?archived=true").json()] == ["beta"]
    assert [item["id"] for item in http.get("/api/tools?tag=MATHS").json()] == ["alpha"]
    assert http.get("/api/tools?tag=none").json() == []


def test_pin_keeps_the_tool_warm(http: httpx.Client) -> None:
    pinned = http.post("/api/tools/beta/pin", json={"value": True})
    assert pinned.status_code == 200, pinned.text
    assert pinned.json()["pinned"] is True
    assert tool_item(http, "beta")["pinned"] is True
    assert http.post("/api/tools/beta/pin", json={"value": False}).json()["pinned"] is False


@pytest.mark.parametrize("route", ["favourite", "pin", "archive"])
@pytest.mark.parametrize(
    ("body", "word"),
    [({}, "value"), ({"value": "yes"}, "value"), ({"value": 1}, "value"), ({"value": True, "x": 1}, "x")],
)
def test_a_bad_flag_body_is_400_naming_the_field(
    http: httpx.Client, route: str, body: dict[str, Any], word: str
) -> None:
    error = error_of(http.post(f"/api/tools/alpha/{route}", json=body), 400, word)
    assert error["field"] == word


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "add"),
        ({"add": "maths"}, "add"),
        ({"add": [1]}, "add"),
        ({"add": ["no spaces"]}, "add"),
        ({"remove": ["x" * 33]}, "remove"),
        ({"add": ["a"], "remove": ["a"]}, "remove"),
        ({"tags": ["a"]}, "tags"),
    ],
)
def test_a_bad_tags_body_is_400_naming_the_field(
    http: httpx.Client, body: dict[str, Any], field: str
) -> None:
    error = error_of(http.post("/api/tools/alpha/tags", json=body), 400, field)
    assert error["field"] == field


def test_unknown_tools_and_bad_filters(http: httpx.Client) -> None:
    for route in ("favourite", "pin", "archive"):
        error_of(http.post(f"/api/tools/nope/{route}", json={"value": True}), 404, "nope")
    error_of(http.post("/api/tools/nope/tags", json={"add": ["a"]}), 404, "nope")
    assert error_of(http.get("/api/tools?archived=maybe"), 400, "archived")["field"] == "archived"
    assert error_of(http.get("/api/tools?workspace=abc"), 400, "workspace")["field"] == "workspace"
    assert error_of(http.get("/api/tools?workspace=999"), 400, "999")["field"] == "workspace"
    assert error_of(http.get("/api/tools?workspace=²"), 400, "workspace")["field"] == "workspace"
    assert error_of(http.get("/api/tools?tag=Has%20Space"), 400, "tag")["field"] == "tag"
    assert error_of(http.get("/api/tools?bogus=1"), 400, "bogus")["field"] == "bogus"


@pytest.mark.parametrize("workspace_id", ["9223372036854775808", "9" * 30])
def test_ids_beyond_sqlites_integers_are_unknown_workspaces(http: httpx.Client, workspace_id: str) -> None:
    for response in (
        http.patch(f"/api/workspaces/{workspace_id}", json={"name": "Other"}),
        http.delete(f"/api/workspaces/{workspace_id}"),
        http.post(f"/api/workspaces/{workspace_id}/tools/alpha"),
        http.delete(f"/api/workspaces/{workspace_id}/tools/alpha"),
        http.post(f"/workspaces/{workspace_id}/delete"),
    ):
        assert response.status_code == 404, response.text


@pytest.mark.parametrize("raw", ["²", "9" * 30, "x"])
def test_the_workspace_forms_refuse_numbers_that_are_not_ids(http: httpx.Client, raw: str) -> None:
    assert http.post("/workspaces/show", data={"workspace": raw}).status_code == 404
    assert http.post("/tool/alpha/workspaces", data={"workspace": raw, "member": "1"}).status_code == 404


def test_the_html_forms_manage_workspaces_membership_and_tags(
    system: PixieSystem, http: httpx.Client
) -> None:
    made = http.post("/workspaces", data={"name": "Maths", "colour": "#AA0000"})
    assert (made.status_code, made.headers["location"]) == (303, "/workspaces")
    maths = http.get("/api/workspaces").json()[0]
    assert (maths["name"], maths["colour"]) == ("Maths", "#aa0000")
    refused = http.post("/workspaces", data={"name": "maths", "colour": "#000000"})
    assert refused.status_code == 409
    assert "already exists" in refused.text
    assert http.post("/workspaces", data={"name": " ", "colour": "#000000"}).status_code == 400
    assert http.post("/workspaces", data={"name": "Ok", "colour": "red"}).status_code == 400
    assert (
        http.post(f"/workspaces/{maths['id']}", data={"name": "Sums", "colour": "#00aa00"}).status_code == 303
    )
    assert http.get("/api/workspaces").json()[0] | {"created_at": None} == {
        **maths,
        "name": "Sums",
        "colour": "#00aa00",
        "created_at": None,
    }
    assert "Save Sums" in http.get("/workspaces").text

    joined = http.post("/tool/alpha/workspaces", data={"workspace": maths["id"], "member": "1"})
    assert (joined.status_code, joined.headers["location"]) == (303, "/tool/alpha")
    assert "Remove from Sums" in http.get("/tool/alpha").text
    assert http.post("/tool/alpha/workspaces", data={"workspace": "999", "member": "1"}).status_code == 404
    assert (
        http.post("/tool/nope/workspaces", data={"workspace": maths["id"], "member": "1"}).status_code == 404
    )
    shown = http.post("/workspaces/show", data={"workspace": maths["id"], "back": "/tool/alpha"})
    assert (shown.status_code, shown.headers["location"]) == (303, "/tool/alpha")
    assert http.get("/api/workspaces/active").json() == {"active_workspace_id": maths["id"]}
    assert 'data-tool-id="beta"' not in http.get("/").text
    assert http.post("/workspaces/show", data={"workspace": "999"}).status_code == 404
    htmx = http.post("/workspaces/show", data={"workspace": "0"}, headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx.headers["HX-Refresh"]) == (204, "true")
    assert 'data-tool-id="beta"' in http.get("/").text
    left = http.post("/tool/alpha/workspaces", data={"workspace": maths["id"], "member": "0"})
    assert left.status_code == 303
    assert http.get("/api/workspaces").json()[0]["tool_ids"] == []

    tagged = http.post("/tool/alpha/tags", data={"tags": "Maths, ode  ode"})
    assert tagged.status_code == 303
    assert tool_item(http, "alpha")["tags"] == ["maths", "ode"]
    assert 'data-tag="ode"' in http.get("/tool/alpha").text
    assert http.post("/tool/alpha/tags", data={"tags": "ode"}).status_code == 303
    assert tool_item(http, "alpha")["tags"] == ["ode"]
    refused = http.post("/tool/alpha/tags", data={"tags": "ode, b@d"})
    assert refused.status_code == 400
    assert "&#39;b@d&#39; is not a tag" in refused.text  # in words, not the store's field 'add'
    assert "were not changed" in refused.text
    assert tool_item(http, "alpha")["tags"] == ["ode"]
    assert http.post("/tool/nope/tags", data={"tags": "x"}).status_code == 404

    assert http.post(f"/workspaces/{maths['id']}/delete").status_code == 303
    assert http.get("/api/workspaces").json() == []
    assert http.post(f"/workspaces/{maths['id']}/delete").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/workspaces",
        "/api/tools/alpha/favourite",
        "/api/tools/alpha/tags",
        "/api/tools/alpha/run",
        "/api/runs/0123456789abcdef0123456789abcdef/label",
        "/api/artefacts/1/tags",
    ],
)
@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"name": "\xff\xfe"}', "not valid UTF-8"),
        (b"{bad", "not JSON"),
        (b'{"value": 1e999}', "not JSON"),
    ],
)
def test_a_body_that_is_not_json_is_a_400_saying_why(
    http: httpx.Client, path: str, body: bytes, says: str
) -> None:
    response = http.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST"
    assert says in error["message"]


def test_only_a_run_may_send_a_large_body(http: httpx.Client) -> None:
    padding = "x" * (5 * 1024 * 1024)
    for path in ("/api/tools/alpha/favourite", "/api/workspaces"):
        refused = http.post(path, json={"value": True, "padding": padding})
        assert refused.status_code == 413, (path, refused.text[:200])
        assert refused.json()["error"]["message"] == (
            "The request is larger than Pixie takes: a run's form may hold up to 256 MB in at most "
            "1,000 fields, anything else up to 4 MB."
        )
    assert http.post("/tool/alpha/tags", data={"tags": padding}).status_code == 413
    # A form's address refuses a body that is not a form, rather than read it as an empty form.
    tags = tool_item(http, "alpha")["tags"]
    assert http.post("/tool/alpha/tags", json={"tags": ""}).status_code == 415
    assert tool_item(http, "alpha")["tags"] == tags
    run = http.post("/api/tools/alpha/run", json={"inputs": {"padding": padding}})
    assert run.status_code == 422  # read in full: the input is unknown, not too large
    assert "padding" in run.text
