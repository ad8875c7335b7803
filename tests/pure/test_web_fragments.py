"""Fragments are drawn without the page shell's context, so none may read a name only it provides."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, meta

from pixie_web.filters import FILTERS
from pixie_web.fragments import FRAGMENTS, SHELL_NAMES

pytestmark = pytest.mark.timeout(30)
TEMPLATES = Path(__file__).resolve().parents[2] / "pixie_web" / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES))
# Parsing needs the names of Pixie's filters, not what they do.
ENV.filters.update(dict.fromkeys(FILTERS, str))


def names_read(name: str, seen: set[str] | None = None) -> set[str]:
    """The free names a template reads, through everything it includes."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    source = ENV.loader.get_source(ENV, name)[0]  # type: ignore[union-attr]
    tree = ENV.parse(source)
    found = set(meta.find_undeclared_variables(tree))
    for included in meta.find_referenced_templates(tree):
        if included is not None:
            found |= names_read(included, seen)
    return found


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_a_fragment_reads_nothing_from_the_page_shell(fragment: str) -> None:
    assert names_read(fragment) & SHELL_NAMES == set()


def test_the_check_sees_a_shell_name_when_a_template_reads_one() -> None:
    assert {"sidebar", "appearance"} <= names_read("base.html")
