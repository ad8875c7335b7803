"""``pixie validate --update-fixtures``: re-record the expected outputs of a tool's fixtures.

It runs each fixture's inputs against a copy of the tool started for the purpose and rewrites
``expected_outputs`` with what the tool answers now. Without ``--yes`` it only reports what
would change, so an author reviews a refresh before it replaces the values a test relies on.
A fixture marked with a ``skip_reason`` is left alone (it is skipped on purpose, and its
expected outputs may be what the author wants the tool to reach), and a fixture file that does
not load is reported rather than silently passed over.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.output import SecretMasker
from pixie_launcher.validation import fixtures as fx
from pixie_launcher.validation import live
from pixie_launcher.validation.pipeline import venv_functional
from pixie_launcher.validation.reference_check import fetch_outputs
from pixie_launcher.validation.standalone import builder
from shared.dotenv import read_dotenv
from shared.secrets import secret_values
from shared.toolspec import parse_tool_json


@dataclass
class FixtureRefresh:
    file_name: str
    changed_keys: tuple[str, ...] = ()
    missing_keys: tuple[str, ...] = ()
    problem: str | None = None
    written: bool = False
    held: str | None = None  # the skip_reason of a fixture left alone


@dataclass
class RefreshOutcome:
    problem: str | None = None  # why nothing could be refreshed at all
    fixtures: list[FixtureRefresh] = field(default_factory=list)
    unloadable: list[str] = field(default_factory=list)  # fixture files that could not be read


async def update_fixtures(
    tool_dir: Path,
    *,
    names: Sequence[str] = (),
    tags: Sequence[str] = (),
    write: bool = False,
    on_build_line: Callable[[str], None] = lambda _: None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RefreshOutcome:
    try:
        parsed = parse_tool_json((tool_dir / "tool.json").read_bytes())
    except OSError as exc:
        return RefreshOutcome(f"tool.json cannot be read: {exc.strerror}")
    spec = parsed.spec
    if spec is None:
        return RefreshOutcome("tool.json has errors; `pixie validate` lists them.")
    reference = fx.load_reference(tool_dir, spec)
    selected = fx.select_fixtures(reference.fixtures, names, tags)
    chosen = [fixture for fixture in selected if fixture.skip_reason is None]
    held = [
        FixtureRefresh(fixture.file_name, held=fixture.skip_reason)
        for fixture in selected
        if fixture.skip_reason is not None
    ]
    if not chosen:
        filtered = " matching the filters" if names or tags else ""
        return RefreshOutcome(
            f"no fixture to refresh (reference/fixture_*.json{filtered}, not skipped).",
            held,
            list(reference.errors),
        )
    environment = await venv_functional(tool_dir, True, builder(on_build_line))
    if environment.status == "fail":
        return RefreshOutcome(environment.message)
    outcome = RefreshOutcome(fixtures=held, unloadable=list(reference.errors))
    dotenv = read_dotenv(tool_dir / ".env")
    masker = SecretMasker(secret_values(dotenv, [secret.key for secret in spec.secrets]))
    with tempfile.TemporaryDirectory(prefix="pixie-refresh-") as temp:
        scratch = Path(temp)
        log = RotatingLog(scratch / "tool.log")
        async with httpx.AsyncClient(trust_env=False, timeout=10.0) as http:
            copy, started = await live.start_copy(
                tool_dir,
                tool_id=spec.id,
                entrypoint=spec.entrypoint,
                dotenv=dotenv,
                masker=masker,
                artefacts_root=scratch / "artefacts",
                log=log,
                children=ChildrenFile(scratch / "children.json"),
                http=http,
            )
            if copy is None:
                log.close()
                return RefreshOutcome(started.message)
            try:
                for fixture in chosen:
                    folder = scratch / uuid.uuid4().hex[:8]
                    folder.mkdir()
                    timeout = fx.fixture_timeout(fixture, spec, 600.0)
                    fetched = await fetch_outputs(http, copy.base_url, spec, fixture, folder, timeout)
                    actual, problem = fetched.outputs, fetched.problem
                    item = FixtureRefresh(fixture.file_name, problem=problem)
                    outcome.fixtures.append(item)
                    if problem is not None or not isinstance(actual, dict):
                        item.problem = problem or "the tool's answer is not a JSON object"
                        continue
                    path = tool_dir / "reference" / fixture.file_name
                    refreshed = fx.refresh_fixture(path.read_text(encoding="utf-8"), actual, spec, now())
                    item.changed_keys, item.missing_keys = refreshed.changed_keys, refreshed.missing_keys
                    if write and refreshed.changed_keys:
                        path.write_text(refreshed.text, encoding="utf-8")
                        item.written = True
            finally:
                await copy.close()
                log.close()
    return outcome
