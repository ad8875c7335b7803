"""What each input type's control looks like: its widget template, attributes and extra parts.

The naming convention that ``coerce_form`` reads back is decided here, field by field: most types
post one field named after the input key; a range slider posts ``<key>__lo`` and ``<key>__hi``
(plus ``<key>`` holding the JSON pair); a multiselect posts ``<key>`` once per chosen option; a
file input posts its files under ``<key>`` along with hidden ``<key>`` copies of files kept from
an earlier run. JSON-bridged types are text boxes holding JSON, marked ``data-widget`` so richer
widgets can replace them later without changing what is posted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pixie_web.inputs.coercion import lo_hi_names
from pixie_web.inputs.files import accept_list
from pixie_web.inputs.scalars import (
    choose_by_text,
    fits_native_control,
    number_param,
    number_text,
    option_text,
    parse_bool,
    parse_number,
)
from pixie_web.inputs.validation import is_range_slider, takes_many_files
from shared.jsonio import json_equal
from shared.toolspec import InputSpec

Attrs = dict[str, str]

_JSON_BRIDGED = frozenset(
    {"json", "table", "tags", "date_range", "map_point", "map_bbox", "map_polygon", "map_multipoint"}
)
_ROWS = {"textarea": 4, "code": 10, "markdown": 8, "json": 6, "table": 6, "tags": 2}


@dataclass(frozen=True)
class Choice:
    """One option of a select or multiselect, or one radio button."""

    text: str
    label: str
    selected: bool
    id: str = ""
    json: str = ""  # the option's value as JSON, so the page can compare it with a show_if value


@dataclass
class FieldView:
    """Everything a template needs to draw one input: the frame (label, help, error ids) is set
    by ``render._view``, the control itself by ``fill_control``."""

    key: str
    type: str
    widget: str
    label: str
    required_mark: bool
    wrapper: Attrs
    control: Attrs = field(default_factory=dict)
    label_for: str | None = None
    text: str = ""
    choices: list[Choice] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)
    hint: str = ""
    hint_id: str = ""
    help: str = ""
    help_id: str = ""
    error: str = ""
    error_id: str = ""


def _texts(values: Mapping[str, Any], name: str) -> list[str]:
    raw = values.get(name)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, Sequence):
        return [item if isinstance(item, str) else option_text(item) for item in raw]
    return [option_text(raw)]


def _text(values: Mapping[str, Any], name: str) -> str:
    texts = _texts(values, name)
    return texts[-1] if texts else ""


def _number_attrs(item: InputSpec) -> Attrs:
    attrs: Attrs = {}
    for name in ("min", "max"):
        number = number_param(item.params, name)
        if number is not None:
            attrs[name] = number_text(number)
    step = number_param(item.params, "step")
    attrs["step"] = number_text(step) if step is not None and step > 0 else "any"
    return attrs


def _selected(item: InputSpec, texts: Sequence[str]) -> list[bool]:
    """Which options the texts pick, matched the way ``coerce_form`` would read them."""
    flags = [False] * len(item.options)
    for text in texts:
        try:
            value = choose_by_text(item.options, text)
        except ValueError:
            continue
        for index, option in enumerate(item.options):
            if json_equal(option.value, value) and type(option.value) is type(value):
                flags[index] = True
                break
    return flags


def _choices(item: InputSpec, texts: Sequence[str], base_id: str) -> list[Choice]:
    flags = _selected(item, texts)
    return [
        Choice(
            option_text(option.value),
            option.label,
            flags[index],
            f"{base_id}-{index}",
            _data_json(option.value),
        )
        for index, option in enumerate(item.options)
    ]


def _data_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, tuple | list) else []


def _widget_data(item: InputSpec) -> Attrs:
    """Spec details a rich widget will need, carried as data attributes."""
    data: Attrs = {"data-widget": item.type}
    params = item.params
    if item.type == "table":
        data["data-columns"] = _data_json([column.to_dict() for column in item.columns])
        for name in ("min_rows", "max_rows"):
            if isinstance(params.get(name), int):
                data[f"data-{name.replace('_', '-')}"] = str(params[name])
    elif item.type == "tags" and params.get("suggestions"):
        data["data-suggestions"] = _data_json(_listed(params["suggestions"]))
    elif item.type == "json" and params.get("schema") is not None:
        data["data-schema"] = _data_json(params["schema"])
    elif item.type.startswith("map_"):
        if params.get("default_center") is not None:
            data["data-default-center"] = _data_json(_listed(params["default_center"]))
        if isinstance(params.get("default_zoom"), int):
            data["data-default-zoom"] = str(params["default_zoom"])
    return data


def fill_control(view: FieldView, item: InputSpec, values: Mapping[str, Any]) -> None:
    """Fill in the widget, its main control's attributes and any extra parts."""
    kind, key, control = item.type, item.key, view.control
    value = _text(values, key)
    if kind in ("text", "autocomplete"):
        control |= {"type": "text", "value": value}
        if kind == "autocomplete":
            endpoint = item.params.get("endpoint")
            control |= {"autocomplete": "off", "data-widget": "autocomplete"}
            control["data-autocomplete-endpoint"] = endpoint if isinstance(endpoint, str) else ""
    elif kind in ("textarea", "code", "markdown"):
        view.widget, view.text = "textarea", value
        control["rows"] = str(_ROWS[kind])
        if kind != "textarea" or item.params.get("monospace") is True:
            control |= {"class": "monospace", "spellcheck": "false"}
        if kind != "textarea":
            language = item.params.get("language") if kind == "code" else "markdown"
            control |= {
                "data-widget": kind,
                "data-language": language if isinstance(language, str) else "text",
            }
    elif kind == "number":
        view.widget = "number"
        control |= {"type": _number_type(value), "value": value, **_number_attrs(item)}
        view.parts["unit"] = item.params.get("unit") or ""
    elif kind == "slider" and is_range_slider(item):
        _range_slider(view, item, values)
    elif kind == "slider":
        view.widget = "slider"
        control |= {"type": "range", **_number_attrs(item)}
        if value:
            control["value"] = value
        view.parts["shown"] = value
    elif kind in ("select", "multiselect"):
        view.widget = "select"
        texts = _texts(values, key)
        view.choices = _choices(item, texts[-1:] if kind == "select" else texts, view.control["id"])
        if kind == "multiselect":
            control |= {"multiple": "multiple", "size": str(min(len(item.options), 8)), "data-widget": kind}
        elif item.params.get("searchable") is True:
            control["data-searchable"] = "true"
        blank = kind == "select" and (not item.required or not any(c.selected for c in view.choices))
        view.parts["blank"] = blank
    elif kind == "radio":
        view.widget, view.label_for = "radio", None
        view.choices = _choices(item, _texts(values, key)[-1:], view.control.pop("id"))
    elif kind in ("checkbox", "toggle"):
        view.widget = "checkbox"
        control |= {"type": "checkbox", "value": "true"}
        control.pop("required", None)  # a required box would have to be ticked; false is an answer
        if parse_bool(value):
            control["checked"] = "checked"
        if kind == "toggle":
            control["role"] = "switch"
    elif kind in ("date", "time", "datetime", "colour"):
        _temporal(control, item, value)
    elif kind in ("file", "image", "audio"):
        _file(view, item, values)
    elif kind in _JSON_BRIDGED:
        view.widget, view.text = "textarea", value
        control |= {"rows": str(_ROWS.get(kind, 3)), "class": "monospace", "spellcheck": "false"}
        control |= _widget_data(item)
    else:  # hidden, and any type added to the catalogue later: a plain field carrying the text
        control |= {"type": "hidden" if kind == "hidden" else "text", "value": value}
        if kind == "hidden":
            view.widget = "hidden"
            for name in ("id", "required", "aria-describedby", "aria-invalid"):
                control.pop(name, None)


def _number_type(text: str) -> str:
    """A number box, or a text box when the text is not a number: a number control would drop
    it, and the person could not see what to correct."""
    return "number" if not text.strip() or parse_number(text) is not None else "text"


_NATIVE_TYPES = {"date": "date", "time": "time", "datetime": "datetime-local", "colour": "color"}


def _temporal(control: Attrs, item: InputSpec, value: str) -> None:
    """A native picker, or a text box when the value is one the picker would throw away (a typo
    to correct after a failed post, a datetime with a time zone)."""
    native = not value or fits_native_control(item.type, value)
    control |= {"type": _NATIVE_TYPES[item.type] if native else "text", "value": value}
    if item.type == "colour":
        if not value:
            control["value"] = "#000000"  # what the colour control would post anyway
        if native:
            control["data-widget"] = "colour"
        return
    if item.type == "date":
        for name in ("min", "max"):
            bound = item.params.get(name)
            if isinstance(bound, str):
                control[name] = bound
    elif "." in value:
        control["step"] = "0.001"  # fractions of a second in the value: the default step refuses them
    elif value.count(":") >= 2:
        control["step"] = "1"  # seconds in the value: without this the browser would refuse it


def _range_slider(view: FieldView, item: InputSpec, values: Mapping[str, Any]) -> None:
    low_name, high_name = lo_hi_names(item.key)
    base = view.control
    shared: Attrs = {
        name: base[name] for name in ("required", "aria-describedby", "aria-invalid") if name in base
    }
    numbers: Attrs = {**_number_attrs(item), **shared}
    view.widget = "range"
    view.label_for = f"{base['id']}-lo"
    for part, name, end in (("low", low_name, "lo"), ("high", high_name, "hi")):
        text = _text(values, name)
        view.parts[part] = {
            "type": _number_type(text),
            "id": f"{base['id']}-{end}",
            "name": name,
            "value": text,
            "aria-label": f"{item.label}, {part} end",
            **numbers,
        }
    bridge: Attrs = {"type": "hidden", "name": item.key, "value": _text(values, item.key)}
    view.parts["json"] = bridge | _widget_data(item)


def _file(view: FieldView, item: InputSpec, values: Mapping[str, Any]) -> None:
    """A file chooser, plus hidden copies of files kept from an earlier run (a replay), which the
    post sends again unless the person picks new ones."""
    control = view.control
    view.widget = "file"
    control |= {"type": "file", "data-widget": item.type}
    limit = item.params.get("max_size_mb")
    if isinstance(limit, int) and not isinstance(limit, bool):
        control["data-max-size-mb"] = str(limit)
    accept = accept_list(item)
    if accept:
        control["accept"] = ",".join(accept)
    if takes_many_files(item):
        control["multiple"] = "multiple"
    kept = [text for text in _texts(values, item.key) if text]
    if kept:
        control.pop("required", None)
    view.parts["kept"] = [{"type": "hidden", "name": item.key, "value": text} for text in kept]
    view.parts["kept_note"] = _kept_note(len(kept), takes_many_files(item))


def _kept_note(count: int, many: bool) -> str:
    if not count:
        return ""
    if count == 1 and not many:
        return "A file from the earlier run is attached; choosing a file replaces it."
    files = "1 file" if count == 1 else f"{count} files"
    return f"{files} from the earlier run attached; choosing files replaces them."
