"""The autocomplete proxy through the three Pixie processes: GET /tool/<id>/autocomplete/<endpoint>.

The every-input fixture tool declares one autocomplete input (endpoint ``/suggest``) that answers
fruit names as ``[{value, label}]``, and misbehaves for a few queries (see its main.py). Pixie must
pass on only declared endpoints, start the tool when needed, normalise the answer, and turn every
failure into a JSON error with a sentence a person can act on.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.system import REPO_ROOT, PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

TOOL_ID = "every-input"
SOURCE = REPO_ROOT / "tests" / "fixtures" / "tools" / TOOL_ID
SUGGEST = f"/tool/{TOOL_ID}/autocomplete/suggest"


@pytest.fixture(scope="module")
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("autocomplete")
    shutil.copytree(SOURCE, root / "tools" / TOOL_ID, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    with running_system(root) as system:
        system.wait_healthy()
        wait_until(
            lambda: len(system.get("/api/tools").json()) == 1, timeout=10, what="the tool to be listed"
        )
        # Build the tool's environment once, then stop it: the first test sees it start on demand.
        started = system.http.post(f"/api/tools/{TOOL_ID}/start", timeout=120)
        assert started.status_code == 200, started.text
        stopped = system.http.post(f"/api/tools/{TOOL_ID}/stop", timeout=30)
        assert stopped.status_code == 200, stopped.text
        yield system


def tool_state(pixie: PixieSystem) -> str:
    tools = {tool["id"]: tool for tool in pixie.get("/api/tools").json()}
    return str(tools[TOOL_ID]["status"])


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    return error


def test_suggestions_come_from_the_tool_which_is_started_when_needed(pixie: PixieSystem) -> None:
    assert tool_state(pixie) == "stopped"
    response = pixie.get(SUGGEST, params={"q": "ap"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == [
        {"value": "apple", "label": "Apple"},
        {"value": "apricot", "label": "Apricot"},
        {"value": "grape", "label": "Grape"},
        {"value": "grapefruit", "label": "Grapefruit"},
        {"value": "pineapple", "label": "Pineapple"},
    ]
    assert tool_state(pixie) == "running"


def test_the_endpoint_may_be_written_with_its_slash_and_no_match_is_an_empty_list(pixie: PixieSystem) -> None:
    # "%2Fsuggest" makes a double slash, which the router redirects to the single-slash address.
    url = f"/tool/{TOOL_ID}/autocomplete/%2Fsuggest"
    encoded = pixie.get(url, params={"q": "plum"}, timeout=30, follow_redirects=True)
    assert encoded.status_code == 200, encoded.text
    assert encoded.json() == [{"value": "plum", "label": "Plum"}]
    nothing = pixie.get(SUGGEST, params={"q": "zzz"}, timeout=30)
    assert nothing.status_code == 200
    assert nothing.json() == []


def test_plain_strings_become_value_label_pairs(pixie: PixieSystem) -> None:
    response = pixie.get(SUGGEST, params={"q": "plain:pe"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"value": "Grape", "label": "Grape"},
        {"value": "Grapefruit", "label": "Grapefruit"},
        {"value": "Pear", "label": "Pear"},
    ]


@pytest.mark.parametrize("endpoint", ["secret", "run", "healthz", "suggest/more"])
def test_only_declared_endpoints_are_passed_on(pixie: PixieSystem, endpoint: str) -> None:
    response = pixie.get(f"/tool/{TOOL_ID}/autocomplete/{endpoint}", params={"q": "a"}, timeout=30)
    error = error_of(response, 404)
    assert error["code"] == "NOT_FOUND"
    assert error["message"] == (
        f"Every input declares no autocomplete endpoint '/{endpoint}' in its tool.json "
        "(it declares: /suggest)."
    )


def test_an_unknown_tool_is_a_json_404(pixie: PixieSystem) -> None:
    error = error_of(pixie.get("/tool/no-such-tool/autocomplete/suggest", params={"q": "a"}), 404)
    assert error == {"code": "NOT_FOUND", "message": "There is no tool called 'no-such-tool'."}


def test_a_tool_error_is_a_clear_json_error(pixie: PixieSystem) -> None:
    error = error_of(pixie.get(SUGGEST, params={"q": "boom"}, timeout=30), 502)
    assert error == {
        "code": "TOOL_FAILED",
        "message": 'Every input answered 500 to /suggest: {"detail": "the fruit database is on fire"}',
    }


def test_an_answer_that_is_not_suggestions_is_a_clear_json_error(pixie: PixieSystem) -> None:
    error = error_of(pixie.get(SUGGEST, params={"q": "weird"}, timeout=30), 502)
    assert error == {
        "code": "TOOL_FAILED",
        "message": "Every input answered /suggest with something other than suggestions: "
        "a JSON list of suggestions was expected, not dict.",
    }


def test_a_slow_tool_times_out_after_three_seconds(pixie: PixieSystem) -> None:
    began = time.monotonic()
    error = error_of(pixie.get(SUGGEST, params={"q": "slow"}, timeout=30), 504)
    took = time.monotonic() - began
    assert error == {"code": "TIMEOUT", "message": "Every input did not answer with suggestions within 3 s."}
    assert 2.9 <= took < 5.5, took  # the tool itself would take 6 s
    # The lease was returned: the tool still answers at once.
    assert pixie.get(SUGGEST, params={"q": "lemon"}, timeout=30).json() == [
        {"value": "lemon", "label": "Lemon"}
    ]
