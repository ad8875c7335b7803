"""Regenerate the templates' ``uv.lock`` files: ``python -m shared.scaffold.relock``.

New tools should build from what is already in the uv cache, so every template is locked to the
versions ``tools/compound-interest/uv.lock`` pins: that lock, renamed for the template, is the
starting point, and ``uv lock`` (Pixie's own uv) keeps every version it can and only records
what the template's pyproject.toml changes. Run it after changing a template's dependencies or
the example tool's lock; it rewrites the files in the source tree.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from shared.scaffold.create import ID_PLACEHOLDER, LOCK_NAME, NAME_PLACEHOLDER, TEMPLATES
from shared.scaffold.lockfile import rename_project

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_PINS = Path(__file__).resolve().parents[2] / "tools" / "compound-interest" / LOCK_NAME
PINS_PROJECT = "compound-interest"
STAND_IN = "scaffold-relock"  # a real project name to lock under, swapped for the placeholder after


def uv_binary() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def relock(template: str, pins: Path) -> str:
    """The template's new lock text, with the placeholder as the project name."""
    pyproject = (TEMPLATES_DIR / template / "pyproject.toml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="pixie-relock-") as work:
        folder = Path(work)
        stand_in = pyproject.replace(ID_PLACEHOLDER, STAND_IN).replace(NAME_PLACEHOLDER, STAND_IN)
        (folder / "pyproject.toml").write_text(stand_in, encoding="utf-8")
        seed = rename_project(pins.read_text(encoding="utf-8"), PINS_PROJECT, STAND_IN)
        (folder / LOCK_NAME).write_text(seed, encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "UV_LOCKED")}
        subprocess.run([uv_binary(), "lock", "--quiet"], cwd=folder, env=env, check=True)
        locked = (folder / LOCK_NAME).read_text(encoding="utf-8")
    return rename_project(locked, STAND_IN, ID_PLACEHOLDER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("templates", nargs="*", help=f"some of {', '.join(TEMPLATES)} (default: all)")
    parser.add_argument("--pins", type=Path, default=DEFAULT_PINS, help="the lock whose versions to keep")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.templates) - set(TEMPLATES))
    if unknown:
        parser.error(f"unknown template(s) {', '.join(unknown)}; the templates are {', '.join(TEMPLATES)}")
    for template in args.templates or TEMPLATES:
        path = TEMPLATES_DIR / template / LOCK_NAME
        text = relock(template, args.pins)
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {'rewritten' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
