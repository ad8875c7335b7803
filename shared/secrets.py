"""Which of a tool's ``.env`` values are secrets, and the exact strings to hide for them.

Every process that shows or keeps something a tool said (the launcher's logs and validation
reports, the web process's run records, pages and exports) hides the same strings, so a value
masked in one place can never appear whole in another. The rule lives here for that reason.

Not every ``.env`` value is secret: ``DEBUG=true`` must not turn every "true" into ``***``. A
value is secret when tool.json declares its name as a secret or when its name looks like one
(``OPENAI_API_KEY``, ``DB_PASSWORD``). Short values are left alone: masking "1" or "yes"
everywhere would hide much and protect nothing. A value spanning lines (a PEM key) is also
hidden line by line, since logs reach a masker one line at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "***"
MIN_LENGTH = 4

SECRET_LOOKING_NAME = re.compile(
    r"password|passwd|secret|token|api[_-]?key|auth|bearer|jwt|credential|private[_-]?key", re.IGNORECASE
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def secret_values(dotenv: Mapping[str, str], declared: Iterable[str]) -> list[str]:
    """The values of ``dotenv`` that are secret: declared in tool.json or named like a secret."""
    keys = set(declared)
    return [value for key, value in dotenv.items() if key in keys or SECRET_LOOKING_NAME.search(key)]


def strings_to_mask(values: Iterable[str], min_length: int = MIN_LENGTH) -> tuple[str, ...]:
    """Each secret, and each line of a multi-line one, long enough to mask; longest first, so a
    secret holding a shorter one is masked whole before the shorter one is looked for."""
    found: set[str] = set()
    for value in values:
        for candidate in (value, *_LINE_BREAK.split(value)):
            if len(candidate) >= min_length and not candidate.isspace():
                found.add(candidate)
    return tuple(sorted(found, key=lambda value: (-len(value), value)))
