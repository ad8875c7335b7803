"""The two zips as async byte streams: the run's export, and its report.

Both walk the run once and yield bytes as each entry is written, so the response starts at once
and memory holds the record plus one chunk. A spilled output value is copied into
``outputs.json`` straight from its file (it is stored as the JSON of the value), so even the
export of a run with a huge output never decodes it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pixie_web.exports.files import kept_files, locate, run_relative
from pixie_web.exports.names import ZipNames
from pixie_web.exports.report import Report
from pixie_web.exports.zipstream import CHUNK, ZipStream
from pixie_web.runs.artefacts import spilled_file
from shared import jsonio
from shared.runfiles import LITERAL_KEY, is_literal, is_reference
from shared.timestamps import format_instant
from shared.toolspec import ToolSpec


def _pretty(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def run_summary(
    record: Mapping[str, Any], spec: ToolSpec | None, files: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "run_id": record.get("id"),
        "tool": {
            "id": record.get("tool_id"),
            "name": spec.name if spec else None,
            # The version that ran; runs stored before Pixie kept it give the installed one.
            "version": record.get("tool_version") or (spec.version if spec else None),
        },
        "status": record.get("status"),
        "started_at": record.get("started_at"),
        "finished_at": record.get("finished_at"),
        "duration_ms": record.get("duration_ms"),
        "error": record.get("error"),
        "error_kind": record.get("error_kind"),
        "label": record.get("label"),
        "starred": record.get("starred"),
        "exported_at": format_instant(datetime.now(UTC)),  # as every other time Pixie writes
        "artefacts": files,
    }


async def _outputs_json(zip_: ZipStream, outputs: Mapping[str, Any], root: Path) -> AsyncIterator[bytes]:
    """``outputs.json`` written key by key, with every value as the tool answered it: spilled
    values copied from their files (one that cannot be read back stays a reference), escaped ones
    unwrapped."""
    entry = zip_.open("outputs.json")
    try:
        entry.write(b"{")
        for index, (key, value) in enumerate(outputs.items()):
            entry.write((", " if index else "").encode() + jsonio.dumps(key) + b": ")
            path = await asyncio.to_thread(spilled_file, root, value) if is_reference(value) else None
            if is_literal(value):
                entry.write(jsonio.dumps(value[LITERAL_KEY]))
            elif path is not None:  # its digest was checked: the file holds the value's JSON
                source = await asyncio.to_thread(path.open, "rb")
                try:
                    while await asyncio.to_thread(_copy, source, entry):
                        yield zip_.drain()
                finally:
                    source.close()
            else:
                entry.write(jsonio.dumps(value))
            yield zip_.drain()
        entry.write(b"}\n")
    finally:
        entry.close()
    yield zip_.drain()


def _copy(source: IO[bytes], entry: IO[bytes]) -> int:
    data = source.read(CHUNK)
    entry.write(data)
    return len(data)


async def export_zip(
    record: Mapping[str, Any], spec: ToolSpec | None, artefacts: Sequence[Mapping[str, Any]], root: Path
) -> AsyncIterator[bytes]:
    """run.json, inputs.json, outputs.json and ``artefacts/`` (spilled values only in outputs.json)."""
    zip_ = ZipStream()
    names = ZipNames()
    for fixed in ("run.json", "inputs.json", "outputs.json"):
        names.claim(fixed)
    run_id = str(record.get("id"))
    planned: list[tuple[str, Path]] = []
    listed: list[dict[str, Any]] = []
    for item in kept_files(artefacts, record.get("outputs")):
        path = await asyncio.to_thread(locate, root, item)
        entry = names.claim(run_relative(item, run_id), "artefacts") if path is not None else None
        if path is not None and entry is not None:
            planned.append((entry, path))
        listed.append(
            {
                "id": item.get("id"),
                "filename": item.get("filename"),
                "output_key": item.get("output_key"),
                "mime": item.get("mime"),
                "size_bytes": item.get("size_bytes"),
                "sha256": item.get("sha256"),
                "path": entry,  # None: the file is missing or lies outside the artefacts folder
            }
        )
    yield zip_.add_bytes("run.json", _pretty(run_summary(record, spec, listed)))
    yield zip_.add_bytes("inputs.json", _pretty(record.get("inputs") or {}))
    async for chunk in _outputs_json(zip_, record.get("outputs") or {}, root):
        yield chunk
    for entry, path in planned:
        async for chunk in zip_.add_file(entry, path):
            yield chunk
    yield zip_.close()


async def report_zip(
    record: Mapping[str, Any], spec: ToolSpec | None, artefacts: Sequence[Mapping[str, Any]], root: Path
) -> AsyncIterator[bytes]:
    """``report.md`` (written last, once every asset it links is in) and ``assets/``."""
    zip_ = ZipStream()
    report = Report(record, spec, artefacts, root)
    for asset in report.build():
        async for chunk in zip_.add(asset):
            yield chunk
    yield zip_.add_bytes("report.md", report.markdown())
    yield zip_.close()
