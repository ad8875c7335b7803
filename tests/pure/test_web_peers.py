from __future__ import annotations

import pytest

from pixie_web.peers import LAUNCHER, STORE, describe_missing


@pytest.mark.parametrize(
    ("missing", "sentence"),
    [
        ([STORE], "Pixie is not fully running: the store (run history and settings) is not answering."),
        ([LAUNCHER], "Pixie is not fully running: the launcher (tools) is not answering."),
        (
            [STORE, LAUNCHER],
            "Pixie is not fully running: the store (run history and settings) and the launcher (tools) "
            "are not answering.",
        ),
    ],
)
def test_describe_missing(missing: list[str], sentence: str) -> None:
    assert describe_missing(missing) == sentence
