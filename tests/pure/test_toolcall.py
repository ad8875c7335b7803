from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.toolcall import request_body, request_headers, unwrap_outputs
from shared.toolspec import ToolSpec, validate_tool_dict


def spec_with(*keys: str) -> ToolSpec:
    outputs = [{"key": key, "type": "text", "label": key} for key in keys]
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": [], "outputs": outputs})
    assert result.spec is not None, result.errors
    return result.spec


@pytest.mark.parametrize(
    ("keys", "answer", "outputs"),
    [
        (("a",), {"a": "x"}, {"a": "x"}),
        (("a",), {"outputs": {"a": "x"}}, {"a": "x"}),  # the wrapper some tools send
        (("a",), {"outputs": {"a": "x"}, "run_id": "r"}, {"a": "x"}),  # beside undeclared keys
        (("a",), {"outputs": {"a": "x"}, "a": "y"}, {"outputs": {"a": "x"}, "a": "y"}),  # flat wins
        (("outputs",), {"outputs": {"a": "x"}}, {"outputs": {"a": "x"}}),  # a declared "outputs"
        (("a",), {"outputs": "x"}, {"outputs": "x"}),  # not an object: not a wrapper
    ],
)
def test_unwrap_outputs(keys: tuple[str, ...], answer: dict[str, Any], outputs: dict[str, Any]) -> None:
    assert unwrap_outputs(spec_with(*keys), answer) == outputs


def test_an_answer_that_is_not_wrapped_is_returned_itself() -> None:
    answer = {"a": "x"}
    assert unwrap_outputs(spec_with("a"), answer) is answer


def test_the_body_carries_the_inputs_both_ways_and_the_run() -> None:
    body = request_body("r1", {"n": 1, "run_id": "mine"}, Path("/runs/r1"))
    assert body == {
        "n": 1,
        "run_id": "r1",
        "inputs": {"n": 1, "run_id": "mine"},
        "_pixie": {"run_id": "r1", "artefacts_dir": "/runs/r1"},
    }
    assert request_headers("r1", Path("/runs/r1")) == {
        "X-Pixie-Run-Id": "r1",
        "X-Pixie-Artefacts-Dir": "/runs/r1",
    }
