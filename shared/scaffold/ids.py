"""The rule for ids of new tools, and the display name made from one.

A new tool's id is also its folder name and, in ``pyproject.toml`` and ``uv.lock``, its Python
project name, so it has to suit all three. Pixie accepts more ids than this in tool.json (see
``shared.toolspec``), but a folder made by ``pixie new`` gets the kebab-case convention, which
is also a normalised project name: uv writes it into the lock exactly as given, and nothing ever
renames it behind the author's back.
"""

from __future__ import annotations

import re

TOOL_ID_RULE = "^[a-z][a-z0-9-]*$"
MAX_ID_LENGTH = 80  # the longest id tool.json accepts
_TOOL_ID = re.compile(TOOL_ID_RULE)


def check_tool_id(tool_id: str) -> None:
    """Raise ``ValueError`` naming the rule unless ``tool_id`` suits a folder, a URL and a project."""
    if not isinstance(tool_id, str) or not _TOOL_ID.fullmatch(tool_id):
        raise ValueError(
            f"invalid tool id {tool_id!r}: it must match {TOOL_ID_RULE} "
            "(a lowercase letter, then lowercase letters, digits and '-'), such as 'loan-calculator'"
        )
    if tool_id.endswith("-") or "--" in tool_id:
        # Python project names may not end with "-", and "--" is normalised to "-", which
        # would make the lock name a different project from the one in pyproject.toml.
        raise ValueError(
            f"invalid tool id {tool_id!r}: besides matching {TOOL_ID_RULE}, it must not end "
            "with '-' or contain '--', because it is also the tool's Python project name"
        )
    if len(tool_id) > MAX_ID_LENGTH:
        raise ValueError(
            f"invalid tool id {tool_id!r}: it matches {TOOL_ID_RULE} but is {len(tool_id)} "
            f"characters long; tool.json allows at most {MAX_ID_LENGTH}"
        )


def default_name(tool_id: str) -> str:
    """``loan-calculator`` → ``Loan calculator``, the sentence case the example tools use."""
    return tool_id.replace("-", " ").capitalize()


def check_name(name: str) -> None:
    """A display name goes into tool.json and the README heading, so it is one printable line."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("the tool name must not be empty")
    if any(not character.isprintable() for character in name):
        raise ValueError(f"the tool name {name!r} must be one line of printable characters")
