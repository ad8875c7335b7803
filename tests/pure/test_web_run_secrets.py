from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.output import SecretMasker
from pixie_web.runs.outcome import Failure
from pixie_web.runs.secrets import ToolSecrets
from shared.dotenv import read_dotenv, write_dotenv
from shared.secrets import secret_values
from shared.toolspec import parse_tool_json

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


def test_the_web_and_the_launcher_hide_the_same_values_of_one_env(tmp_path: Path) -> None:
    """One rule (shared.secrets): what the launcher masks in logs, runs mask in their records."""
    pem = "-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----"
    write_dotenv(
        tmp_path / ".env",
        {"DECLARED": "declared-1", "OPENAI_API_KEY": "sk-live-abc", "DEBUG": "true", "PEM_TOKEN": pem},
    )
    spec = parse_tool_json(
        json.dumps(
            {
                "id": "t", "name": "t", "description": "d", "version": "1", "category": "c",
                "secrets": [{"key": "DECLARED", "description": "d"}],
                "inputs": [], "outputs": [{"key": "o", "type": "text", "label": "o"}],
            }
        )
    ).spec  # fmt: skip
    assert spec is not None
    secrets = ToolSecrets.of(spec, tmp_path)
    text = f"declared-1 sk-live-abc true {pem} MIIBOgIBAAJBAKj34GkxFhD9"
    masker = SecretMasker(secret_values(read_dotenv(tmp_path / ".env"), ["DECLARED"]))
    assert secrets.scrub(text) == masker.mask(text) == "*** *** true *** ***"


def test_a_changed_env_is_read_again_and_a_missing_one_hides_nothing(tmp_path: Path) -> None:
    spec = parse_tool_json(
        json.dumps(
            {
                "id": "t", "name": "t", "description": "d", "version": "1", "category": "c",
                "inputs": [], "outputs": [{"key": "o", "type": "text", "label": "o"}],
            }
        )
    ).spec  # fmt: skip
    assert spec is not None
    assert not ToolSecrets.of(spec, tmp_path)
    write_dotenv(tmp_path / ".env", {"API_TOKEN": "first-token"})
    assert ToolSecrets.of(spec, tmp_path).scrub("first-token") == "***"
    write_dotenv(tmp_path / ".env", {"API_TOKEN": "second-token"})
    assert ToolSecrets.of(spec, tmp_path).scrub("first-token second-token") == "first-token ***"
