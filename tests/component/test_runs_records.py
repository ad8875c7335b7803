"""What is stored and sent for a run: secrets masked in stored inputs, the body tools receive."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pixie_web.after_answer import AfterAnswerMiddleware
from pixie_web.runs.records import Records, mask_secrets
from shared.toolcall import request_body
from shared.toolspec import validate_tool_dict


def _spec(secrets: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    spec = validate_tool_dict(
        {
            "id": "t",
            "name": "T",
            "secrets": secrets,
            "inputs": [{"key": "q", "type": "text", "label": "Q"}],
            "outputs": [],
        }
    ).spec
    assert spec is not None
    return spec


def test_values_of_declared_secrets_never_reach_the_stored_inputs(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('API_TOKEN="tok-12345"\nDEBUG="true"\n')
    spec = _spec([{"key": "API_TOKEN"}])
    inputs = {
        "q": "use tok-12345 please",
        "nested": {"list": ["tok-12345", 1]},
        "flag": True,
        "debug": "true",
    }
    assert mask_secrets(inputs, spec, tmp_path) == {
        "q": "use *** please",
        "nested": {"list": ["***", 1]},
        "flag": True,
        "debug": "true",  # undeclared .env values are not secrets
    }


def test_without_secrets_inputs_are_stored_as_given(tmp_path: Path) -> None:
    assert mask_secrets({"q": "x"}, _spec([]), tmp_path) == {"q": "x"}


def test_the_body_has_inputs_nested_and_flat_and_pixies_block(tmp_path: Path) -> None:
    body = request_body("r1", {"q": "x", "run_id": "clash", "inputs": "clash"}, tmp_path)
    assert body == {
        "q": "x",
        "run_id": "r1",
        "inputs": {"q": "x", "run_id": "clash", "inputs": "clash"},
        "_pixie": {"run_id": "r1", "artefacts_dir": str(tmp_path)},
    }


class _RecordingStore:
    """Stands in for the store's PX1 client: this test is about what Records sends, not SQLite."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call(self, op: str, args: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls.append((op, args))
        return {}


async def test_a_run_whose_outputs_cannot_be_kept_is_still_recorded_saying_so() -> None:
    store = _RecordingStore()
    records = Records(SimpleNamespace(store=store), lambda task: None)  # type: ignore[arg-type]

    async def keep_outputs() -> Any:
        raise OSError(28, "No space left on device")

    records.finish_soon("r1", "ok", keep_outputs=keep_outputs)
    await records.settled("r1")
    assert len(store.calls) == 1
    op, args = store.calls[0]
    assert op == "runs.finish"
    assert args["run_id"] == "r1"
    assert "outputs" not in args
    assert "could not keep this run's outputs" in args["error"]
    assert "No space left on device" in args["error"]


async def test_kept_outputs_are_what_the_record_stores() -> None:
    store = _RecordingStore()
    records = Records(SimpleNamespace(store=store), lambda task: None)  # type: ignore[arg-type]

    async def keep_outputs() -> Any:
        return {"big": {"$pixie_artefact": 7}}

    records.finish_soon("r2", "ok", keep_outputs=keep_outputs)
    await records.settled("r2")
    assert store.calls == [
        ("runs.finish", {"run_id": "r2", "status": "ok", "outputs": {"big": {"$pixie_artefact": 7}}})
    ]


async def test_within_a_request_the_record_is_finished_after_the_answer_is_sent() -> None:
    """Finishing (and measuring a large result for spilling) must not delay the answer."""
    store = _RecordingStore()
    records = Records(SimpleNamespace(store=store), lambda task: None)  # type: ignore[arg-type]
    seen_when_sending: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        records.finish_soon("r3", "ok")
        for _ in range(3):
            await asyncio.sleep(0)
        seen_when_sending.append(len(store.calls))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    await AfterAnswerMiddleware(app)({"type": "http"}, receive, send)
    await records.settled("r3")
    assert seen_when_sending == [0]
    assert [op for op, _ in store.calls] == ["runs.finish"]
