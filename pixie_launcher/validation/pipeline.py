"""One validation, start to finish: read the files, check the environment, start a copy of the
tool, probe it, stop it, and assemble the report.

Everything with a side effect comes in through ``Edges`` (the HTTP client, where the copy may
write, how to build an environment), so the launcher and the stand-alone CLI run the very same
pipeline with different edges.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pixie_launcher import environments as envs
from pixie_launcher.logfile import RotatingLog, read_tail
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.output import SecretMasker
from pixie_launcher.validation import live, probes
from pixie_launcher.validation.conformance import output_conforms
from pixie_launcher.validation.reference_check import check_fixtures
from pixie_launcher.validation.report import (
    CHECK_NAMES,
    Check,
    ReportDraft,
    blocked_by,
    failed,
    passed,
    skipped,
    warned,
)
from pixie_launcher.validation.samples import sample_inputs
from pixie_launcher.validation.static_checks import (
    FileRead,
    entrypoint_name,
    folder_structure,
    pyproject_ok,
    read_file,
    schemas_coherent,
    tool_json_parses,
)
from shared.dotenv import read_dotenv
from shared.secrets import secret_values
from shared.timestamps import instant_from_epoch
from shared.tool_errors import exception_headline
from shared.toolspec import ParseResult, ToolSpec, parse_tool_json
from shared.toolstream.events import is_streaming

VERSION_TIMEOUT = 5.0
SPAWN_LOG_LINES = 60


@dataclass(frozen=True)
class Options:
    reference_only: bool = False
    fixtures: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    build: bool = True  # build a missing or outdated environment first (else only report it)


@dataclass
class Edges:
    http: httpx.AsyncClient
    artefacts_root: Path  # what the copy is told in PIXIE_ARTEFACTS_ROOT
    work_dir: Path  # the validator's own scratch space: run folders and the copy's log
    children: ChildrenFile  # so a launcher restart can clean up a copy left behind
    ensure_environment: Callable[[Path], Awaitable[None]]  # raises envs.BuildError
    clock: Callable[[], float] = field(default=time.time)
    spawn_timeout: float = live.SPAWN_TIMEOUT


@dataclass(frozen=True)
class _Files:
    """What the file-only checks read, gathered in one synchronous step (small files)."""

    tool_json: FileRead
    pyproject: FileRead
    entrypoint: FileRead
    parsed: ParseResult | None
    path: str
    dotenv: dict[str, str]


def _read(tool_dir: Path) -> _Files:
    tool_json = read_file(tool_dir, "tool.json")
    parsed = parse_tool_json(tool_json.data) if tool_json.data is not None else None
    return _Files(
        tool_json,
        read_file(tool_dir, "pyproject.toml"),
        read_file(tool_dir, entrypoint_name(tool_json)),
        parsed,
        str(tool_dir.resolve()),
        read_dotenv(tool_dir / ".env"),
    )


async def validate_tool(
    tool_dir: Path, options: Options, edges: Edges, conflicts: Sequence[str] = ()
) -> dict[str, Any]:
    """The report for the tool in ``tool_dir`` (see ``report.REPORT_FIELDS``). ``conflicts`` are
    discovery's objections beyond tool.json itself (its id already taken by another folder):
    Pixie will not run such a tool, so neither does its validation."""
    # The timestamp and the duration start together, so timestamp + duration is when it ended.
    started, began = time.monotonic(), instant_from_epoch(edges.clock())
    files = _read(tool_dir)
    spec = files.parsed.spec if files.parsed is not None else None
    entrypoint = files.entrypoint
    # A folder whose id another folder holds is known to Pixie by its folder's name.
    draft = ReportDraft(spec.id if spec and not conflicts else tool_dir.name, files.path, began)
    draft.add(folder_structure(files.tool_json, files.pyproject, entrypoint))
    draft.add(tool_json_parses(files.tool_json, files.parsed, conflicts))
    draft.add(schemas_coherent(files.parsed))
    draft.add(pyproject_ok(files.pyproject))
    unbuildable = None if files.pyproject.ok else f"pyproject.toml {files.pyproject.problem}"
    draft.add(await venv_functional(tool_dir, options.build, edges.ensure_environment, unbuildable))
    declared = [secret.key for secret in spec.secrets] if spec else []
    masker = SecretMasker(secret_values(files.dotenv, declared))
    if spec is not None:
        draft.sample_inputs = sample_inputs(spec)
    ready = blocked_by("tool_spawns", draft.checks) is None
    if spec is not None and entrypoint.ok and ready:
        raw = parse_json_or_none(files.tool_json.data)
        await _live_checks(draft, tool_dir, spec, raw, entrypoint.name, files.dotenv, masker, options, edges)
    elif not entrypoint.ok and ready:
        why = f"Skipped because the entrypoint {entrypoint.name} {entrypoint.problem}."
        draft.add(skipped("tool_spawns", why))
    elif spec is None and ready:
        why = "Skipped because schemas_coherent failed: Pixie starts no tool whose tool.json it rejects."
        draft.add(skipped("tool_spawns", why))
    for name in CHECK_NAMES:
        if name not in draft.checks:
            draft.add(blocked_by(name, draft.checks) or skipped(name, "Skipped."))
    return draft.finish(int((time.monotonic() - started) * 1000), mask=masker.mask)


async def venv_functional(
    tool_dir: Path,
    build: bool,
    ensure_environment: Callable[[Path], Awaitable[None]],
    unbuildable: str | None = None,
) -> Check:
    """``unbuildable`` says why no environment can be built (no readable pyproject.toml); one
    that exists is still checked, since the tool may run from it."""
    name = "venv_functional"
    state = envs.status(tool_dir)
    built = False
    if state is envs.EnvStatus.MISSING and unbuildable is not None:
        why = f"The tool has no environment (.venv/bin/python), and none can be built: {unbuildable}."
        return failed(name, why)
    if state is not envs.EnvStatus.READY and build and unbuildable is None:
        try:
            await ensure_environment(tool_dir)
        except envs.BuildError as exc:
            return failed(
                name, f"Building the environment failed: {exc.message}.", exc.log_tail.splitlines()[-30:]
            )
        built, state = True, envs.status(tool_dir)
    python = envs.venv_python(tool_dir)
    if state is envs.EnvStatus.MISSING:
        return failed(
            name,
            f"The tool has no environment (.venv/bin/python). Build it with `uv sync` in {tool_dir}, "
            "or validate again letting Pixie build it.",
        )
    version, problem = await _python_version(python)
    if problem is not None:
        return failed(name, f"{python} does not run: {problem}. Rebuild it: delete .venv and run `uv sync`.")
    if state is not envs.EnvStatus.READY:
        return warned(
            name,
            f"{version} runs, but the environment is older than pyproject.toml or uv.lock; Pixie rebuilds "
            "it before the tool next starts.",
        )
    return passed(name, f"{version} runs in .venv{' (built just now)' if built else ''}.")


async def _python_version(python: Path) -> tuple[str, str | None]:
    try:
        process = await asyncio.create_subprocess_exec(
            str(python),
            "--version",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except OSError as exc:
        return "", exc.strerror or str(exc)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), VERSION_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        return "", f"`python --version` did not answer within {VERSION_TIMEOUT:g} s"
    text = output.decode(errors="replace").strip()
    if process.returncode != 0:
        return "", f"`python --version` exited with code {process.returncode}: {text[-300:]}"
    return text or "Python", None


async def _live_checks(
    draft: ReportDraft,
    tool_dir: Path,
    spec: ToolSpec,
    tool_json: Any,
    entrypoint: str,
    dotenv: dict[str, str],
    masker: SecretMasker,
    options: Options,
    edges: Edges,
) -> None:
    scratch = edges.work_dir / spec.id / uuid.uuid4().hex[:12]
    scratch.mkdir(parents=True, exist_ok=True)
    log_path = edges.work_dir / "logs" / f"{spec.id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        log_path.unlink()  # the report shows this validation's output only
    log = RotatingLog(log_path)
    try:
        copy, spawned = await live.start_copy(
            tool_dir,
            tool_id=spec.id,
            entrypoint=entrypoint,
            dotenv=dotenv,
            masker=masker,
            artefacts_root=edges.artefacts_root,
            log=log,
            children=edges.children,
            http=edges.http,
            spawn_timeout=edges.spawn_timeout,
        )
        draft.add(spawned)
        if copy is not None:
            try:
                await _probe(draft, copy, tool_dir, spec, tool_json, options, edges.http, scratch)
                draft.add(await live.shut_down(copy))
            finally:
                await copy.close()
    finally:
        log.close()
        draft.spawn_log = "\n".join(read_tail(log_path, SPAWN_LOG_LINES)) or None
        shutil.rmtree(scratch, ignore_errors=True)


async def _probe(
    draft: ReportDraft,
    copy: live.ToolCopy,
    tool_dir: Path,
    spec: ToolSpec,
    tool_json: Any,
    options: Options,
    http: httpx.AsyncClient,
    scratch: Path,
) -> None:
    draft.add(await probes.check_schema(http, copy.base_url, tool_json))
    if options.reference_only:
        for name in ("sample_input_run", "output_conforms", "streaming_check"):
            draft.add(skipped(name, "Skipped: --reference-only."))
    else:
        await _sample(draft, copy, spec, http, scratch)
    draft.add(
        await check_fixtures(
            http, copy.base_url, tool_dir, spec, scratch, names=options.fixtures, tags=options.tags
        )
    )


async def _sample(
    draft: ReportDraft, copy: live.ToolCopy, spec: ToolSpec, http: httpx.AsyncClient, scratch: Path
) -> None:
    folder = scratch / "sample"
    folder.mkdir(parents=True, exist_ok=True)
    inputs = draft.sample_inputs if isinstance(draft.sample_inputs, dict) else {}
    mark = copy.process.tail.total
    sample = await probes.sample_run(http, copy.base_url, spec, inputs, folder)
    if sample.run.status == "fail":
        sample.run = _explained(sample.run, await copy.process.output_since(mark))
    draft.add(sample.run)
    draft.sample_output = sample.answer
    if sample.run.status == "fail":
        return
    verdict = output_conforms(spec, sample.outputs if sample.outputs is not None else sample.answer)
    draft.add(Check("output_conforms", verdict.status, verdict.message, list(verdict.details) or None))
    if not is_streaming(spec):
        draft.add(skipped("streaming_check", "The tool has no streaming outputs."))
    elif sample.streaming is not None:
        draft.add(sample.streaming)


def _explained(run: Check, printed: list[str]) -> Check:
    """A failed sample run led by the exception the tool printed meanwhile (a web framework
    answers "Internal Server Error" and logs the traceback), with what it printed in the details."""
    headline = exception_headline(printed)
    if headline is None:
        return run
    details = {
        **(run.details if isinstance(run.details, dict) else {}),
        "printed": printed[-SPAWN_LOG_LINES:],
    }
    return failed(run.name, f"{run.message.rstrip('.')}; the tool raised {headline}.", details)


def parse_json_or_none(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
