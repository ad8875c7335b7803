"""One timestamp format for every instant Pixie stores or shows, and the clock that produces it.

Every stored instant is an ISO-8601 UTC string with milliseconds and a ``Z``
(``2026-11-30T04:37:43.123Z``). A single fixed-width form sorts lexically in time order, so SQL
can compare and index the text directly; the original project mixed ``+00:00`` and ``Z`` forms
and compared them as text, which sorted wrongly.

The clock is a plain callable so tests (retention, pruning) can pin or move time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

Clock = Callable[[], datetime]

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def system_clock() -> datetime:
    return datetime.now(UTC)


def format_instant(moment: datetime) -> str:
    """The stored form of ``moment``; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # isoformat is C code (strftime is several times slower, and this runs on every published
    # state and stored row); in UTC it always ends in "+00:00".
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_instant(text: str) -> datetime:
    """Parse a stored or caller-supplied instant, which must name its offset (``Z`` or ``+hh:mm``).

    A caller's instant without an offset is ambiguous (whose local time?), so it is refused
    rather than guessed.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}") from None
    if _DATE_ONLY.fullmatch(text.strip()):
        raise ValueError(f"a date-time is needed, not just a date: {text!r}")
    if moment.tzinfo is None:
        raise ValueError(f"date-time must include a UTC offset such as 'Z': {text!r}")
    return moment.astimezone(UTC)


def normalise_instant(text: str) -> str:
    """A caller-supplied instant in the stored form (raises ``ValueError`` if it is not one)."""
    return format_instant(parse_instant(text))


def parse_bound(text: str, *, end: bool) -> str:
    """A list filter bound in stored form, inclusive.

    A date alone means the start of that UTC day for a lower bound and its last millisecond for an
    upper bound, so ``to=2026-11-30`` includes everything created on the 30th. A date-time without
    an offset is read as UTC: filter bounds come from people typing into a form.
    """
    stripped = text.strip()
    if _DATE_ONLY.fullmatch(stripped):
        try:
            day = date.fromisoformat(stripped)
        except ValueError:
            raise ValueError(f"not a valid date: {text!r}") from None
        moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
        return format_instant(moment)
    try:
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError(f"not an ISO-8601 date or date-time: {text!r}") from None
    return format_instant(parsed)


def duration_ms(started_at: str, finished_at: str) -> int:
    """Whole milliseconds between two stored instants, never negative (clocks can step back)."""
    delta = parse_instant(finished_at) - parse_instant(started_at)
    return max(0, delta // timedelta(milliseconds=1))


def days_before(moment: datetime, days: int) -> str:
    return format_instant(moment - timedelta(days=days))


def instant_from_epoch(seconds: float) -> str:
    """The stored form of a Unix time (``time.time()``), for state published by the launcher."""
    return format_instant(datetime.fromtimestamp(seconds, UTC))


def readable_duration(milliseconds: float | None) -> str:
    """How long a run or a validation took, as pages and run reports write it: "12 ms",
    "1.24 s", "14.2 s", "3 min 5 s" (a run of 12 ms is not "0.0 s"); "" when unknown."""
    if milliseconds is None:
        return ""
    if milliseconds < 999.5:
        return f"{max(0, round(milliseconds))} ms"
    seconds = milliseconds / 1000
    if seconds < 9.995:
        return f"{seconds:.2f} s"
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
