"""The page's own stylesheets and scripts, joined into one file each when the web process starts.

Every file under ``static/css`` and ``static/js`` is ours and small, so each page gets all of
them (``pixie.css`` and ``pixie.js`` first: the others build on them) instead of each template
keeping a list that drifts from the files on disk. Joined, they cost a page two requests rather
than twenty, and the name carries a hash of the content (``/assets/pixie.<hash>.js``), so the
browser keeps them for good and a new version is a new name. Vendored libraries are not joined:
widgets load those on first use (``Pixie.load``), so a page without a chart never fetches Plotly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
FIRST = ("pixie.css", "pixie.js")
MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
CACHE_FOREVER = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Bundle:
    name: str  # pixie.<hash>.css
    body: bytes
    media_type: str

    @property
    def url(self) -> str:
        return f"/assets/{self.name}"


@dataclass(frozen=True)
class PageAssets:
    style: Bundle
    script: Bundle

    def find(self, name: str) -> Bundle | None:
        return next((bundle for bundle in (self.style, self.script) if bundle.name == name), None)


def _sources(folder: Path, suffix: str) -> list[Path]:
    found = folder.rglob(f"*{suffix}")
    return sorted(found, key=lambda path: (path.name not in FIRST, path.relative_to(folder).as_posix()))


def _bundle(static: Path, kind: str) -> Bundle:
    parts: list[bytes] = []
    for path in _sources(static / kind, f".{kind}"):
        # A comment naming each file keeps the joined file readable in the browser's tools; a
        # script also ends with ";" so that one file's last statement cannot run into the next.
        parts.append(f"/* {path.relative_to(static).as_posix()} */\n".encode())
        parts.append(path.read_bytes().rstrip() + (b"\n;\n" if kind == "js" else b"\n"))
    body = b"".join(parts)
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Bundle(f"pixie.{digest}.{kind}", body, MEDIA_TYPES[kind])


def build_assets(static: Path = STATIC) -> PageAssets:
    return PageAssets(style=_bundle(static, "css"), script=_bundle(static, "js"))


def vendor_urls(static: Path = STATIC) -> dict[str, str]:
    """Every vendored file's URL with a ``?v=`` of its hash (from the vendoring manifest), so
    pages can ask the browser to keep them for good, as the joined files are."""
    manifest = json.loads((static / "vendor" / "manifest.json").read_text(encoding="utf-8"))
    return {
        path: f"/static/vendor/{path}?v={digest[:12]}"
        for package in manifest["packages"]
        for path, digest in package["files"].items()
    }
