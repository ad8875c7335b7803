"""The ``pixie`` console script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pixie_launcher.logfile import RotatingLog
from shared.cli import main
from tests.support.system import PixieSystem, wait_until


def _pixie(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "pixie"
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=30, env=env, cwd=cwd)


def test_help_lists_the_commands() -> None:
    result = _pixie("--help")
    assert result.returncode == 0
    assert "usage: pixie" in result.stdout
    assert "config" in result.stdout
    assert "status" in result.stdout


def test_running_the_command_in_process_leaves_sigpipe_alone(capsys: pytest.CaptureFixture[str]) -> None:
    """A host process (this test suite) must keep Python's own SIGPIPE handling: with the default
    restored, a later write to a closed socket would kill it."""
    before = signal.getsignal(signal.SIGPIPE)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert signal.getsignal(signal.SIGPIPE) == before
    assert "usage: pixie" in capsys.readouterr().out


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """As `pixie validate x | head -1` does once head has its line: no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "PIXIE_DATA_DIR": str(tmp_path / "data")}
    try:
        script = Path(sys.executable).parent / "pixie"
        done = subprocess.run(
            [str(script), "config"],  # prints its table with print(), as validate does
            env=env,
            cwd=tmp_path,
            stdout=write_end,
            capture_output=False,
            stderr=subprocess.PIPE,
            timeout=30,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 128 + signal.SIGPIPE  # what a shell reports for cat in the same place
    assert done.stderr == b""


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 0
    assert "usage: pixie" in capsys.readouterr().out


def test_config_shows_values_and_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pixie.toml").write_text("port = 8123\n")
    monkeypatch.setenv("PIXIE_DEVELOPER_MODE", "yes")
    with pytest.raises(SystemExit) as exited:
        main(["config"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "PIXIE_PORT" in out
    assert "8123  (pixie.toml)" in out
    assert "True  (environment)" in out
    assert "run directory" in out


def test_config_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIXIE_PORT", "seventy")
    result = _pixie("config", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pixie: PIXIE_PORT must be an integer from 1 to 65535, got 'seventy'"
    ]


def test_status_when_nothing_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = PixieSystem(tmp_path)  # only for its free port and clean environment
    result = _pixie("status", env=system.env, cwd=tmp_path)
    system.stop()
    assert result.returncode == 1
    assert result.stdout.startswith(f"Pixie is not running at http://127.0.0.1:{system.port}")


def test_status_of_a_running_pixie(pixie: PixieSystem, tmp_path: Path) -> None:
    pixie.wait_healthy()
    result = _pixie("status", env=pixie.env, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.split() == ["web", "ok", "store", "ok", "launcher", "ok"]


def test_tail_reads_the_log_files_when_nothing_runs(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)  # only for its paths and clean environment
    (system.tools_dir / "quiet").mkdir(parents=True)
    log = RotatingLog(system.data_dir / "logs" / "talker.log")
    for n in range(5):
        log.write("stderr", f"said {n}")
    log.close()
    result = _pixie("tail", "talker", "-n", "2", env=system.env, cwd=tmp_path)
    system.stop()
    assert result.returncode == 0, result.stderr
    assert [line.rsplit(" | ", 1)[-1] for line in result.stdout.splitlines()] == ["said 3", "said 4"]
    quiet = _pixie("tail", "quiet", env=system.env, cwd=tmp_path)
    assert quiet.returncode == 0
    assert "quiet has not printed anything yet." in quiet.stderr
    assert _pixie("tail", "talker", "-n", "0", env=system.env, cwd=tmp_path).returncode == 2


def test_status_names_the_web_process_when_only_it_is_down(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    system.start("store", "launcher")

    def both_answer() -> subprocess.CompletedProcess[str] | None:
        answer = _pixie("status", env=system.env, cwd=tmp_path)
        return answer if answer.stdout.count(" ok") == 2 else None

    try:
        result = wait_until(both_answer, timeout=20, what="the store and the launcher to answer")
    finally:
        system.stop()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"web       not answering at http://127.0.0.1:{system.port}",
        "store     ok",
        "launcher  ok",
    ]


def test_tools_says_it_is_the_launcher_that_is_down_when_the_web_answers(tmp_path: Path) -> None:
    system = PixieSystem(tmp_path)
    system.start("store", "web")
    try:
        wait_until(lambda: system.healthz().status_code == 503, timeout=20, what="the web to answer")
        result = _pixie("tools", env=system.env, cwd=tmp_path)
    finally:
        system.stop()
    assert result.returncode == 0
    assert result.stdout.startswith("Pixie's launcher is not running (its web process is): tools found in")
