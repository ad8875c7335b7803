from __future__ import annotations

from typing import Any

import pytest

from pixie_web.runs.outcome import Failure
from pixie_web.runs.secrets import ToolSecrets

SECRETS = ToolSecrets(("tok-12345", 'quo"te\\d'))


@pytest.mark.parametrize(
    ("value", "scrubbed"),
    [
        ("use tok-12345 twice: tok-12345", "use *** twice: ***"),
        ({"tok-12345": ["tok-12345", 1, None, True]}, {"***": ["***", 1, None, True]}),  # keys too
        (("a", "tok-12345"), ["a", "***"]),
        ('say quo"te\\d', "say ***"),
        ("tok-1234", "tok-1234"),  # not the whole secret
        (12345, 12345),
    ],
)
def test_scrub(value: Any, scrubbed: Any) -> None:
    assert SECRETS.scrub(value) == scrubbed


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b'{"text": "tok-12345"}', True),
        (b'{"text": "quo\\"te\\\\d"}', True),  # as JSON escapes it
        (b'{"text": "tok-1234"}', False),
        (b"{}", False),
    ],
)
def test_found_in_json_text(data: bytes, found: bool) -> None:
    assert SECRETS.found_in(data) is found


def test_a_failure_loses_its_secrets_and_no_secrets_change_nothing() -> None:
    failure = Failure("tool_error", "bad tok-12345", "stderr: tok-12345", {"key": "tok-12345 is wrong"})
    assert SECRETS.scrub_failure(failure) == Failure(
        "tool_error", "bad ***", "stderr: ***", {"key": "*** is wrong"}
    )
    assert SECRETS.scrub_failure(None) is None
    assert not ToolSecrets()
    assert ToolSecrets().scrub_failure(failure) is failure
    value = {"a": "tok-12345"}
    assert ToolSecrets().scrub(value) is value
