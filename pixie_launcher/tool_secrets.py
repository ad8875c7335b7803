"""A tool's declared secrets in its ``.env``: whether each is set, and setting or clearing one.

Only the launcher writes ``.env`` files (it owns the tools folder), and only for keys the tool's
tool.json declares under ``secrets``. A value never leaves this module: callers learn whether a
secret is set, never what it is, and no message here quotes one.

An edit keeps the rest of the file as the person wrote it (comments, order, other keys, quoting):
only the lines binding the key change. The edited text is read back before it is written, and
if it would not give exactly the intended values (a file too odd for a line-wise edit), the file
is written in ``write_dotenv``'s plain form instead: every value kept, comments lost. Either way
the file is replaced in one step with mode 0600 (``shared.atomicfile``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shared.atomicfile import write_private
from shared.dotenv import format_dotenv, parse_dotenv, parse_dotenv_report, read_dotenv, write_dotenv
from shared.toolspec import ToolSpec

VALUE_MAX = 16_384
ENCODING = ("utf-8", "surrogateescape")


class SecretError(ValueError):
    """A request that cannot be carried out; ``field`` names the argument, the message never holds
    a value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def dotenv_path(folder: Path) -> Path:
    return folder / ".env"


def secret_states(folder: Path, spec: ToolSpec | None) -> list[dict[str, Any]]:
    """Each declared secret with ``set`` (a non-empty value in .env); never the value."""
    if spec is None:
        return []
    values = read_dotenv(dotenv_path(folder))
    return [
        {
            "key": secret.key,
            "description": secret.description,
            "required": secret.required,
            "set": bool(values.get(secret.key)),
        }
        for secret in spec.secrets
    ]


def check_request(spec: ToolSpec | None, key: str, value: object) -> str | None:
    """The value to store (None clears), or SecretError naming what is wrong."""
    if spec is None:
        raise SecretError("tool_id", "the tool's tool.json has errors, so its secrets are unknown")
    declared = [secret.key for secret in spec.secrets]
    if key not in declared:
        listed = ", ".join(declared) if declared else "none"
        raise SecretError(
            "key", f"{key!r} is not a secret {spec.id} declares in tool.json (declared: {listed})"
        )
    if value is None:
        return None
    if not isinstance(value, str):
        raise SecretError("value", "value must be a string, or null to clear the secret")
    if not value:
        raise SecretError("value", "value must not be empty; send null to clear the secret")
    if len(value) > VALUE_MAX:
        raise SecretError("value", f"value must be at most {VALUE_MAX} characters")
    if "\x00" in value:
        raise SecretError("value", "value must not contain a NUL character")
    return value


def set_secret(folder: Path, key: str, value: str | None) -> bool:
    """Set (or, with None, remove) ``key`` in the tool's .env; True when the file changed."""
    path = dotenv_path(folder)
    try:
        text = path.read_bytes().decode(*ENCODING)
    except FileNotFoundError:
        text = None
    old = parse_dotenv(text) if text is not None else {}
    if old.get(key) == value or (value is None and key not in old):
        return False
    wanted = {name: v for name, v in old.items() if name != key}
    if value is not None:
        wanted[key] = value
    edited = edit_text(text or "", key, value)
    new_values, new_problems = parse_dotenv_report(edited)
    if new_values == wanted and len(new_problems) == len(parse_dotenv_report(text or "")[1]):
        write_private(path, edited.encode(*ENCODING))
    else:
        write_dotenv(path, wanted)
    return True


def edit_text(text: str, key: str, value: str | None) -> str:
    """``text`` with the bindings of ``key`` replaced by one line (or removed), all else as it was."""
    starts = re.compile(rf"[ \t]*(?:export[ \t]+)?{re.escape(key)}[ \t]*=")
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    new_line = format_dotenv({key: value}) if value is not None else ""
    placed = False
    i = 0
    while i < len(lines):
        if not starts.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        i += _binding_length(lines, i, key)
        if not placed:
            out.append(new_line)
            placed = True
    if not placed and new_line:
        if out and not out[-1].endswith(("\n", "\r")):
            out.append("\n")
        out.append(new_line)
    return "".join(out)


def _binding_length(lines: list[str], start: int, key: str) -> int:
    """How many lines the binding at ``start`` spans: the fewest that read as that key alone (a
    double-quoted value may run over several lines)."""
    for count in range(1, len(lines) - start + 1):
        values, problems = parse_dotenv_report("".join(lines[start : start + count]))
        if not problems and list(values) == [key]:
            return count
    return 1
