from __future__ import annotations

from typing import Any

import pytest

from shared.toolspec.drift import MAX_DIFFERENCES, schema_drift

BASE = {"id": "t", "name": "T", "inputs": [{"key": "x", "type": "number", "default": 1}], "outputs": []}


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        (BASE, []),
        ({**BASE, "name": "T"}, []),
        (dict(reversed(list(BASE.items()))), []),
        ({**BASE, "inputs": [{"key": "x", "type": "number", "default": 1.0}]}, []),
        ({**BASE, "name": "Other"}, ["name: tool.json has 'T', the tool serves 'Other'"]),
        ({k: v for k, v in BASE.items() if k != "name"}, ["name: in tool.json but not served"]),
        ({**BASE, "extra": 1}, ["extra: served but not in tool.json"]),
        ({**BASE, "inputs": []}, ["inputs: 1 item(s) in tool.json, 0 served"]),
        (
            {**BASE, "inputs": [{"key": "x", "type": "number", "default": True}]},
            ["inputs[0].default: tool.json has 1, the tool serves True"],
        ),
        (
            [1, 2],
            [
                "the document: tool.json has {'id': 't', 'name': 'T', 'inputs': [{'key': 'x', 'type': ..., "
                "the tool serves [1, 2]"
            ],
        ),
    ],
)
def test_schema_drift(served: Any, expected: list[str]) -> None:
    assert schema_drift(BASE, served) == expected


def test_differences_are_capped() -> None:
    many = {f"k{i}": i for i in range(100)}
    assert len(schema_drift(many, {})) == MAX_DIFFERENCES
