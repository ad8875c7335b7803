"""Turning a posted form, or a JSON API body, into the ``inputs`` a tool receives.

Two entry points share one assembly step: ``coerce_form`` first reads each input's form fields
into JSON (strings in, typed values out), ``check_json_inputs`` starts from values that are already
typed and is strict about it. Both then run the same per-type checks (``validation.py``), apply
defaults to inputs left empty, and report every problem as one sentence per input rather than
stopping at the first, so the form can show all of them at once.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from pixie_web.inputs.files import encode_upload
from pixie_web.inputs.results import InputResult, Invalid, Upload
from pixie_web.inputs.scalars import load_json, option_text, parse_bool, parse_number, shown
from pixie_web.inputs.structured import within
from pixie_web.inputs.validation import check_value, is_blank, is_range_slider, takes_many_files
from shared.jsonio import json_equal
from shared.toolspec import InputSpec, ToolSpec

__all__ = ["InputResult", "Upload", "check_json_inputs", "coerce_form", "lo_hi_names"]

UNKNOWN_KEY = "_unknown"
SHAPE_KEY = "_inputs"
_FLAG_TYPES = frozenset({"checkbox", "toggle"})
_JSON_TEXT_TYPES = frozenset(
    {"date_range", "json", "table", "map_point", "map_bbox", "map_polygon", "map_multipoint"}
)


class _Blank:
    """The input was left empty: its default applies, or nothing."""


BLANK = _Blank()


class _Final:
    """A value already checked in full while reading (encoded uploads), not to be checked again:
    an upload accepted by its file name could fail a second check that only sees its MIME type."""

    def __init__(self, value: object) -> None:
        self.value = value


def lo_hi_names(key: str) -> tuple[str, str]:
    """The two number fields a range slider posts when JavaScript is off."""
    return f"{key}__lo", f"{key}__hi"


def _texts(values: Mapping[str, Sequence[str]], name: str) -> list[str]:
    raw = values.get(name)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [item for item in raw if isinstance(item, str)]


def _last(values: Mapping[str, Sequence[str]], name: str) -> str | None:
    """A field's value; when a single-valued field was posted twice the last one wins, as with a
    hidden fallback followed by the real control."""
    texts = _texts(values, name)
    return texts[-1] if texts else None


def _text_value(text: str | None) -> object:
    if text is None or text == "":
        return BLANK
    return text.replace("\r\n", "\n").replace("\r", "\n")  # browsers post CRLF from a textarea


def _stripped(text: str | None) -> object:
    if text is None or not text.strip():
        return BLANK
    return text.strip()


def _number(text: str | None) -> object:
    value = _stripped(text)
    if value is BLANK:
        return BLANK
    number = parse_number(str(value))
    if number is None:
        raise Invalid(f"must be a number; got {shown(text)}.")
    return number


def _range(spec: InputSpec, values: Mapping[str, Sequence[str]]) -> object:
    """The two number fields win when either was filled in: they are what the person sees. The
    JSON field is for clients that post the pair directly (scripts, the rich slider)."""
    low_name, high_name = lo_hi_names(spec.key)
    low = within("low end", lambda: _number(_last(values, low_name)))
    high = within("high end", lambda: _number(_last(values, high_name)))
    if low is BLANK and high is BLANK:
        return _json_text(_last(values, spec.key))
    if low is BLANK or high is BLANK:
        missing = "low" if low is BLANK else "high"
        raise Invalid(f"needs both ends of the range; the {missing} end was left empty.")
    return [low, high]


def _json_text(text: str | None) -> object:
    value = _stripped(text)
    return BLANK if value is BLANK else load_json(str(value))


def _list_text(texts: list[str], options_text: set[str]) -> list[object]:
    """Several posted values, or one holding a JSON list (a JSON-bridged widget)."""
    texts = [text for text in texts if text != ""]
    if len(texts) == 1 and texts[0].strip().startswith("[") and texts[0] not in options_text:
        parsed = load_json(texts[0])
        if not isinstance(parsed, list):
            raise Invalid(f"must be a list; got {shown(parsed)}.")
        return parsed
    return list(texts)


def _tags(texts: list[str]) -> object:
    texts = [text for text in texts if text.strip()]
    if len(texts) == 1 and not texts[0].strip().startswith("["):
        return texts[0].split(",")
    return _list_text(texts, set())


def _files(
    spec: InputSpec, values: Mapping[str, Sequence[str]], files: Mapping[str, Sequence[Upload]]
) -> object:
    """New uploads replace any data URL the form kept from an earlier run."""
    raw = files.get(spec.key) or ()
    uploads = [raw] if isinstance(raw, Upload) else [item for item in raw if isinstance(item, Upload)]
    chosen = [upload for upload in uploads if upload.chosen]
    if chosen:
        if takes_many_files(spec):
            encoded = [within(f"file {n}", partial(encode_upload, spec, u)) for n, u in enumerate(chosen, 1)]
            return _Final(encoded)
        if len(chosen) > 1:
            names = ", ".join(shown(upload.filename) for upload in chosen)
            raise Invalid(f"takes one file; got {len(chosen)} files ({names}).")
        return _Final(encode_upload(spec, chosen[0]))
    kept = _list_text(_texts(values, spec.key), set())
    if not kept:
        return BLANK
    return kept if takes_many_files(spec) or len(kept) > 1 else kept[0]


def _hidden(spec: InputSpec, text: str | None) -> object:
    """A hidden field carries its default's JSON text when the default is not a string, so a
    number or a list comes back with its type."""
    if text is None or text == "":
        return BLANK
    if spec.default is None or isinstance(spec.default, str):
        return text
    return load_json(text)


def read_form(
    spec: InputSpec, values: Mapping[str, Sequence[str]], files: Mapping[str, Sequence[Upload]]
) -> object:
    """One input's posted fields as JSON, ``BLANK``, or ``_Final``; raises ``Invalid``."""
    kind, key = spec.type, spec.key
    text = _last(values, key)
    if kind in _FLAG_TYPES:
        if text is None:
            return False
        flag = parse_bool(text)
        if flag is None:
            raise Invalid(f"must be true or false; got {shown(text)}.")
        return flag
    if kind == "number":
        return _number(text)
    if kind == "slider":
        return _range(spec, values) if is_range_slider(spec) else _number(text)
    if kind in ("select", "radio"):
        return BLANK if text is None or is_blank(spec, text) else text
    if kind == "multiselect":
        return _list_text(_texts(values, key), {option_text(option.value) for option in spec.options})
    if kind in ("date", "time", "datetime", "colour"):
        return _stripped(text)
    if kind in _JSON_TEXT_TYPES:
        return _json_text(text)
    if kind == "tags":
        return _tags(_texts(values, key))
    if kind in ("file", "image", "audio"):
        return _files(spec, values, files)
    if kind == "hidden":
        return _hidden(spec, text)
    return _text_value(text)


# ---- assembly --------------------------------------------------------------------------------


def _default(spec: InputSpec) -> object:
    """The spec's default, normalised like a typed value when it passes the checks (a ``#FFF``
    default arrives as ``#ffffff``), else as the author wrote it."""
    value = copy.deepcopy(spec.default)
    try:
        return check_value(spec, value, from_form=False)
    except Invalid:
        return value


def _visible(spec: InputSpec, inputs: Mapping[str, Any], errors: Mapping[str, str]) -> bool:
    """Whether show_if lets the person see the input, judged on the values being sent. An input
    whose controlling value is itself in error counts as visible, to stay on the safe side."""
    rule = spec.show_if
    if rule is None or rule.key in errors:
        return True
    return json_equal(inputs.get(rule.key), rule.equals)


def _assemble(spec: ToolSpec, outcomes: Mapping[str, object]) -> InputResult:
    """Defaults for blank inputs; "required" only for inputs the person could see and fill in.

    A hidden input is never reported as missing: nobody could supply it from the form.
    """
    inputs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    missing: list[InputSpec] = []
    for item in spec.inputs:
        outcome = outcomes[item.key]
        if isinstance(outcome, Invalid):
            errors[item.key] = outcome.sentence(item.label)
        elif outcome is not BLANK:
            inputs[item.key] = outcome
        elif item.default is not None:
            inputs[item.key] = _default(item)
        elif item.type in _FLAG_TYPES:
            inputs[item.key] = False
        elif item.required and item.type != "hidden":
            missing.append(item)
    for item in missing:
        if _visible(item, inputs, errors):
            errors[item.key] = f"{item.label} is required but was left empty."
    order = [item.key for item in spec.inputs]
    ordered = {key: inputs[key] for key in order if key in inputs}
    return InputResult(ordered, {key: errors[key] for key in order if key in errors})


def _checked(item: InputSpec, value: object, *, from_form: bool) -> object:
    """The checked value, or ``BLANK`` when it is empty before or after normalising (a tags
    text of only commas is as empty as no text)."""
    if value is BLANK or is_blank(item, value):
        return BLANK
    checked = check_value(item, value, from_form=from_form)
    return BLANK if is_blank(item, checked) else checked


def coerce_form(
    spec: ToolSpec, values: Mapping[str, Sequence[str]], files: Mapping[str, Sequence[Upload]]
) -> InputResult:
    """A posted form as the tool's inputs (tool contract §3.3, improved: option values keep
    their type for select, radio and multiselect alike; uploads become data URLs; every value is
    checked and a bad one is an error rather than a null). Fields no declared input reads are
    ignored, and an unexpected field never causes an error."""
    outcomes: dict[str, object] = {}
    for item in spec.inputs:
        try:
            read = read_form(item, values, files)
            if isinstance(read, _Final):
                outcomes[item.key] = read.value
            else:
                outcomes[item.key] = _checked(item, read, from_form=True)
        except Invalid as exc:
            outcomes[item.key] = exc
    return _assemble(spec, outcomes)


def check_json_inputs(spec: ToolSpec, inputs: Mapping[str, Any]) -> InputResult:
    """Already-typed inputs (the JSON API): the same checks with no string conversion, defaults
    for missing optional inputs, and one ``"_unknown"`` error listing undeclared keys."""
    given: object = inputs  # the route may hand over whatever JSON the body held
    if not isinstance(given, Mapping):
        message = f"The inputs must be a JSON object keyed by input; got {shown(inputs)}."
        return InputResult({}, {SHAPE_KEY: message})
    outcomes: dict[str, object] = {}
    for item in spec.inputs:
        value = inputs.get(item.key)
        try:
            outcomes[item.key] = _checked(item, value if item.key in inputs else BLANK, from_form=False)
        except Invalid as exc:
            outcomes[item.key] = exc
    result = _assemble(spec, outcomes)
    declared = {item.key for item in spec.inputs}
    unknown = [key for key in inputs if key not in declared]
    if unknown:
        names = ", ".join(shown(key) for key in unknown)
        known = ", ".join(shown(item.key) for item in spec.inputs)
        takes = f"its inputs are {known}" if known else "it takes no inputs"
        noun = "input" if len(unknown) == 1 else "inputs"
        result.errors[UNKNOWN_KEY] = f"This tool has no {noun} named {names}; {takes}."
    return result
