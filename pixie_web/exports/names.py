"""Names of entries inside an exported zip: safe to unzip anywhere, and never two alike.

Artefact names come from tools (and from the store, which another process writes), so they are
treated as hostile: an unzip tool given ``../x`` or ``/etc/x`` may write outside its folder, a
control character or a colon breaks some file systems, and two entries of the same name (or the
same name in another case, on macOS and Windows) silently overwrite one another.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

PART_MAX = 120
"""Bytes per path part are limited to 255 on most file systems; the suffix added on a clash fits."""

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def clean_part(part: str) -> str:
    """One path part with unsafe characters replaced; empty, "." and ".." give an empty string."""
    text = _UNSAFE.sub("_", part).strip().rstrip(".")
    if text in ("", ".", ".."):
        return ""
    if len(text.encode()) > PART_MAX:
        stem, suffix = _split(text)
        suffix = suffix if len(suffix.encode()) < 20 else ""
        stem = stem.encode()[: PART_MAX - len(suffix.encode())].decode(errors="ignore")
        text = stem + suffix
    return text


def clean_path(path: str, default: str = "file") -> str:
    """A relative path with "/" separators and no empty, "." or ".." parts (a drive letter or a
    leading "/" is dropped), so it always names a place below the folder it is unzipped into."""
    parts = [clean_part(part) for part in re.split(r"[\\/]+", path)]
    kept = [part for part in parts if part]
    return "/".join(kept) or default


def _split(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if not suffix or suffix == name:
        return name, ""
    return name[: -len(suffix)], suffix


class ZipNames:
    """Hands out entry names, cleaned, adding "-2", "-3", ... before the extension on a clash.

    Clashes are found case-insensitively, and a file may not take the name of a folder already
    used (``a`` and ``a/b``) nor the reverse, since neither could be unzipped beside the other.
    """

    def __init__(self) -> None:
        self._files: set[str] = set()
        self._folders: set[str] = set()

    def _free(self, name: str) -> bool:
        key = name.casefold()
        if key in self._files or key in self._folders:
            return False
        parents = [p.casefold() for p in _parents(name)]
        return not any(parent in self._files for parent in parents)

    def claim(self, path: str, folder: str = "") -> str:
        """A fresh entry name for ``path`` under ``folder`` (a trusted prefix such as "assets")."""
        relative = clean_path(path)
        prefix = f"{folder.strip('/')}/" if folder else ""
        name = prefix + relative
        if not self._free(name):
            head, _, last = name.rpartition("/")
            stem, suffix = _split(last)
            number = 2
            while True:
                candidate = f"{head}/{stem}-{number}{suffix}" if head else f"{stem}-{number}{suffix}"
                if self._free(candidate):
                    name = candidate
                    break
                number += 1
        self._files.add(name.casefold())
        self._folders.update(p.casefold() for p in _parents(name))
        return name


def _parents(name: str) -> list[str]:
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
