"""Files a run leaves behind: its folder, what in it counts as an artefact, and large outputs.

Every run gets ``<artefacts root>/<tool id>/<YYYY-MM-DD>/<run id>/`` (mode 0700) before the tool
is called; the tool may write files there. Afterwards ``scan_run_dir`` lists what it wrote:
regular files only (a symbolic link or anything resolving outside the folder is refused, not
followed), skipping dot files and ``*.partial`` files still being written, within per-run caps
on count and total size. A file is linked to an output when its name (without extension) or its
first folder is that output's key.

Output values too large for the database (``inline_output_max_bytes``) are written as JSON files
under the run's ``.pixie/`` folder (a dot folder, so scans skip it) and replaced in the stored
record by a reference that ``resolve_references`` reads back, so a replay shows the same thing.
A file is read back only when it still has the sha256 its reference recorded: a damaged or
replaced file leaves the reference, which the page shows as an output it cannot draw.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pixie_web.outputs.numbers import human_size
from shared import jsonio
from shared.runfiles import LITERAL_KEY, REFERENCE_KEY, SPILL_FOLDER, is_literal, is_reference

EXTRA_TYPES = {
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".geojson": "application/geo+json",
    ".parquet": "application/vnd.apache.parquet",
    ".npy": "application/octet-stream",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".tex": "application/x-tex",
    ".patch": "text/x-diff",
    ".diff": "text/x-diff",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".log": "text/plain",
}


def run_dir(root: Path, tool_id: str, run_id: str, when: datetime | None = None) -> Path:
    day = (when or datetime.now(UTC)).date().isoformat()  # YYYY-MM-DD, in a third of strftime's time
    return root / tool_id / day / run_id


def make_run_dir(path: Path) -> None:
    """Create the folder, and any missing parents, private to the user.

    One ``mkdir`` on the usual path (the tool's folder for the day exists already); its mode can
    only be narrowed by the umask, never widened, so no ``chmod`` is needed after it.
    """
    try:
        os.mkdir(path, 0o700)
    except FileNotFoundError:  # a new tool or a new day (pathlib would make parents 0o777 & ~umask)
        missing = [parent for parent in path.parents if not parent.exists()]
        for parent in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another run made it meanwhile
                os.mkdir(parent, 0o700)
        os.mkdir(path, 0o700)
    except FileExistsError:
        if not path.is_dir():
            raise
        os.chmod(path, 0o700)


def guess_mime(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return EXTRA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class FoundFile:
    rel_path: str  # relative to the artefacts root, with forward slashes
    filename: str
    size_bytes: int
    sha256: str
    mime: str
    output_key: str | None


@dataclass
class Scan:
    files: list[FoundFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one sentence per file that was not taken
    over_limit: str | None = None  # set when a per-run cap was hit


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def link_output(relative: Path, output_keys: Iterable[str]) -> str | None:
    """The output a file belongs to: its first folder, or its name without its extension (keys
    may hold dots: ``x.y.txt`` is output ``x.y``'s), or the name up to its first dot."""
    keys = set(output_keys)
    first = relative.parts[0] if len(relative.parts) > 1 else None
    name = relative.name
    for candidate in (first, name.rpartition(".")[0], name, name.split(".", 1)[0]):
        if candidate in keys:
            return candidate
    return None


def scan_run_dir(
    folder: Path,
    root: Path,
    output_keys: Iterable[str],
    *,
    max_files: int,
    max_bytes: int,
    skip: Callable[[str], bool] = lambda rel_path: False,
) -> Scan:
    """Everything the tool wrote that may become an artefact (``skip`` names ones already taken)."""
    scan = Scan()
    keys = list(output_keys)
    base = folder.resolve()
    total = 0
    count = 0
    for directory, subfolders, names in os.walk(folder, followlinks=False):
        kept = []
        for sub in sorted(d for d in subfolders if not d.startswith(".")):
            if (Path(directory) / sub).is_symlink():  # never followed: say so, as for a file
                link = (Path(directory) / sub).relative_to(folder)
                scan.refused.append(f"{link} is a symbolic link to a folder; Pixie keeps only plain files")
            else:
                kept.append(sub)
        subfolders[:] = kept
        for name in sorted(names):
            if name.startswith(".") or name.endswith(".partial"):
                continue
            path = Path(directory) / name
            relative = path.relative_to(folder)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                scan.refused.append(f"{relative} is a symbolic link; Pixie keeps only plain files")
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if base not in path.resolve().parents:
                scan.refused.append(f"{relative} lies outside the run's folder")
                continue
            rel_path = path.relative_to(root).as_posix()
            count += 1
            total += info.st_size
            if count > max_files:
                scan.over_limit = (
                    f"the tool wrote more than {max_files:,} file{'' if max_files == 1 else 's'} in one run "
                    "(PIXIE_MAX_ARTEFACTS_PER_RUN); the rest were not kept"
                )
                return scan
            if total > max_bytes:
                scan.over_limit = (
                    f"the tool wrote more than {_amount(max_bytes)} of files in one run "
                    "(PIXIE_MAX_ARTEFACT_BYTES_PER_RUN); the rest were not kept"
                )
                return scan
            if skip(rel_path):
                continue
            scan.files.append(
                FoundFile(
                    rel_path, name, info.st_size, _sha256(path), guess_mime(name), link_output(relative, keys)
                )
            )
    return scan


def _amount(size: int) -> str:
    """A byte count as a person reads it, with the number the setting was given in beside it."""
    readable = human_size(size)
    return readable if readable.endswith(("bytes", "byte")) else f"{readable} ({size:,} bytes)"


# -- large output values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Spill:
    output_key: str
    path: Path
    size_bytes: int
    sha256: str


def encode_values(outputs: Mapping[str, Any]) -> dict[str, bytes]:
    return {key: jsonio.dumps(value) for key, value in outputs.items()}


def spill_large_values(encoded: Mapping[str, bytes], folder: Path, limit: int) -> list[Spill]:
    """Write each value over ``limit`` bytes (``encode_values``) to ``<folder>/.pixie/<name>.json``
    (``spill_name``)."""
    spills = []
    for key, data in encoded.items():
        if len(data) <= limit:
            continue
        target = folder / SPILL_FOLDER / f"{spill_name(key)}.json"
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.write_bytes(data)
        spills.append(Spill(key, target, len(data), hashlib.sha256(data).hexdigest()))
    return spills


def spill_name(key: str) -> str:
    """A file name for an output key, unique per key: a key of letters, digits, ``-`` and ``_``
    is its own name; any other key is cleaned and given a digest of itself, so that keys that
    clean to the same name ("x.y" and "x_y") do not share a file."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in key)
    if cleaned == key:
        return key
    return f"{cleaned[:64]}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def reference(artefact: Mapping[str, Any]) -> dict[str, Any]:
    """What replaces a spilled value in the stored outputs."""
    return {
        REFERENCE_KEY: {
            "id": artefact["id"],
            "rel_path": artefact["rel_path"],
            "size_bytes": artefact["size_bytes"],
            "sha256": artefact["sha256"],
        }
    }


async def read_back(outputs: Mapping[str, Any], root: Path) -> dict[str, Any]:
    """``resolve_references`` off the event loop, for outputs that hold any reference or escaped
    value (a spilled value may be megabytes to read and hash); others are returned as they are."""
    if any(is_reference(value) or is_literal(value) for value in outputs.values()):
        return await asyncio.to_thread(resolve_references, outputs, root)
    return dict(outputs)


def resolve_references(outputs: Mapping[str, Any], root: Path) -> dict[str, Any]:
    """Stored outputs as the tool answered them: every spilled value read back from its file (one
    that cannot be read back stays a reference, which the page shows as an output it cannot
    draw), and every escaped value (``shared.runfiles.escape``) as it came."""
    resolved = {}
    for key, value in outputs.items():
        if is_literal(value):
            value = value[LITERAL_KEY]
        elif is_reference(value):
            data = _spilled_bytes(root, value)
            if data is not None:
                with contextlib.suppress(ValueError):  # a file with the recorded digest is JSON
                    value = jsonio.loads(data)  # the value as the tool answered it, never escaped
        resolved[key] = value
    return resolved


def _spilled_bytes(root: Path, value: Mapping[str, Any]) -> bytes | None:
    path = spilled_file(root, value, check=False)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == value[REFERENCE_KEY].get("sha256") else None


def spilled_file(root: Path, value: Mapping[str, Any], *, check: bool = True) -> Path | None:
    """The file a reference names, if it is a regular file inside the artefacts root and (with
    ``check``) still has the sha256 the reference recorded."""
    path = safe_path(root, str(value[REFERENCE_KEY].get("rel_path", "")))
    if path is None or not path.is_file():
        return None
    if check:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return None
        if digest.hexdigest() != value[REFERENCE_KEY].get("sha256"):
            return None
    return path


def safe_path(root: Path, rel_path: str) -> Path | None:
    """``root/rel_path`` if it names a place inside root with no ``..`` and no symbolic link on
    the way from root, else None (so a stored path can never lead out of the artefacts root)."""
    parts = Path(rel_path).parts
    if not parts or rel_path.startswith("/") or "\\" in rel_path or any(p in ("..", ".") for p in parts):
        return None
    base = root.resolve()
    expected = base.joinpath(*parts)
    try:
        if expected.resolve(strict=False) != expected:
            return None  # a symbolic link somewhere below root
    except OSError:
        return None
    return expected
