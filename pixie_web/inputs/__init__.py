"""A tool's inputs in the web process: reading the posted form or JSON into the values a tool
receives, checking them, and drawing the form that posts them.

Modules, one idea each:

* ``coercion``: ``coerce_form`` (form fields and uploads -> inputs) and ``check_json_inputs``
  (the JSON API), both returning an ``InputResult``;
* ``validation``, ``scalars``, ``structured``, ``files``: the per-type rules both paths share;
* ``prefill``: ``form_values``, inputs -> what the form fields hold (the inverse of coercion);
* ``render``: ``render_form_fields``, the form controls as HTML (templates in templates/inputs/).
"""

from __future__ import annotations

from pixie_web.inputs.coercion import check_json_inputs, coerce_form
from pixie_web.inputs.prefill import form_values, redisplay_values
from pixie_web.inputs.render import render_form_fields
from pixie_web.inputs.results import InputResult, Upload

__all__ = [
    "InputResult",
    "Upload",
    "check_json_inputs",
    "coerce_form",
    "form_values",
    "redisplay_values",
    "render_form_fields",
]
