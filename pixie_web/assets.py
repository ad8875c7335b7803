"""The page's own stylesheets and scripts, found once at start and linked with a content hash.

Every file under ``static/css`` and ``static/js`` is ours and small, so each page links all of
them (``pixie.css`` and ``pixie.js`` first: the others build on them) instead of each template
keeping a list that drifts from the files on disk. The ``?v=`` hash changes with the content,
so the browser may cache them for good. Vendored libraries are not listed: widgets load those
on first use (``Pixie.load``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
FIRST = ("pixie.css", "pixie.js")


@dataclass(frozen=True)
class PageAssets:
    styles: tuple[str, ...]
    scripts: tuple[str, ...]


def _version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _urls(static: Path, folder: str, suffix: str) -> tuple[str, ...]:
    found = (static / folder).rglob(f"*{suffix}")
    files = sorted(found, key=lambda path: (path.name not in FIRST, str(path)))
    return tuple(f"/static/{path.relative_to(static).as_posix()}?v={_version(path)}" for path in files)


def find_assets(static: Path = STATIC) -> PageAssets:
    return PageAssets(styles=_urls(static, "css", ".css"), scripts=_urls(static, "js", ".js"))
