"""How closely a tool's outputs must match its reference fixtures: tolerance.yaml and its merge rules.

Two spellings of tolerance.yaml exist in the wild, and both are accepted:

* the nested format, with ``defaults:`` (one block per output *type*), ``overrides:`` (one block
  per output *key*) and ``options:``;
* the flat format, where every top-level key other than ``defaults``, ``overrides`` and
  ``options`` is an output key whose block is read exactly as if it were listed under
  ``overrides:``. So ``price: {abs: 0.01, rel: 1.0e-4}`` at the top level means
  ``overrides: {price: {atol: 0.01, rtol: 1.0e-4}}`` for a number output, and
  ``{float_atol: 0.01, float_rtol: 1.0e-4}`` for a chart, table, kv or any other output that
  compares numbers inside a structure. The two formats may be mixed; naming one output both
  ways is an error. An output literally called ``defaults``, ``overrides`` or ``options`` can
  only be targeted through ``overrides:``.

Tolerance names are aliases of each other wherever that is unambiguous: ``abs``/``atol``/
``float_atol`` and ``rel``/``rtol``/``float_rtol`` all reach whichever pair the output type
reads, so a block written for one type family never silently does nothing for another. Within a
block the type's own name wins over an alias. Each layer is translated to the output type's own
names *before* the shallow merge, so that a fixture's ``atol`` really overrides a file default's
``float_atol``.

PyYAML reads ``1e-4`` (no dot) as a string; number-valued keys accept such strings.

Nothing here raises on a bad file: every problem is a string naming its key path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import yaml

OnKey = Literal["warn", "fail", "ignore"]
ON_KEY_CHOICES: tuple[OnKey, ...] = ("warn", "fail", "ignore")
SECTIONS = ("defaults", "overrides", "options")

_FLOATS = {"float_rtol": 1e-6, "float_atol": 1e-9}
_TEXT_KINDS = ("exact", "exact_after_normalize_whitespace", "json_normalized")
_XY = ("data_only", {"series_match": "by_name", **_FLOATS})
_IMAGE = {"min_ssim": 0.95}

# Per output type: the comparator kinds it accepts (the first is its default), and its other
# tolerance keys with their built-in values. "skip" is accepted by every type.
_CATALOGUE: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "number": (("numeric_isclose",), {"rtol": 1e-6, "atol": 1e-9}),
    "progress": (("skip", "numeric_isclose"), {"rtol": 1e-6, "atol": 1e-9}),
    "boolean": (("exact",), {}),
    "text": (_TEXT_KINDS, dict(_FLOATS)),
    "code": (_TEXT_KINDS, dict(_FLOATS)),
    "stream_text": (_TEXT_KINDS, dict(_FLOATS)),
    "markdown": (("exact_after_normalize_whitespace", "exact", "json_normalized"), dict(_FLOATS)),
    "latex": (("exact_after_normalize_whitespace", "exact"), {}),
    "diff": (("exact", "exact_after_normalize_whitespace"), {}),
    "kv": (("dict_per_value",), {"allow_extra": False, **_FLOATS}),
    "table": (("rows_unordered", "rows_ordered"), dict(_FLOATS)),
    "tree": (("tree_nodes",), dict(_FLOATS)),
    "timeline": (("rows_ordered",), dict(_FLOATS)),
    "gantt": (("rows_ordered",), dict(_FLOATS)),
    "log": (("rows_ordered",), {"allow_regex": False, **_FLOATS}),
    "chart_line": ((_XY[0],), dict(_XY[1])),
    "chart_area": ((_XY[0],), dict(_XY[1])),
    "chart_bar": ((_XY[0],), dict(_XY[1])),
    "chart_scatter": ((_XY[0],), dict(_XY[1])),
    "chart_radar": ((_XY[0],), dict(_XY[1])),
    "chart_pie": (("slices_unordered",), dict(_FLOATS)),
    "chart_histogram": (("values_unordered",), dict(_FLOATS)),
    "chart_boxplot": (("series_summary",), dict(_FLOATS)),
    "chart_heatmap": (("matrix_elementwise",), dict(_FLOATS)),
    "chart_candlestick": (("rows_ordered",), dict(_FLOATS)),
    "chart_sankey": (("graph_set",), dict(_FLOATS)),
    "chart_network": (("graph_set",), dict(_FLOATS)),
    "chart_treemap": (("tree_set",), dict(_FLOATS)),
    "map_points": (("set_equal_after_round_coords_4dp",), {"round_digits": 4, **_FLOATS}),
    "map_heatmap": (("set_equal_after_round_coords_4dp",), {"round_digits": 4, **_FLOATS}),
    "map_route": (("ordered_after_round_coords_4dp",), {"round_digits": 4}),
    "map_choropleth": (("keyed_values",), dict(_FLOATS)),
    "map_polygons": (("set_equal_after_round_coords_4dp",), {"round_digits": 4}),
    "image": (("ssim", "size_sha256"), dict(_IMAGE)),
    "image_grid": (("ssim_per_image", "ssim", "size_sha256"), dict(_IMAGE)),
    "image_compare": (("ssim_pair", "ssim", "size_sha256"), dict(_IMAGE)),
    "audio": (("spectrogram_l2", "size_sha256"), {"max_l2": 0.05, "sample_rate": 22050, "n_mels": 128}),
    "video": (("skip", "per_frame_ssim_mean", "size_sha256"), dict(_IMAGE)),
    "file": (("mime_dispatch", "sha256"), dict(_FLOATS)),
}


def compare_kinds(output_type: str) -> tuple[str, ...]:
    """The ``compare:`` values an output type accepts, its default first; empty for unknown types."""
    entry = _CATALOGUE.get(output_type)
    if entry is None:
        return ()
    kinds = entry[0]
    return kinds if "skip" in kinds else (*kinds, "skip")


BUILTIN_DEFAULTS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {name: MappingProxyType({"compare": kinds[0], **values}) for name, (kinds, values) in _CATALOGUE.items()}
)

_ALL_KINDS = frozenset(kind for name in _CATALOGUE for kind in compare_kinds(name))
_TOL_NAMES = frozenset({"rtol", "atol", "float_rtol", "float_atol", "abs", "rel"})
_ALL_KEYS = frozenset({"compare"} | _TOL_NAMES | {k for _, (_, vals) in _CATALOGUE.items() for k in vals})


def _describe(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return str(value)


def _number(value: object) -> int | float | None:
    """A finite number, from a number or from a numeric string (the YAML ``1e-4`` case)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value) if isinstance(value, float) else value
    return None


def _check_value(key: str, value: object, where: str) -> tuple[object, str | None]:
    """The value coerced to its key's type, or the reason it cannot be."""
    if key == "compare":
        if isinstance(value, str) and value in _ALL_KINDS:
            return value, None
        return value, f"{where}: unknown comparator {_describe(value)}"
    if key in ("allow_extra", "allow_regex"):
        return (value, None) if isinstance(value, bool) else (value, f"{where}: expected true or false")
    if key == "series_match":
        if value in ("by_name", "by_index"):
            return value, None
        return value, f"{where}: expected by_name or by_index, got {_describe(value)}"
    number = _number(value)
    if key in ("round_digits", "sample_rate", "n_mels"):
        low, high = (0, 10) if key == "round_digits" else (1, 10**7)
        if isinstance(number, int) and low <= number <= high:
            return number, None
        return value, f"{where}: expected a whole number from {low} to {high}, got {_describe(value)}"
    if key == "min_ssim":
        if number is not None and -1 <= number <= 1:
            return float(number), None
        return value, f"{where}: expected a number from -1 to 1, got {_describe(value)}"
    if number is not None and number >= 0:
        return float(number), None
    return value, f"{where}: expected a non-negative number, got {_describe(value)}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_block(output_type: str | None, block: object, path: str) -> tuple[dict[str, Any], list[str]]:
    """Validate one tolerance block; return it with values coerced, plus its problems.

    With ``output_type`` None (a per-key block read before the tool's outputs are known) any key
    and comparator that some type accepts passes; ``spec_errors`` re-checks such blocks later.
    """
    if not isinstance(block, Mapping):
        return {}, [f"{path or 'tolerance'}: expected a mapping, got {_describe(block)}"]
    if output_type is not None and output_type not in _CATALOGUE:
        return {}, [f"{path or 'tolerance'}: no tolerances for unknown output type {output_type!r}"]
    allowed = _ALL_KEYS if output_type is None else _keys_for(output_type)
    kinds = _ALL_KINDS if output_type is None else frozenset(compare_kinds(output_type))
    clean: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in block.items():
        where = _join(path, str(key))
        if not isinstance(key, str) or key not in allowed:
            errors.append(f"{where}: unknown tolerance key; allowed here: {', '.join(sorted(allowed))}")
            continue
        coerced, problem = _check_value(key, value, where)
        if problem is None and key == "compare" and coerced not in kinds:
            problem = f"{where}: {output_type} outputs accept {', '.join(sorted(kinds))}; got {coerced!r}"
        if problem is not None:
            errors.append(problem)
        else:
            clean[key] = coerced
    return clean, errors


def _keys_for(output_type: str) -> frozenset[str]:
    own = set(_CATALOGUE[output_type][1])
    has_tolerance = bool(own & {"rtol", "atol", "float_rtol", "float_atol"})
    return frozenset({"compare"} | own | (_TOL_NAMES if has_tolerance else set()))


def canonical(output_type: str, block: Mapping[str, Any]) -> dict[str, Any]:
    """The block in the type's own tolerance names: aliases folded in, the type's own name winning.

    Tolerance names on a type that compares no numbers are dropped; loading reports them.
    """
    out = {k: v for k, v in block.items() if k not in _TOL_NAMES}
    own = _CATALOGUE[output_type][1] if output_type in _CATALOGUE else {}
    prefix = "" if "rtol" in own else "float_" if "float_rtol" in own else None
    if prefix is None:
        return out if output_type in _CATALOGUE else dict(block)
    for family, alias in (("atol", "abs"), ("rtol", "rel")):
        target = prefix + family
        for spelling in (target, family, f"float_{family}", alias):
            if spelling in block:
                out[target] = block[spelling]
                break
    return out


@dataclass(frozen=True)
class ToleranceOptions:
    """What to do with response keys the fixture did not expect, and expected keys that are missing."""

    on_extra_output_key: OnKey = "warn"
    on_missing_expected_key: OnKey = "fail"
    truncate_diff_chars: int = 400


def _frozen(blocks: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in blocks.items()})


@dataclass(frozen=True)
class ToleranceFile:
    """A parsed tolerance.yaml. ``overrides`` holds flat-format entries too."""

    defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    options: ToleranceOptions = ToleranceOptions()


@dataclass(frozen=True)
class ToleranceParse:
    """A parsed file, or every problem found in it (then ``file`` is None)."""

    file: ToleranceFile | None
    errors: tuple[str, ...] = ()


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: {problem}"
    return f"YAML syntax error: {problem}"


def _parse_options(raw: object) -> tuple[ToleranceOptions, list[str]]:
    if raw is None:
        return ToleranceOptions(), []
    if not isinstance(raw, Mapping):
        return ToleranceOptions(), [f"options: expected a mapping, got {_describe(raw)}"]
    found: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in raw.items():
        where = f"options.{key}"
        if key in ("on_extra_output_key", "on_missing_expected_key"):
            if value in ON_KEY_CHOICES:
                found[key] = value
            else:
                errors.append(f"{where}: expected warn, fail or ignore, got {_describe(value)}")
        elif key == "truncate_diff_chars":
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                found[key] = value
            else:
                errors.append(f"{where}: expected a positive whole number, got {_describe(value)}")
        else:
            errors.append(
                f"{where}: unknown option; allowed: on_extra_output_key, on_missing_expected_key, "
                "truncate_diff_chars"
            )
    return ToleranceOptions(**found), errors


def _section(raw: object, name: str) -> tuple[Mapping[Any, Any], list[str]]:
    if raw is None:
        return {}, []
    if isinstance(raw, Mapping):
        return raw, []
    return {}, [f"{name}: expected a mapping, got {_describe(raw)}"]


def parse_tolerance_yaml(text: str) -> ToleranceParse:
    """Parse tolerance.yaml text in either format; an empty file is a valid file with no settings."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return ToleranceParse(None, (_yaml_error(exc),))
    if data is None:
        return ToleranceParse(ToleranceFile())
    if not isinstance(data, Mapping):
        return ToleranceParse(
            None, (f"top level: expected a mapping of defaults/overrides/options, got {_describe(data)}",)
        )
    errors: list[str] = []
    raw_defaults, problems = _section(data.get("defaults"), "defaults")
    errors += problems
    defaults: dict[str, dict[str, Any]] = {}
    for type_name, block in raw_defaults.items():
        where = f"defaults.{type_name}"
        if not isinstance(type_name, str) or type_name not in _CATALOGUE:
            errors.append(f"{where}: not an output type")
            continue
        defaults[type_name], problems = check_block(type_name, block, where)
        errors += problems
    raw_overrides, problems = _section(data.get("overrides"), "overrides")
    errors += problems
    flat = {k: v for k, v in data.items() if k not in SECTIONS}
    overrides: dict[str, dict[str, Any]] = {}
    for prefix, entries in (("overrides.", raw_overrides), ("", flat)):
        for key, block in entries.items():
            where = f"{prefix}{key}"
            if not isinstance(key, str):
                errors.append(f"{where}: output keys must be strings")
                continue
            if key in overrides:
                errors.append(f"{where}: output {key!r} is given both under overrides: and at the top level")
                continue
            overrides[key], problems = check_block(None, block, where)
            errors += problems
    options, problems = _parse_options(data.get("options"))
    errors += problems
    if errors:
        return ToleranceParse(None, tuple(errors))
    return ToleranceParse(ToleranceFile(_frozen(defaults), _frozen(overrides), options))


def spec_errors(file: ToleranceFile, output_types: Mapping[str, str]) -> list[str]:
    """Problems only visible once the tool's outputs (key -> type) are known: overrides of unknown
    keys, or settings the output's type does not take (``min_ssim`` on a number, say)."""
    errors: list[str] = []
    for key, block in file.overrides.items():
        output_type = output_types.get(key)
        if output_type is None:
            errors.append(f"overrides.{key}: not a declared output key")
        else:
            errors += check_block(output_type, block, f"overrides.{key}")[1]
    return errors


def effective(output_type: str, *layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The built-in block for the type, shallow-merged with each layer in turn (later wins)."""
    merged = dict(BUILTIN_DEFAULTS.get(output_type, {}))
    for layer in layers:
        if layer:
            merged.update(canonical(output_type, layer))
    return merged


def resolve_tolerance(
    output_type: str,
    output_key: str,
    file: ToleranceFile | None,
    fixture_tolerance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Built-in default < file ``defaults[type]`` < file ``overrides[key]`` < the fixture's own block."""
    file = file or ToleranceFile()
    return effective(
        output_type, file.defaults.get(output_type), file.overrides.get(output_key), fixture_tolerance
    )
