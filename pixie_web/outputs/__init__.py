"""Turning a tool's outputs into HTML: one normalised ``Shown`` per output, one card per ``Shown``.

``normalise`` settles each of the 39 output types' accepted value shapes into one shape (or a
problem sentence) without I/O; ``render_card`` and ``render_panel`` draw cards with the Jinja
templates in ``templates/outputs/``. Charts and maps carry their normalised data as a JSON block
for the client-side renderer, plus a plain table of the data for reading without JavaScript.
"""

from __future__ import annotations

from pixie_web.outputs.normalise import NORMALISERS, normalise
from pixie_web.outputs.numbers import format_number
from pixie_web.outputs.render import render_card, render_panel
from pixie_web.outputs.shape import Shown

__all__ = ["NORMALISERS", "Shown", "format_number", "normalise", "render_card", "render_panel"]
