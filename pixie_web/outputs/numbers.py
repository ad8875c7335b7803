"""Number formatting, done on the server so a card reads correctly without JavaScript.

The rules follow what the original showed through the browser's en-GB ``Intl.NumberFormat``:
thousands separators, a minus sign before any currency symbol, ``percent`` taking a fraction,
and default precisions per format (decimal: up to 6 places, trimmed; percent: up to 1;
scientific: up to 3; currency: exactly 2, or the currency's own minor unit). An explicit
``precision`` always gives exactly that many places. A decimal of 1e21 or more switches to the
scientific form, as JavaScript's own number printing does, rather than filling a card with digits.

Arithmetic goes through ``Decimal`` built from the float's shortest repr, so 0.07 shows as 7%
(not 7.000000000000001%) and halves round up the way people expect (2.675 -> 2.68).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal

from shared.toolspec import OutputSpec

NumberFormat = Literal["currency", "percent", "scientific", "decimal"]

MAX_PRECISION = 20
"""Precision is clamped to 0..20: a tool asking for 1000 places gets a readable number."""

CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥"}
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "HUF": 2, "KWD": 3, "BHD": 3}
_ISO_CODE = re.compile(r"[A-Z]{3}")
_HUGE = Decimal("1e21")
"""From here on a decimal is written in scientific form, as JavaScript does, not as 300 digits."""
# Enough digits for the largest double written out in full, plus the decimals.
_CONTEXT = Context(prec=400, rounding=ROUND_HALF_UP)


def _decimal(value: float | int) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _places(precision: int | None, default: int) -> int:
    return default if precision is None else max(0, min(MAX_PRECISION, precision))


def _trim(text: str) -> str:
    """Drop trailing zeros after the point, and the point itself if nothing follows it."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fixed(value: Decimal, places: int, trim: bool) -> tuple[bool, str]:
    """(negative, digits with separators) of ``value`` rounded to ``places``; -0 is not negative."""
    with localcontext(_CONTEXT):
        rounded = value.quantize(Decimal(1).scaleb(-places))
    text = f"{abs(rounded):,.{places}f}"
    if trim:
        text = _trim(text)
    return rounded < 0 and rounded != 0, text


def _round_half_up(whole: str, fraction: str, places: int) -> tuple[str, str]:
    """The digits ``whole.fraction`` rounded to ``places`` decimals, a half rounding up (away
    from zero): ``Decimal``'s ROUND_HALF_UP done on the digits of the repr themselves."""
    scaled = int(whole + fraction[:places]) + (fraction[places] >= "5")
    digits = str(scaled).rjust(places + 1, "0")
    return digits[: len(digits) - places], digits[len(digits) - places :]


_FLOAT_FAST = 2.0**32
"""Below this a float's step (ulp) is under 1e-6, which the fast path of ``_fixed_plain`` needs."""


def _fixed_plain(value: float | int, places: int, trim: bool) -> tuple[bool, str] | None:
    """``_fixed`` without ``Decimal``: an integer, or a float whose repr is written without an
    exponent, which is most numbers tools return (a chart's fallback table formats hundreds per
    run). None when the value needs the exact path (an exponent, inf, nan, or 22 digits or more).

    Most floats take Python's own fixed-point formatting, which rounds the float's exact binary
    value, not its repr. For up to 6 places below 2**32 the two roundings agree except when the
    repr has exactly one decimal more than ``places``, ending in 5 (a tie for the repr, not for
    the binary value): with a step under the last place, a rounding boundary between the repr
    and the exact value would itself be a shorter repr. Those ties, and the rest, are rounded
    digit by digit.
    """
    if type(value) is float and places <= 6 and -_FLOAT_FAST < value < _FLOAT_FAST:
        text = repr(value)
        if "e" not in text and not (text[-1] == "5" and len(text) - text.find(".") == places + 2):
            fixed = f"{abs(value):,.{places}f}"
            if trim and places:
                fixed = fixed.rstrip("0").rstrip(".")
            return value < 0 and fixed.strip("0.,") != "", fixed
    if isinstance(value, int):
        negative, whole, fraction = value < 0, str(abs(value)), ""
    else:
        text = repr(value)
        negative = text.startswith("-")
        whole, _, fraction = text.removeprefix("-").partition(".")
        if not (whole.isdigit() and fraction.isdigit()):
            return None  # exponent form, inf or nan
        if len(fraction) > places:
            whole, fraction = _round_half_up(whole, fraction, places)
    if len(whole) > 21:
        return None
    fraction = fraction.rstrip("0") if trim else fraction.ljust(places, "0")
    digits = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return negative and (whole.strip("0") != "" or fraction.strip("0") != ""), digits


def _scientific(value: Decimal, places: int, trim: bool) -> tuple[bool, str]:
    """(negative, "1.235E4"): the exponent written as Intl writes it, without "+" or padding."""
    if value == 0:
        return False, "0E0" if trim or places == 0 else f"0.{'0' * places}E0"
    with localcontext(_CONTEXT):
        text = f"{abs(value):.{places}E}"
    mantissa, exponent = text.split("E")
    if trim:
        mantissa = _trim(mantissa)
    return value < 0, f"{mantissa}E{int(exponent)}"


def _currency_parts(unit: str | None) -> tuple[str, int, str | None]:
    """(symbol or code prefix, default places, unit left to show) for a currency number."""
    if unit is not None and _ISO_CODE.fullmatch(unit):
        symbol = CURRENCY_SYMBOLS.get(unit, unit + "\u00a0")
        return symbol, _MINOR_UNITS.get(unit, 2), None
    return CURRENCY_SYMBOLS["GBP"], 2, unit


def format_value(
    value: float | int, fmt: str = "decimal", precision: int | None = None, unit: str | None = None
) -> str:
    """Format a finite number; the shared core of ``format_number`` and table cells."""
    if fmt == "currency":
        symbol, default, unit = _currency_parts(unit)
        places = _places(precision, default)
        negative, digits = _fixed_plain(value, places, trim=False) or _fixed(
            _decimal(value), places, trim=False
        )
        text = f"{symbol}{digits}"
    elif fmt not in ("percent", "scientific") and (
        plain := _fixed_plain(value, _places(precision, 6), trim=precision is None)
    ):
        negative, text = plain
    elif fmt == "percent":
        negative, digits = _fixed(_decimal(value) * 100, _places(precision, 1), trim=precision is None)
        text = f"{digits}%"
    else:
        exact = _decimal(value)
        if fmt == "scientific" or abs(exact) >= _HUGE:
            negative, text = _scientific(exact, _places(precision, 3), trim=precision is None)
        else:  # decimals that need rounding
            negative, text = _fixed(exact, _places(precision, 6), trim=precision is None)
    if negative:
        text = "-" + text
    return f"{text}\u00a0{unit}" if unit else text


def format_number(value: float | int, spec: OutputSpec) -> str:
    """A number output's display text per the spec's ``format``, ``precision`` and ``unit``.

    The caller checks that ``value`` is a finite non-boolean number (``normalise`` does).
    """
    fmt = spec.params.get("format", "decimal")
    precision = spec.params.get("precision")
    return format_value(
        value,
        fmt if isinstance(fmt, str) else "decimal",
        precision if isinstance(precision, int) else None,
        spec.unit,
    )


def format_plain(value: float | int) -> str:
    """A number in a data table: up to 6 decimals, thousands separators (``format_value``'s
    default, without its dispatch: chart fallback tables format hundreds of numbers per run)."""
    plain = _fixed_plain(value, 6, trim=True)
    if plain is None:
        return format_value(value)
    negative, text = plain
    return "-" + text if negative else text


def human_size(size: int) -> str:
    """A byte count for people: "512 bytes", "1.5 KB", "2 MB" (binary multiples)."""
    if size == 1:
        return "1 byte"
    if size < 1024:
        return f"{size:,} bytes"
    amount = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        amount /= 1024
        if amount < 1024 or unit == "TB":
            break
    return f"{_trim(f'{amount:,.1f}')} {unit}"
