"""Table outputs: choosing the columns and formatting each cell by its column's type.

Columns come from the spec first (the author's declaration wins), then from the value's own
``columns``, then from the first row's keys, as the original did. Rows may be objects keyed by
column or plain lists read by position. A cell that does not fit its column's type (text in a
``number`` column) is shown as it is rather than failing the whole table: one odd cell should
not hide a thousand good ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pixie_web.outputs.numbers import format_value
from pixie_web.outputs.shape import Problem, display, expect_list, is_number, label
from shared.toolspec import OutputSpec
from shared.toolspec.wording import kind

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMBER_FORMATS = {
    "number": ("decimal", None),
    "float": ("decimal", None),
    "decimal": ("decimal", None),
    "integer": ("decimal", 0),
    "int": ("decimal", 0),
    "currency": ("currency", None),
    "percent": ("percent", None),
}


def format_date(value: str) -> str | None:
    """An ISO date or date-time as "1 Jan 2026" (", 12:30" when it has a time), else None."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    day = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    has_time = "T" in value or " " in value.strip()
    return f"{day}, {moment:%H:%M}" if has_time else day


def _other_cell(value: object) -> str:
    if is_number(value):
        return format_value(value)  # type: ignore[arg-type]
    return display(value)


def cell_formatter(column_type: str) -> Callable[[object], str]:
    """The function giving a cell's text for a column type (number, integer, currency, percent,
    date, boolean, text); chosen once per column, since a table formats every cell with it."""
    kind_name = column_type.strip().lower()
    if kind_name in _NUMBER_FORMATS:
        fmt, precision = _NUMBER_FORMATS[kind_name]

        def number_cell(value: object) -> str:
            if is_number(value):
                return format_value(value, fmt, precision)  # type: ignore[arg-type]
            return display(value)

        return number_cell
    if kind_name in ("date", "datetime"):

        def date_cell(value: object) -> str:
            if isinstance(value, str):
                return format_date(value) or value
            if isinstance(value, date):
                return format_date(value.isoformat()) or str(value)
            return _other_cell(value)

        return date_cell
    if kind_name in ("boolean", "bool"):
        return lambda value: ("Yes" if value else "No") if isinstance(value, bool) else _other_cell(value)
    return _other_cell


def format_cell(value: object, column_type: str) -> str:
    """A cell's text for a column type (see ``cell_formatter``)."""
    return cell_formatter(column_type)(value)


def _column(entry: object, index: int) -> dict[str, str]:
    if isinstance(entry, str):
        return {"key": entry, "label": entry, "type": "string"}
    if isinstance(entry, Mapping) and isinstance(entry.get("key"), str):
        key = entry["key"]
        return {
            "key": key,
            "label": label(entry.get("label"), key),
            "type": label(entry.get("type"), "string"),
        }
    raise Problem(
        f'Expected column {index + 1} of the table to be a name or an object with "key", got {kind(entry)}.'
    )


def _columns(spec: OutputSpec, declared: object, rows: Sequence[object]) -> list[dict[str, str]]:
    if spec.columns:
        return [{"key": c.key, "label": c.label, "type": c.type} for c in spec.columns]
    if declared:
        return [_column(entry, i) for i, entry in enumerate(expect_list(declared, 'the table\'s "columns"'))]
    if rows and isinstance(rows[0], Mapping):
        return [{"key": str(key), "label": str(key), "type": "string"} for key in rows[0]]
    width = max((len(row) for row in rows if isinstance(row, list | tuple)), default=0)
    return [{"key": str(i), "label": f"Column {i + 1}", "type": "string"} for i in range(width)]


def _cells(
    row: object, index: int, columns: list[dict[str, str]], formatters: list[Callable[[object], str]]
) -> list[dict[str, Any]]:
    if isinstance(row, Mapping):
        raw = [row.get(column["key"]) for column in columns]
    elif isinstance(row, list | tuple):
        raw = [row[i] if i < len(row) else None for i in range(len(columns))]
    else:
        raise Problem(f"Expected row {index + 1} of the table to be an object or a list, got {kind(row)}.")
    return [
        {"text": formatter(value), "value": value if is_number(value) else None}
        for value, formatter in zip(raw, formatters, strict=True)
    ]


def table(spec: OutputSpec, value: Any) -> dict[str, Any]:
    """``{"columns": [{"key", "label", "type"}], "rows": [[{"text", "value"}]], "downloadable",
    "total_rows"}``; a cell's ``value`` is its raw number (for sorting), else None."""
    if isinstance(value, list | tuple):
        rows: object = value
        declared: object = None
        extra: Mapping[str, Any] = {}
    elif isinstance(value, Mapping) and "rows" in value:
        rows, declared, extra = value["rows"], value.get("columns"), value
    else:
        got = 'an object without "rows"' if isinstance(value, Mapping) else kind(value)
        raise Problem(f'Expected an object with "columns" and "rows" for a table, got {got}.')
    row_list = expect_list(rows, 'the table\'s "rows"')
    columns = _columns(spec, declared, row_list)
    formatters = [cell_formatter(column["type"]) for column in columns]
    total = extra.get("total_rows")
    return {
        "columns": columns,
        "rows": [_cells(row, i, columns, formatters) for i, row in enumerate(row_list)],
        "downloadable": bool(spec.params.get("downloadable")) or extra.get("downloadable") is True,
        "total_rows": total if isinstance(total, int) and not isinstance(total, bool) else None,
    }
