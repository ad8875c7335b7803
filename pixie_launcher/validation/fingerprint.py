"""What a validation report was made from, as one hash, so a report knows when it is stale.

The hash covers what decides a tool's behaviour, the files discovery watches
(``discovery.source_files``: tool.json, pyproject.toml, uv.lock and every Python file in the
folder), and the reference fixtures. Data files are left out on purpose: a tool
that writes a cache or a log into its own folder must not make its report stale on every run
(and start a new validation, which would write again).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pixie_launcher.discovery import source_files

REFERENCE_DIR = "reference"
REFERENCE_SUFFIXES = (".json", ".yaml", ".yml")


def _reference_files(tool_dir: Path) -> list[Path]:
    folder = tool_dir / REFERENCE_DIR
    if not folder.is_dir():
        return []
    return [path for path in folder.iterdir() if path.is_file() and path.suffix in REFERENCE_SUFFIXES]


def _covered(tool_dir: Path) -> list[Path]:
    paths = {*map(Path, source_files(tool_dir)), *_reference_files(tool_dir)}
    return sorted(paths, key=lambda p: p.relative_to(tool_dir).as_posix())


class FingerprintCache:
    """Fingerprints recomputed only when a covered file's size or modification time changed.

    The launcher checks every tool for staleness every couple of seconds; walking the folders
    and statting files is cheap, hashing them again each time would not be.
    """

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple[object, ...], str]] = {}

    def current(self, tool_dir: Path) -> str:
        paths = _covered(tool_dir)
        facts: list[object] = []
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                facts.append((path.name, None))
            else:
                facts.append((path.as_posix(), info.st_size, info.st_mtime_ns, info.st_ino))
        signature = tuple(facts)
        known = self._known.get(tool_dir)
        if known is not None and known[0] == signature:
            return known[1]
        digest = tool_fingerprint(tool_dir)
        self._known[tool_dir] = (signature, digest)
        return digest

    def forget(self, tool_dir: Path) -> None:
        self._known.pop(tool_dir, None)


def tool_fingerprint(tool_dir: Path) -> str:
    """A SHA-256 over the relative path and content of each file that decides the tool's behaviour.

    A file that cannot be read counts by its name and the reason, so a change in readability is
    also a change.
    """
    digest = hashlib.sha256()
    for path in _covered(tool_dir):
        relative = path.relative_to(tool_dir).as_posix()
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            content = f"unreadable: {exc.strerror}".encode()
        digest.update(relative.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()
