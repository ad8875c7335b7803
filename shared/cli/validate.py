"""``pixie validate``: the validator for tool authors, as a readable table or as JSON.

With Pixie running, the launcher validates (and saves the report, so the dashboard shows it);
without, the same pipeline runs here and the report is printed but not saved. Re-recording
fixtures (``--update-fixtures``) always runs here: it rewrites files in the tool's folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from shared.cli.launcher import Launcher, running_launcher
from shared.cli.render import print_report, progress_line, summary_of
from shared.cli.system import not_running_words, settings_or_exit
from shared.config import Settings
from shared.wire import ErrorCode, WireError

VALIDATE_TIMEOUT = 1800.0
DISCOVERY_WAIT = 10.0  # seconds to wait for a running Pixie to notice a tool folder made just now


def _find_local(settings: Settings, name: str) -> Path | None:
    from pixie_launcher.discovery import assign_ids, find, list_tool_folders, read_folder

    tools = assign_ids(read_folder(path) for path in list_tool_folders(settings.tools_dir))
    found = find(tools, name)
    return found.scan.path if found else None


def _local_tools(settings: Settings) -> list[tuple[str, Path]]:
    from pixie_launcher.discovery import assign_ids, list_tool_folders, read_folder

    tools = assign_ids(read_folder(path) for path in list_tool_folders(settings.tools_dir))
    return [(tool.key, tool.scan.path) for tool in tools]


def _options(args: argparse.Namespace) -> Any:
    from pixie_launcher.validation.pipeline import Options

    return Options(
        reference_only=args.reference_only,
        fixtures=tuple(args.fixture or ()),
        tags=tuple(args.tag or ()),
        build=not args.no_build,
    )


async def _validate_remote(
    launcher: Launcher, tool_id: str, args: argparse.Namespace, *, folder_exists: bool
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "tool_id": tool_id,
        "reference_only": args.reference_only,
        "build": not args.no_build,
    }
    if args.fixture:
        payload["fixtures"] = list(args.fixture)
    if args.tag:
        payload["tags"] = list(args.tag)
    # A folder made a moment ago (``pixie new``) is known to the running launcher only once it
    # has looked at the tools folder again; it does every second or so.
    waiting_until = time.monotonic() + DISCOVERY_WAIT
    while True:
        try:
            report: dict[str, Any] = await launcher.call("validation.run", payload, timeout=VALIDATE_TIMEOUT)
            return report
        except WireError as exc:
            if exc.code is not ErrorCode.NOT_FOUND or time.monotonic() > waiting_until or not folder_exists:
                raise
        await asyncio.sleep(0.25)


async def _validate_local(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    from pixie_launcher.validation.standalone import validate_here

    def show(line: str) -> None:
        if not args.json:
            print(f"  uv: {line}", file=sys.stderr)

    return await validate_here(path, _options(args), on_build_line=show)


async def _run(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    if args.update_fixtures:
        return await _update_fixtures(settings, args)
    async with running_launcher(settings) as launcher:
        if args.all:
            _say_when_not_running(launcher, args)
            return await _validate_all(settings, launcher, args)
        assert args.tool_id is not None
        try:
            if launcher is not None:
                exists = _find_local(settings, args.tool_id) is not None
                report = await _validate_remote(launcher, args.tool_id, args, folder_exists=exists)
            else:
                path = _find_local(settings, args.tool_id)
                if path is None:
                    print(f"pixie: no tool {args.tool_id!r} in {settings.tools_dir}", file=sys.stderr)
                    return 2
                _say_when_not_running(launcher, args)
                report = await _validate_local(path, args)
        except WireError as exc:
            print(f"pixie: {exc.message}", file=sys.stderr)
            return 2
    if args.summary:
        print(json.dumps(summary_of(report), indent=2))
    elif args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if report["overall"] == "fail" else 0


def _say_when_not_running(launcher: Launcher | None, args: argparse.Namespace) -> None:
    if launcher is None and not args.json:
        words = not_running_words(settings_or_exit())
        print(f"{words}: validating here; the report will not be saved.", file=sys.stderr)


async def _validate_all(settings: Settings, launcher: Launcher | None, args: argparse.Namespace) -> int:
    if launcher is not None:
        listed = await launcher.call("tools.list")
        targets: list[tuple[str, Path | None]] = [(item["id"], None) for item in listed["items"]]
    else:
        targets = [(tool_id, path) for tool_id, path in _local_tools(settings)]
    reports = []
    for index, (tool_id, path) in enumerate(targets, start=1):
        started = progress_line(index - 1, len(targets), f"validating {tool_id}")
        if not args.json:
            print(started, end="\r", file=sys.stderr)
        try:
            if launcher is not None:
                report = await _validate_remote(launcher, tool_id, args, folder_exists=False)
            else:
                assert path is not None
                report = await _validate_local(path, args)
        except WireError as exc:
            report = {"tool_id": tool_id, "overall": "fail", "error": exc.message, "checks": []}
        reports.append(report)
        if not args.json:
            # Padded to cover the whole "validating" line it overwrites after the carriage return.
            done = progress_line(index, len(targets), f"{tool_id}: {report['overall']}")
            print(done.ljust(len(started)), file=sys.stderr)
    if args.summary:
        print(json.dumps([summary_of(report) for report in reports], indent=2))
    elif args.json:
        print(json.dumps(reports, indent=2))
    else:
        for report in reports:
            print_report(report)
            print()
        verdicts = [report["overall"] for report in reports]
        print(
            ", ".join(f"{verdicts.count(v)} {v}" for v in ("pass", "warn", "fail"))
            + f" of {len(reports)} tools"
        )
    return 1 if any(report["overall"] == "fail" for report in reports) else 0


async def _update_fixtures(settings: Settings, args: argparse.Namespace) -> int:
    from pixie_launcher.validation.refresh import update_fixtures

    path = _find_local(settings, args.tool_id) if args.tool_id else None
    if path is None:
        print(f"pixie: no tool {args.tool_id!r} in {settings.tools_dir}", file=sys.stderr)
        return 2
    outcome = await update_fixtures(
        path,
        names=tuple(args.fixture or ()),
        tags=tuple(args.tag or ()),
        write=args.yes,
        on_build_line=lambda line: print(f"  uv: {line}", file=sys.stderr),
    )
    for problem in outcome.unloadable:
        print(f"not refreshed: {problem}", file=sys.stderr)
    if outcome.problem:
        print(f"pixie: {outcome.problem}", file=sys.stderr)
        return 2
    failed = bool(outcome.unloadable)
    for item in outcome.fixtures:
        if item.held is not None:
            print(f"{item.file_name}: left alone, since it is skipped ({item.held})")
        elif item.problem:
            failed = True
            print(f"{item.file_name}: could not run: {item.problem}")
        elif not item.changed_keys:
            print(f"{item.file_name}: up to date")
        else:
            verb = "updated" if item.written else "would update"
            print(f"{item.file_name}: {verb} {', '.join(item.changed_keys)}")
        if item.missing_keys:
            print(f"  the tool's answer had no {', '.join(item.missing_keys)}")
    if not args.yes and any(item.changed_keys for item in outcome.fixtures):
        print("Dry run: nothing was written. Run again with --yes to write these changes.")
    return 1 if failed else 0


def cmd_validate(args: argparse.Namespace) -> int:
    if not args.all and not args.tool_id:
        print("pixie: name a tool to validate, or use --all", file=sys.stderr)
        return 2
    if args.all and args.tool_id:
        print("pixie: name a tool or use --all, not both", file=sys.stderr)
        return 2
    if args.summary and args.json:
        print("pixie: choose --json (the whole report) or --summary (its short form)", file=sys.stderr)
        return 2
    if args.summary and args.update_fixtures:
        print("pixie: --summary does not go with --update-fixtures", file=sys.stderr)
        return 2
    args.json = args.json or args.summary  # both print JSON alone, nothing else on stdout
    if args.yes and not args.update_fixtures:
        print("pixie: --yes only goes with --update-fixtures", file=sys.stderr)
        return 2
    if args.update_fixtures and args.all:
        print("pixie: --update-fixtures works on one tool at a time", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 130


def add_commands(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="check that a tool honours the contract (exit 1 when it fails)",
        description="Run every check of the tool contract against a tool and print the report. "
        "Exits 1 when the verdict is fail, 0 otherwise.",
    )
    parser.add_argument("tool_id", nargs="?", help="the tool's id or folder name")
    parser.add_argument("--all", action="store_true", help="validate every tool, with progress")
    parser.add_argument("--json", action="store_true", help="print only the report, as JSON")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print only the report's short form, as JSON: verdict, counts, failing and warning checks",
    )
    parser.add_argument(
        "--fixture", action="append", metavar="NAME", help="only this fixture (repeatable; globs)"
    )
    parser.add_argument(
        "--tag", action="append", metavar="TAG", help="only fixtures with this tag (repeatable)"
    )
    parser.add_argument(
        "--reference-only", action="store_true", help="skip the sample run; check fixtures only"
    )
    parser.add_argument(
        "--no-build", action="store_true", help="report a missing environment instead of building it"
    )
    parser.add_argument(
        "--update-fixtures",
        action="store_true",
        help="re-record fixtures' expected outputs (a dry run without --yes)",
    )
    parser.add_argument("--yes", action="store_true", help="with --update-fixtures: write the changes")
    parser.set_defaults(handler=cmd_validate)
