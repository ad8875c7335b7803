from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import SETTINGS, ConfigError, Settings, describe, is_loopback_literal, load_settings


def _write_toml(root: Path, text: str) -> None:
    (root / "pixie.toml").write_text(text)


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.host == "127.0.0.1"
    assert settings.port == 7860
    assert settings.tools_dir == tmp_path.resolve() / "tools"
    assert settings.data_dir == tmp_path.resolve() / ".pixie"
    assert settings.developer_mode is False
    assert settings.db_path == settings.data_dir / "pixie.db"
    assert settings.artefacts_dir == settings.data_dir / "artefacts"
    assert settings.logs_dir == settings.data_dir / "logs"
    assert set(settings.sources.values()) == {"default"}


def test_toml_overrides_defaults_and_environment_overrides_toml(tmp_path: Path) -> None:
    _write_toml(tmp_path, 'port = 8000\ntools_dir = "my-tools"\ndeveloper_mode = true\n')
    settings = load_settings({"PIXIE_PORT": "9000"}, tmp_path)
    assert settings.port == 9000
    assert settings.sources["port"] == "environment"
    assert settings.tools_dir == tmp_path.resolve() / "my-tools"
    assert settings.sources["tools_dir"] == "pixie.toml"
    assert settings.developer_mode is True
    assert settings.sources["host"] == "default"


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("127.8.9.10", "127.8.9.10"), ("::1", "::1"), ("[::1]", "::1")],
)
def test_loopback_hosts_are_accepted(tmp_path: Path, host: str, expected: str) -> None:
    assert load_settings({"PIXIE_HOST": host}, tmp_path).host == expected


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "192.168.1.20", "10.0.0.1", "localhost", "example.com", "::", "::ffff:127.0.0.1", ""]
)
def test_non_loopback_hosts_are_refused_in_one_line(tmp_path: Path, host: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"PIXIE_HOST": host}, tmp_path)
    message = str(caught.value)
    assert message.startswith("PIXIE_HOST must be a literal loopback address (127.0.0.0/8 or ::1)")
    assert "\n" not in message


def test_loopback_rule_in_toml_names_the_file_key(tmp_path: Path) -> None:
    _write_toml(tmp_path, 'host = "0.0.0.0"\n')
    with pytest.raises(ConfigError, match=r"^pixie.toml: host must be a literal loopback address"):
        load_settings({}, tmp_path)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PIXIE_PORT": "abc"}, "PIXIE_PORT must be an integer from 1 to 65535, got 'abc'"),
        ({"PIXIE_PORT": "0"}, "PIXIE_PORT must be an integer from 1 to 65535, got '0'"),
        ({"PIXIE_PORT": "70000"}, "PIXIE_PORT must be an integer from 1 to 65535, got '70000'"),
        ({"PIXIE_DEVELOPER_MODE": "maybe"}, "PIXIE_DEVELOPER_MODE must be a boolean"),
        ({"PIXIE_DATA_DIR": "  "}, "PIXIE_DATA_DIR must be a non-empty path"),
    ],
)
def test_malformed_environment_values(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env, tmp_path)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("prot = 1\n", "pixie.toml: unknown key 'prot' (known keys: host, port,"),
        ('port = "7860"\n', "pixie.toml: port must be an integer, got '7860'"),
        ("port = 99999\n", "pixie.toml: port must be an integer from 1 to 65535, got 99999"),
        ("port = true\n", "pixie.toml: port must be an integer, got True"),
        ('developer_mode = "yes"\n', "pixie.toml: developer_mode must be true or false, got 'yes'"),
        ("tools_dir = 5\n", "pixie.toml: tools_dir must be a string, got 5"),
        ("port = \n", "pixie.toml: not valid TOML"),
    ],
)
def test_malformed_toml(tmp_path: Path, toml: str, message: str) -> None:
    _write_toml(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load_settings({}, tmp_path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("off", False)],
)
def test_boolean_spellings(tmp_path: Path, raw: str, expected: bool) -> None:
    assert load_settings({"PIXIE_DEVELOPER_MODE": raw}, tmp_path).developer_mode is expected


def test_every_setting_is_a_field_of_settings() -> None:
    fields = set(Settings.__dataclass_fields__) - {"root", "sources"}
    assert fields == {spec.key for spec in SETTINGS}


def test_describe_lists_every_setting_with_its_source(tmp_path: Path) -> None:
    rows = describe(load_settings({"PIXIE_PORT": "8001"}, tmp_path))
    assert [row[0] for row in rows] == [spec.env for spec in SETTINGS]
    assert ("PIXIE_PORT", "8001", "environment") in rows


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("::1", True), ("localhost", False)])
def test_is_loopback_literal(host: str, ok: bool) -> None:
    assert is_loopback_literal(host) is ok


def test_base_url_brackets_ipv6(tmp_path: Path) -> None:
    assert (
        load_settings({"PIXIE_HOST": "::1", "PIXIE_PORT": "8080"}, tmp_path).base_url == "http://[::1]:8080"
    )
