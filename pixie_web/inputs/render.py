"""Drawing a tool's inputs as HTML form controls, to sit inside the page's own ``<form>``.

Python decides every attribute (names, values, ids, ARIA links; see ``controls.py`` for the
per-type part) and the Jinja templates in templates/inputs/ only lay them out, with autoescape on.
No inline script or style is emitted: the page's CSP forbids them.

``values`` is form field name -> text (or list of texts), as returned by ``form_values`` or as
posted; this code never applies defaults itself, so a box the person unticked stays unticked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pixie_web.inputs.controls import Attrs, FieldView, fill_control
from pixie_web.inputs.hints import hint
from shared.toolspec import InputSpec, ToolSpec

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_NO_REQUIRED_MARK = frozenset({"checkbox", "toggle", "hidden"})


@dataclass
class Section:
    """A run of inputs drawn together; ``group`` is the heading shared by adjacent inputs."""

    group: str | None
    fields: list[FieldView]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _view(item: InputSpec, values: Mapping[str, Any], error: str) -> FieldView:
    field_id = f"input-{item.key}"
    wrapper: Attrs = {
        "class": f"field field--{item.type}",
        "data-input-key": item.key,
        "data-input-type": item.type,
    }
    if item.show_if is not None:
        wrapper["data-show-if-key"] = item.show_if.key
        wrapper["data-show-if-equals"] = json.dumps(
            item.show_if.equals, ensure_ascii=False, separators=(",", ":")
        )
    if item.type == "hidden":
        wrapper["hidden"] = "hidden"
    view = FieldView(
        key=item.key,
        type=item.type,
        widget="input",
        label=item.label,
        required_mark=item.required and item.type not in _NO_REQUIRED_MARK,
        wrapper=wrapper,
        label_for=field_id,
        hint=hint(item),
        help=item.description or "",
        error=error,
    )
    described = []
    for part in ("hint", "help", "error"):
        if getattr(view, part):
            setattr(view, f"{part}_id", f"{field_id}-{part}")
            described.append(f"{field_id}-{part}")
    control: Attrs = {"id": field_id, "name": item.key}
    if item.required:
        control["required"] = "required"
    if described:
        control["aria-describedby"] = " ".join(described)
    if error:
        control["aria-invalid"] = "true"
    for name in ("placeholder", "max_length"):
        setting = item.params.get(name)
        if setting is not None and item.type in ("text", "textarea"):
            control["maxlength" if name == "max_length" else name] = str(setting)
    view.control = control
    fill_control(view, item, values)
    view.control = _ordered(view.control)
    return view


def _ordered(attrs: Attrs) -> Attrs:
    """type, id, name and value first, so the HTML reads the way people write it."""
    first = [name for name in ("type", "id", "name", "value") if name in attrs]
    return {name: attrs[name] for name in first} | {k: v for k, v in attrs.items() if k not in first}


def sections(spec: ToolSpec, values: Mapping[str, Any], errors: Mapping[str, str]) -> list[Section]:
    """The inputs in order, adjacent ones with the same group gathered under one heading."""
    out: list[Section] = []
    for item in spec.inputs:
        view = _view(item, values, errors.get(item.key, ""))
        if out and item.group is not None and out[-1].group == item.group:
            out[-1].fields.append(view)
        else:
            out.append(Section(item.group, [view]))
    return out


def render_form_fields(spec: ToolSpec, values: Mapping[str, Any], errors: Mapping[str, str]) -> Markup:
    """Every input of the tool as form controls, to be placed inside the page's own ``<form>``."""
    template = _environment().get_template("inputs/fields.html")
    return Markup(template.render(sections=sections(spec, values, errors)))
