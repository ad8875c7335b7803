"""pixie_web/static/vendor/ holds exactly the pinned front-end packages that frontend/vendor.py copies.

The app runs offline: every asset a page loads comes from the vendor folder, so the manifest, the
files, the pins in frontend/ and the URLs inside the vendored CSS must all agree.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "pixie_web" / "static" / "vendor"
FRONTEND = ROOT / "frontend"
# Files vendor.py writes beside the packages, not listed in the manifest.
UNLISTED = {"manifest.json", ".gitattributes"}
LICENSE_NAME = re.compile(r"^(licen[cs]e|copying|notice)([.\-_][\w.\-]*)?$", re.IGNORECASE)
VENDORED_CSS = ("leaflet/leaflet.css", "katex/katex.min.css", "codemirror/lib/codemirror.css")

CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
FONT_SRC = re.compile(r"\bsrc\s*:\s*([^;}]*)")
SOURCE_MAP = re.compile(r"^[ \t]*//[#@] sourceMappingURL=(\S+)", re.MULTILINE)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


MANIFEST: list[dict[str, Any]] = load_json(VENDOR / "manifest.json")["packages"]
BY_NAME: dict[str, dict[str, Any]] = {package["name"]: package for package in MANIFEST}


def listed_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for package in MANIFEST:
        for relative, digest in package["files"].items():
            assert relative not in files, f"{relative} is listed twice"
            files[relative] = digest
    return files


def css_text(relative: str) -> str:
    """The stylesheet with its comments removed, so only rules the browser applies are checked."""
    return CSS_COMMENT.sub("", (VENDOR / relative).read_text(encoding="utf-8"))


def css_urls(text: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in CSS_URL.finditer(text)]


def test_manifest_lists_every_vendored_file_and_nothing_else() -> None:
    present = {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*") if path.is_file()}
    assert set(listed_files()) == present - UNLISTED


def test_every_vendored_file_matches_its_sha256() -> None:
    wrong = [
        relative
        for relative, digest in listed_files().items()
        if hashlib.sha256((VENDOR / relative).read_bytes()).hexdigest() != digest
    ]
    assert wrong == []


def test_each_package_has_its_own_folder_licence_file_and_spdx_licence() -> None:
    folders: set[str] = set()
    for package in MANIFEST:
        tops = {PurePosixPath(relative).parts[0] for relative in package["files"]}
        assert len(tops) == 1, f"{package['name']} spreads over {sorted(tops)}"
        assert not tops & folders, f"{package['name']} shares a folder"
        folders |= tops
        licences = [r for r in package["files"] if LICENSE_NAME.match(PurePosixPath(r).name)]
        assert licences, f"{package['name']} has no licence file"
        assert set(package["license_files"]) <= set(licences)
        assert all((VENDOR / r).stat().st_size > 0 for r in licences)
        assert re.fullmatch(r"[A-Za-z0-9.\-+]+( (AND|OR) [A-Za-z0-9.\-+]+)*", package["license"]), package


def test_manifest_versions_equal_the_pins_in_package_json_and_the_lockfile() -> None:
    pins: dict[str, str] = load_json(FRONTEND / "package.json")["dependencies"]
    locked: dict[str, Any] = load_json(FRONTEND / "package-lock.json")["packages"]
    assert set(pins) == set(BY_NAME)
    assert locked[""]["dependencies"] == pins
    for name, pin in pins.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", pin), f"{name} is not pinned exactly: {pin}"
        assert BY_NAME[name]["version"] == pin
        assert locked[f"node_modules/{name}"]["version"] == pin


def test_htmx_is_2_0_and_its_sse_extension_is_2_x() -> None:
    assert re.fullmatch(r"2\.0\.\d+", BY_NAME["htmx.org"]["version"])
    assert BY_NAME["htmx-ext-sse"]["version"].startswith("2.")
    # The extension must not have pulled in a second htmx: the lockfile holds one, the pinned one.
    locked: dict[str, Any] = load_json(FRONTEND / "package-lock.json")["packages"]
    htmx_copies = [key for key in locked if key.endswith("node_modules/htmx.org")]
    assert htmx_copies == ["node_modules/htmx.org"]


def test_no_source_maps_or_unminified_duplicates_are_vendored() -> None:
    files = set(listed_files())
    assert not [f for f in files if f.endswith((".map", ".gz", ".br"))]
    for relative in files:
        if relative.endswith(".min.js"):
            assert relative.removesuffix(".min.js") + ".js" not in files
        if relative.endswith(".min.css"):
            assert relative.removesuffix(".min.css") + ".css" not in files


@pytest.mark.parametrize("relative", VENDORED_CSS)
def test_relative_urls_in_vendored_css_resolve_to_vendored_files(relative: str) -> None:
    files = set(listed_files())
    folder = PurePosixPath(relative).parent
    unresolved: list[str] = []
    text = css_text(relative)
    for url in css_urls(text):
        # Fragments (leaflet's IE-only behavior:url(#default#VML)) and data: URIs fetch nothing.
        if url.startswith(("#", "data:")):
            continue
        assert not re.match(r"^[a-z][a-z0-9+.\-]*:|^//|^/", url, re.IGNORECASE), f"{relative} loads {url}"
        target = folder / url.split("#")[0].split("?")[0]
        resolved = PurePosixPath(*[part for part in target.parts if part != "."]).as_posix()
        if resolved not in files and not resolved.endswith((".woff", ".ttf")):
            unresolved.append(url)
    assert unresolved == []
    assert CSS_IMPORT.findall(text) == []


@pytest.mark.parametrize("relative", VENDORED_CSS)
def test_each_font_face_lists_a_vendored_woff2_first(relative: str) -> None:
    files = set(listed_files())
    folder = PurePosixPath(relative).parent
    faces = FONT_FACE.findall(css_text(relative))
    if relative.startswith("katex/"):
        assert len(faces) >= 20
    for face in faces:
        sources = FONT_SRC.findall(face)
        assert len(sources) == 1, face
        first = sources[0].split(",")[0]
        assert 'format("woff2")' in first.replace("'", '"'), face
        (url,) = css_urls(first)
        assert (folder / url).as_posix() in files, f"{url} is not vendored"


def test_no_vendored_css_or_script_points_the_browser_at_the_network() -> None:
    for relative in VENDORED_CSS:
        text = css_text(relative)
        assert not re.search(r"https?:|//[a-z0-9]", " ".join(css_urls(text)), re.IGNORECASE), relative
    for relative in listed_files():
        if relative.endswith(".js"):
            text = (VENDOR / relative).read_text(encoding="utf-8", errors="replace")
            # What a browser resolves on its own from a script: ES imports and source maps.
            assert not re.search(r"""\bimport\s*(?:\(\s*)?["']https?://""", text), relative
            for url in SOURCE_MAP.findall(text):
                assert not re.match(r"https?:|//", url), f"{relative} maps to {url}"


def test_no_vendored_file_is_git_ignored() -> None:
    """The root .gitignore ignores dist/ and build/ anywhere: a vendored path must not contain them."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = "\n".join(f"pixie_web/static/vendor/{relative}" for relative in sorted(listed_files()))
    result = subprocess.run(
        [git, "check-ignore", "--no-index", "--stdin"],
        input=paths,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout == ""


def test_git_keeps_vendored_bytes_unchanged() -> None:
    """leaflet.css and its LICENSE have CRLF line ends: a line-ending rewrite would break their sha256."""
    lines = (VENDOR / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "* -text -diff" in lines
