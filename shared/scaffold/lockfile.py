"""Giving a template's ``uv.lock`` the new tool's project name, without running uv.

A uv lock names the project it belongs to in one ``[[package]]`` entry (``source = { virtual =
"." }``), and uv refuses ``uv sync --locked`` when that name differs from ``pyproject.toml``.
Everything else in the lock (the pinned fastapi, uvicorn and their dependencies, with hashes)
does not depend on the name, so renaming that one entry gives exactly the lock ``uv lock`` would
write: a new tool builds offline from the uv cache, with the versions the example tools use.

uv writes the entries sorted by name, so the renamed entry is moved to its sorted place; a lock
uv itself would rewrite differently would show up as noise in the author's first diff.
"""

from __future__ import annotations

import re
import tomllib

PACKAGE_HEADER = "[[package]]\n"
_NAME_LINE = re.compile(r'^name = "(?P<name>[^"]+)"$', re.MULTILINE)


def package_names(lock_text: str) -> list[str]:
    """Every package the lock holds, the project itself included, in file order."""
    packages = tomllib.loads(lock_text).get("package", [])
    return [str(package["name"]) for package in packages]


def _split(lock_text: str) -> tuple[str, list[str]]:
    """The lock's header (version, requires-python, ...) and its package entries, each without
    the blank line that separates it from the next."""
    head, *entries = lock_text.split("\n" + PACKAGE_HEADER)
    return head.rstrip("\n"), [PACKAGE_HEADER + entry.rstrip("\n") for entry in entries]


def _entry_name(entry: str) -> str:
    match = _NAME_LINE.search(entry)
    if match is None:
        raise ValueError(f"a [[package]] entry of uv.lock has no name: {entry[:200]!r}")
    return match.group("name")


def rename_project(lock_text: str, old: str, new: str) -> str:
    """The lock with the project entry ``old`` named ``new`` and the entries in uv's order.

    Only the project's own entry is renamed (a lock of a single project is never referred to
    by other entries); a lock with no entry named ``old``, or one that already holds a package
    named ``new``, is refused rather than silently producing a lock uv would reject.
    """
    head, entries = _split(lock_text)
    names = [_entry_name(entry) for entry in entries]
    if old not in names:
        raise ValueError(f"uv.lock has no package named {old!r}")
    if new in names:
        raise ValueError(f"uv.lock already holds a package named {new!r}")
    renamed = [
        entry.replace(f'\nname = "{old}"\n', f'\nname = "{new}"\n', 1) if name == old else entry
        for name, entry in zip(names, entries, strict=True)
    ]
    renamed.sort(key=_entry_name)
    text = "\n\n".join([head, *renamed]) + "\n"
    if package_names(text) != sorted(new if name == old else name for name in names):
        raise ValueError("uv.lock is not laid out as uv writes it; run `uv lock` in the tool folder")
    return text
