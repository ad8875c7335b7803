"""A run that ends while the store is down is recorded once the store is back, as it ended.

The web process finishes a run's record after answering; when the store cannot take it, the
finish is retried until it can. The store marks the run ``interrupted`` when it restarts, and
the retried finish then replaces that with the real result, stamped with the time the run ended
rather than the time the store came back.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from shared.timestamps import parse_instant
from tests.support.launcher import copy_fixture_tool
from tests.support.system import PixieSystem, running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.fixture
def pixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    root = tmp_path_factory.mktemp("outage")
    copy_fixture_tool(root / "tools", "slow-tool", source="runs-tool")
    with running_system(root) as running:
        running.wait_healthy()
        wait_until(lambda: len(running.get("/api/tools").json()) == 1, timeout=10, what="the tool")
        yield running


def running_run_id(pixie: PixieSystem) -> str | None:
    listing = pixie.get("/api/tools/slow-tool/runs")
    if listing.status_code != 200:
        return None
    running = [run["id"] for run in listing.json()["items"] if run["status"] == "running"]
    return running[0] if running else None


def test_a_run_that_ends_while_the_store_is_down_is_recorded_when_it_returns(pixie: PixieSystem) -> None:
    answers: list[httpx.Response] = []

    def run() -> None:
        with httpx.Client(base_url=pixie.base_url, timeout=60, trust_env=False) as client:
            body = {"inputs": {"mode": "slow", "seconds": 2}}
            answers.append(client.post("/api/tools/slow-tool/run", json=body))

    caller = threading.Thread(target=run)
    caller.start()
    wait_until(lambda: running_run_id(pixie) is not None, timeout=20, what="the run to start")
    run_id = running_run_id(pixie)

    pixie["store"].signal(signal.SIGKILL)
    pixie["store"].wait(5)
    caller.join(30)
    assert len(answers) == 1
    assert answers[0].status_code == 200, answers[0].text
    assert answers[0].json()["status"] == "ok"  # the answer does not wait for the record
    wait_until(
        lambda: "store" in pixie.healthz().json().get("missing", []), timeout=10, what="the store missed"
    )

    back_at = datetime.now(UTC)
    pixie["store"].start()
    pixie.wait_healthy(timeout=20)

    def recorded() -> bool:
        answer = pixie.get(f"/api/runs/{run_id}")
        return answer.status_code == 200 and answer.json()["status"] == "ok"

    wait_until(recorded, timeout=30, what="the run's record to be finished")
    stored = pixie.get(f"/api/runs/{run_id}").json()
    assert stored["outputs"] == answers[0].json()["outputs"]
    assert stored["error"] is None
    assert parse_instant(stored["finished_at"]) < back_at  # when it ended, not when it was recorded
    assert stored["duration_ms"] < 20_000
