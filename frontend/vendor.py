"""Copy the pinned front-end packages from frontend/node_modules/ into pixie_web/static/vendor/.

Run from anywhere after ``npm install`` in frontend/::

    python frontend/vendor.py           # write pixie_web/static/vendor/ and its manifest.json
    python frontend/vendor.py --check   # exit 1 if pixie_web/static/vendor/ is not what it would write

Each package listed in ``PACKAGES`` gets a folder ``vendor/<short>/`` holding the files its globs name
(relative to the package's ``base`` folder, whose name is dropped from the copied path) and its licence
file(s) as shipped. ``vendor/manifest.json`` records, per package, its name, version, SPDX licence and the
sha256 of every file copied. Files under vendor/ that are no longer listed are removed. The output depends
only on the bytes in node_modules/, so running the script twice gives identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent
ROOT = FRONTEND.parent
NODE_MODULES = FRONTEND / "node_modules"
VENDOR = ROOT / "pixie_web" / "static" / "vendor"
MANIFEST = "manifest.json"
# Written beside the manifest, not listed in it: git keeps the vendored bytes as they are (leaflet.css and
# its LICENSE have CRLF line ends, which a text=auto or autocrlf setting would rewrite, breaking the sha256
# in the manifest) and shows no line diffs of minified files.
GITATTRIBUTES = ".gitattributes"
GITATTRIBUTES_TEXT = (
    b"# Written by frontend/vendor.py: keep vendored files byte for byte; diff only the manifest.\n"
    b"* -text -diff\n"
    b"/manifest.json diff\n"
)

# A licence file at a package's root: LICENSE, LICENCE, LICENSE.md, LICENSE-3RD-PARTY.txt, COPYING, NOTICE...
LICENSE_NAME = re.compile(r"^(licen[cs]e|copying|notice)([.\-_][\w.\-]*)?$", re.IGNORECASE)
# Never vendored, whatever a glob matches: source maps and precompressed copies.
EXCLUDED_SUFFIXES = (".map", ".gz", ".br")


@dataclass(frozen=True)
class Package:
    """One npm package: where its files go and which of them to copy."""

    name: str
    """The npm name, as in frontend/package.json."""
    short: str
    """The folder under pixie_web/static/vendor/."""
    files: tuple[str, ...]
    """Globs relative to ``base``; each must match at least one file."""
    base: str = ""
    """A folder inside the package whose files are copied without that prefix (e.g. ``dist``)."""
    license_if_missing: str | None = None
    """SPDX id read from the licence text, for a package whose package.json names none."""


PACKAGES: tuple[Package, ...] = (
    Package("htmx.org", "htmx", ("htmx.min.js",), base="dist"),
    # The SSE extension's package.json has no "license" field; its LICENSE is the BSD Zero Clause License.
    Package("htmx-ext-sse", "htmx-ext-sse", ("sse.min.js",), base="dist", license_if_missing="0BSD"),
    Package("plotly.js-dist-min", "plotly", ("plotly.min.js",)),
    # leaflet.css finds its marker and layer icons as url(images/...), so images/ sits beside it.
    Package("leaflet", "leaflet", ("leaflet.js", "leaflet.css", "images/*.png"), base="dist"),
    # No "license" in its package.json; its LICENSE is the two-clause BSD licence.
    Package(
        "leaflet.heat", "leaflet-heat", ("leaflet-heat.js",), base="dist", license_if_missing="BSD-2-Clause"
    ),
    # katex.min.css lists woff2 first in every @font-face src; browsers that read woff2 never fetch the
    # woff/ttf fallbacks, so only the woff2 files are vendored, under fonts/ as the CSS expects.
    Package("katex", "katex", ("katex.min.js", "katex.min.css", "fonts/*.woff2"), base="dist"),
    Package(
        "codemirror",
        "codemirror",
        (
            "lib/codemirror.js",
            "lib/codemirror.css",
            "addon/edit/matchbrackets.js",
            # markdown.js uses meta.js (when loaded) to highlight fenced code blocks by language name.
            "mode/meta.js",
            "mode/css/css.js",
            "mode/htmlmixed/htmlmixed.js",
            "mode/javascript/javascript.js",
            "mode/markdown/markdown.js",
            "mode/python/python.js",
            "mode/sql/sql.js",
            "mode/xml/xml.js",
            "mode/yaml/yaml.js",
        ),
    ),
    # The "common" bundle: about 40 languages (python, javascript, json, yaml, sql, bash, ...).
    Package("@highlightjs/cdn-assets", "highlight", ("highlight.min.js",)),
    Package("axe-core", "axe-core", ("axe.min.js",)),
    # The land outline at 1:110m (Natural Earth, public domain; the package is ISC) as TopoJSON: the
    # maps' offline base layer, decoded in the browser by js/outputs/maps-world.js. No tiles by default.
    Package("world-atlas", "world-atlas", ("land-110m.json",)),
)


class VendorError(Exception):
    """node_modules/ does not hold what PACKAGES and frontend/package.json promise."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_json(path: Path) -> dict[str, object]:
    loaded: object = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise VendorError(f"{path} does not hold a JSON object.")
    return loaded


def pinned_versions() -> dict[str, str]:
    """frontend/package.json's dependencies, each of which must be pinned to one exact version."""
    deps = read_json(FRONTEND / "package.json").get("dependencies")
    if not isinstance(deps, dict):
        raise VendorError("frontend/package.json has no dependencies object.")
    pins: dict[str, str] = {}
    for name, spec in deps.items():
        if not isinstance(spec, str) or not re.fullmatch(r"\d+\.\d+\.\d+", spec):
            raise VendorError(f"frontend/package.json: pin {name} to an exact version, not {spec!r}.")
        pins[str(name)] = spec
    listed = {package.name for package in PACKAGES}
    if set(pins) != listed:
        raise VendorError(
            "frontend/package.json's dependencies and vendor.py's PACKAGES differ: "
            f"only in package.json {sorted(set(pins) - listed)}, "
            f"only in PACKAGES {sorted(listed - set(pins))}."
        )
    return pins


def package_license(package: Package, meta: Mapping[str, object]) -> str:
    declared = meta.get("license")
    if declared is None:
        if package.license_if_missing is None:
            raise VendorError(f"{package.name}'s package.json names no licence; set license_if_missing.")
        return package.license_if_missing
    if not isinstance(declared, str):
        raise VendorError(f"{package.name}'s package.json licence is not an SPDX string: {declared!r}.")
    if package.license_if_missing is not None:
        raise VendorError(f"{package.name}'s package.json now names {declared!r}; drop license_if_missing.")
    return declared


def collect(package: Package, version: str) -> tuple[dict[str, bytes], dict[str, object]]:
    """The files to write under vendor/ (path relative to vendor/ -> bytes) and the manifest entry."""
    root = NODE_MODULES / package.name
    if not root.is_dir():
        raise VendorError(f"{root} is missing: run `npm install` in frontend/ first.")
    meta = read_json(root / "package.json")
    if meta.get("version") != version:
        raise VendorError(
            f"node_modules has {package.name} {meta.get('version')}, package.json pins {version}: "
            "run `npm install` in frontend/."
        )
    base = root / package.base if package.base else root
    chosen: dict[str, Path] = {}
    for pattern in package.files:
        matches = sorted(path for path in base.glob(pattern) if path.is_file())
        if not matches:
            raise VendorError(f"{package.name}: {pattern!r} matches no file under {base}.")
        for path in matches:
            if path.name.endswith(EXCLUDED_SUFFIXES):
                continue
            chosen[path.relative_to(base).as_posix()] = path
    licenses = sorted(path for path in root.iterdir() if path.is_file() and LICENSE_NAME.match(path.name))
    if not licenses:
        raise VendorError(f"{package.name} ships no LICENSE file at {root}.")
    for path in licenses:
        if path.name in chosen:
            raise VendorError(f"{package.name}: licence file {path.name} clashes with a copied file.")
        chosen[path.name] = path

    files = {f"{package.short}/{relative}": path.read_bytes() for relative, path in sorted(chosen.items())}
    entry: dict[str, object] = {
        "name": package.name,
        "version": version,
        "license": package_license(package, meta),
        "license_files": [f"{package.short}/{path.name}" for path in licenses],
        "files": {relative: sha256(data) for relative, data in files.items()},
    }
    return files, entry


def plan() -> dict[str, bytes]:
    """Every file vendor/ should hold (manifest.json and .gitattributes too), keyed by path under vendor/."""
    shorts = [package.short for package in PACKAGES]
    if len(set(shorts)) != len(shorts):
        raise VendorError("Two packages share a vendor folder.")
    pins = pinned_versions()
    wanted: dict[str, bytes] = {}
    manifest: list[dict[str, object]] = []
    for package in sorted(PACKAGES, key=lambda p: p.name):
        files, entry = collect(package, pins[package.name])
        wanted.update(files)
        manifest.append(entry)
    document = {"packages": manifest}
    wanted[MANIFEST] = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
    wanted[GITATTRIBUTES] = GITATTRIBUTES_TEXT
    return wanted


def present() -> set[str]:
    if not VENDOR.is_dir():
        return set()
    return {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*") if path.is_file()}


def differences(wanted: Mapping[str, bytes]) -> list[str]:
    problems: list[str] = []
    for relative in sorted(present() - set(wanted)):
        problems.append(f"not listed: {relative}")
    for relative, data in sorted(wanted.items()):
        path = VENDOR / relative
        if not path.is_file():
            problems.append(f"missing: {relative}")
        elif path.read_bytes() != data:
            problems.append(f"differs: {relative}")
    return problems


def write(wanted: Mapping[str, bytes]) -> None:
    for relative in sorted(present() - set(wanted)):
        (VENDOR / relative).unlink()
    # Remove the folders left empty, deepest first.
    if VENDOR.is_dir():
        for folder in sorted((p for p in VENDOR.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            if not any(folder.iterdir()):
                folder.rmdir()
    for relative, data in sorted(wanted.items()):
        path = VENDOR / relative
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="report differences and exit 1; write nothing")
    args = parser.parse_args(argv)
    try:
        wanted = plan()
    except VendorError as error:
        print(f"vendor.py: {error}", file=sys.stderr)
        return 2
    if args.check:
        problems = differences(wanted)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    write(wanted)
    total = sum(len(data) for data in wanted.values())
    print(f"{len(wanted)} files, {total / 1_000_000:.2f} MB in {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
