from __future__ import annotations

from typing import Any

import pytest

from pixie_web.filters import failure_title, input_summary, run_status_text


@pytest.mark.parametrize(
    ("inputs", "summary"),
    [
        ({"sigma": 10, "rho": 28}, "sigma: 10, rho: 28"),
        ({"name": "Ada", "on": True, "tags": ["a"]}, 'name: Ada, on: true, tags: ["a"]'),
        ({"file": "data:text/csv;base64,AAAA"}, "file: (file)"),
        ({}, ""),
        (None, ""),
        ({"text": "x" * 200}, "text: " + "x" * 73 + "…"),
    ],
)
def test_input_summary(inputs: Any, summary: str) -> None:
    assert input_summary(inputs) == summary


def test_words() -> None:
    assert run_status_text("ok") == "Finished"
    assert run_status_text("weird") == "weird"
    assert failure_title("timeout") == "The run took too long"
    assert failure_title("other") == "The run failed"
