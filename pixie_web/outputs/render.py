"""Turning normalised outputs into HTML cards and a results panel.

Rendering uses its own Jinja environment over ``templates/outputs/`` rather than Quart's, so it
works outside a request (tests, run replays, later the streaming code) and gives the same HTML
everywhere. Autoescaping is on; the only unescaped insertions are the sanitised markdown HTML
and the JSON data blocks, whose ``<``, ``>`` and ``&`` are written as ``\\u003c`` and so on, so a
string holding ``</script>`` cannot end the block early.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pixie_web.outputs.fallback import tabulate
from pixie_web.outputs.layout import group_outputs
from pixie_web.outputs.normalise import normalise
from pixie_web.outputs.shape import Shown, jsonable
from shared import jsonio
from shared.toolcall import unwrap_outputs
from shared.toolspec import OutputSpec, ToolSpec

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "outputs"
EMPTY_BEFORE_RUN = "No value yet"
EMPTY_MISSING = "No value"

_OWN_BODIES = {
    "text", "stream_text", "markdown", "latex", "code", "number", "boolean", "progress", "table", "kv",
    "log", "diff", "tree", "timeline", "gantt", "image", "image_grid", "image_compare", "audio", "video",
    "file",
}  # fmt: skip


def data_block(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block, unable to close the element."""
    try:
        text = jsonio.dumps_text(data)
    except TypeError:
        text = jsonio.dumps_text(jsonable(data))
    # str.translate is slow on long texts; these three characters are rare, so replace when present.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def table_rows(rows: list[list[dict[str, Any]]]) -> Markup:
    """A table output's ``<tr>`` lines. Built here rather than by a Jinja loop: a table's cells
    are most of a panel's drawing, and each ``cell.text`` in a template is a failed attribute
    lookup before the dict's item is found."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            value, text = cell["value"], escape(cell["text"])
            if value is None:
                cells.append(f"<td>{text}</td>")
            else:  # a finite int or float (table.py): its repr is digits, '.', '-', 'e' and '+'
                cells.append(f'<td class="is-number" data-value="{value!r}">{text}</td>')
        lines.append(f"      <tr>{''.join(cells)}</tr>\n")
    return Markup("".join(lines))


def text_rows(rows: list[list[str]]) -> Markup:
    """A chart's or map's fallback table rows (already formatted text), as ``table_rows``."""
    lines = [
        f"      <tr><td>{'</td><td>'.join(map(escape, row))}</td></tr>\n" if row else "      <tr></tr>\n"
        for row in rows
    ]
    return Markup("".join(lines))


def body_template(output_type: str) -> str:
    """The body template for a type: its own, or the shared chart/map figure."""
    return f"body/{output_type}.html" if output_type in _OWN_BODIES else "body/chart.html"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package files: no stat of each template on every card drawn
    )
    env.filters["data_block"] = data_block
    env.filters["table_rows"] = table_rows
    env.filters["text_rows"] = text_rows
    env.globals["body_template"] = body_template
    return env


ENV = _environment()


# Where a card's body goes in its cached frame; random, so no tool's text can contain it.
_SLOT = f"\x00{secrets.token_hex(8)}\x00"
_FRAMES_MAX = 4096
_frames: dict[tuple[int, bool], tuple[OutputSpec, str, str]] = {}


def _frame(spec: OutputSpec, oob: bool) -> tuple[str, str]:
    """The HTML of a card holding a value, before and after its body.

    It depends on the spec alone, so it is drawn once per spec: a run's panel then draws only
    the bodies (a template each) instead of a card template around each one.
    """
    cached = _frames.get((id(spec), oob))
    if cached is not None and cached[0] is spec:  # the same spec, not another at a reused id
        return cached[1], cached[2]
    html = ENV.get_template("card.html").render(spec=spec, state="value", body=Markup(_SLOT), oob=oob)
    before, after = html.split(_SLOT)
    if len(_frames) >= _FRAMES_MAX:
        _frames.clear()  # specs change when tool.json does; old ones are not kept for ever
    _frames[(id(spec), oob)] = (spec, before, after)
    return before, after


def _card(spec: OutputSpec, shown: Shown, empty_text: str, *, oob: bool = False) -> Markup:
    if shown.state != "value":
        html = ENV.get_template("card.html").render(
            spec=spec, state=shown.state, problem=shown.problem, empty_text=empty_text, body=None, oob=oob
        )
        return Markup(html)
    body = ENV.get_template(body_template(shown.type)).render(
        spec=spec,
        data=shown.data,
        fallback=tabulate(shown.type, shown.data),
        figure_class="map" if shown.type.startswith("map_") else "chart",
    )
    before, after = _frame(spec, oob)
    return Markup(before + body + after)


def render_card(spec: OutputSpec, value: Any, *, present: bool = True, oob: bool = False) -> Markup:
    """One output card; ``present=False`` draws the empty state ("No value").

    ``oob=True`` marks the card ``hx-swap-oob="true"``, so a streamed update replaces the card
    with the same id wherever it sits in the page.
    """
    return _card(spec, normalise(spec, value, present=present), EMPTY_MISSING, oob=oob)


def render_panel(spec: ToolSpec, outputs: Mapping[str, Any] | None) -> Markup:
    """Every declared output as a card, grouped by layout; ``None`` means no result yet.

    A declared key missing from ``outputs`` shows the empty state; undeclared keys are ignored.
    """
    values = None if outputs is None else unwrap_outputs(spec, outputs)
    empty_text = EMPTY_BEFORE_RUN if values is None else EMPTY_MISSING
    cards = {}
    for output in spec.outputs:
        present = values is not None and output.key in values
        value = values[output.key] if values is not None and present else None
        cards[output.key] = _card(output, normalise(output, value, present=present), empty_text)
    html = ENV.get_template("panel.html").render(groups=group_outputs(spec.outputs), cards=cards, tool=spec)
    return Markup(html)
