"""``pixie tools`` (what is there and how it is doing), ``pixie new`` (start a new tool) and
``pixie tail`` (what a tool printed)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from shared.cli.launcher import running_launcher
from shared.cli.system import not_running_words, settings_or_exit
from shared.config import Settings
from shared.wire import ErrorCode, WireError
from shared.wire.keys import RUNTIME_KEY_PREFIX, TOOL_KEY_PREFIX, VALIDATION_KEY_PREFIX

LOG_LINES_MAX = 5000


def _verdict(validation: dict[str, Any] | None) -> str:
    if not validation or not validation.get("overall"):
        return "not validated"
    text = str(validation["overall"])
    if validation.get("stale"):
        text += " (stale)"
    if validation.get("state") in ("queued", "running"):
        text += f", {validation['state']}"
    return text


async def _rows(settings: Settings) -> tuple[list[tuple[str, str, str]], bool]:
    async with running_launcher(settings) as launcher:
        if launcher is not None:
            items = (await launcher.call("state.snapshot"))["items"]
            rows = []
            for key, definition in items.items():
                if not key.startswith(TOOL_KEY_PREFIX):
                    continue
                tool_id = definition["id"]
                runtime = items.get(RUNTIME_KEY_PREFIX + tool_id) or {}
                rows.append(
                    (
                        tool_id,
                        str(runtime.get("state", "unknown")),
                        _verdict(items.get(VALIDATION_KEY_PREFIX + tool_id)),
                    )
                )
            return sorted(rows), True
    from pixie_launcher.discovery import assign_ids, list_tool_folders, read_folder

    tools = assign_ids(read_folder(path) for path in list_tool_folders(settings.tools_dir))
    return [(tool.key, "broken" if tool.broken else "-", "-") for tool in tools], False


def cmd_tools(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    rows, live = asyncio.run(_rows(settings))
    if not live:
        words = not_running_words(settings)
        print(f"{words}: tools found in {settings.tools_dir} (states and verdicts unknown).")
    if not rows:
        print(f"No tools in {settings.tools_dir}. Create one with `pixie new <tool_id>`.")
        return 0
    header = ("TOOL", "STATE", "VALIDATION")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from shared.scaffold import TEMPLATES, create_tool

    settings = settings_or_exit()
    if args.template not in TEMPLATES:
        print(
            f"pixie: unknown template {args.template!r}; choose one of {', '.join(TEMPLATES)}",
            file=sys.stderr,
        )
        return 2
    try:
        folder = create_tool(settings.tools_dir, args.tool_id, args.template)
    except (ValueError, FileExistsError) as exc:
        print(f"pixie: {exc}", file=sys.stderr)
        return 2
    print(f"Created {folder} from the {args.template} template.")
    print(
        f"Next: edit {folder / 'main.py'} and {folder / 'tool.json'}, then `pixie validate {args.tool_id}`."
    )
    return 0


async def _log_lines(settings: Settings, tool_id: str, lines: int) -> list[str] | None:
    """The end of the tool's log: asked of the running launcher (which knows every tool's id),
    else read from the log files it left; None when there is no such tool."""
    async with running_launcher(settings) as launcher:
        if launcher is not None:
            try:
                reply = await launcher.call("tools.logs", {"tool_id": tool_id, "limit": lines})
            except WireError as exc:
                if exc.code is ErrorCode.NOT_FOUND:
                    return None
                raise
            return list(reply["lines"])
    from pixie_launcher.logfile import RotatingLog

    path = settings.logs_dir / f"{tool_id}.log"
    if not path.exists() and not (settings.tools_dir / tool_id).is_dir():
        return None
    return RotatingLog(path).tail(lines)


def cmd_tail(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    try:
        lines = asyncio.run(_log_lines(settings, args.tool_id, args.lines))
    except WireError as exc:
        print(f"pixie: {exc.message}", file=sys.stderr)
        return 2
    if lines is None:
        print(f"pixie: no tool {args.tool_id!r} in {settings.tools_dir}", file=sys.stderr)
        return 2
    if not lines:
        print(f"{args.tool_id} has not printed anything yet.", file=sys.stderr)
    for line in lines:
        print(line)
    return 0


def _line_count(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= LOG_LINES_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {LOG_LINES_MAX}")
    return int(raw)


def add_commands(commands: Any) -> None:
    tools = commands.add_parser("tools", help="list the tools with their state and validation verdict")
    tools.set_defaults(handler=cmd_tools)
    new = commands.add_parser(
        "new",
        help="create a new tool folder that passes every validator check",
        description="Create tools/<tool_id> from a template: tool.json, pyproject.toml, uv.lock, "
        "main.py, a reference fixture and a README. An existing folder is never overwritten.",
    )
    new.add_argument("tool_id", help="lower case letters, digits and dashes, starting with a letter")
    new.add_argument("--template", default="form", help="form (default), chat, stream or files")
    new.set_defaults(handler=cmd_new)
    tail = commands.add_parser(
        "tail",
        help="print the end of a tool's log",
        description="Print the last lines a tool printed (its log, with each line's time and stream; "
        "secret values masked), from a running Pixie or from the log files it left.",
    )
    tail.add_argument("tool_id", help="the tool's id (or its folder name)")
    tail.add_argument("-n", "--lines", type=_line_count, default=50, help="how many lines (default 50)")
    tail.set_defaults(handler=cmd_tail)
