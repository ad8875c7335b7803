"""The ``output_conforms`` check: does a tool's ``/run`` answer match the outputs it declares?

The answer is one flat JSON object keyed by output key (tool contract §4.2). A declared output
that is missing or null leaves an empty card, and one of the wrong shape leaves a problem card,
so both fail; a null progress is "amount unknown" and passes. Keys the tool.json does not
declare are only a warning, except ``run_id``: streaming tools written for the original Pixie
echo it, as its validator required, and it is part of the run, not stray data. Every problem is
listed, not just the first, so one validation run shows an author everything to fix; a single
output reports at most ``MAX_PROBLEMS_PER_OUTPUT`` lines, since a chart with ten thousand bad
points would otherwise bury the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pixie_launcher.validation.shapes import shape_problems
from shared.toolspec import OutputSpec, ToolSpec
from shared.toolspec.wording import brief, kind

Status = Literal["pass", "warn", "fail"]

MAX_PROBLEMS_PER_OUTPUT = 20
NULL_ALLOWED = frozenset({"progress"})
"""Output types for which null is a value: a progress of null means "amount unknown"."""
ECHOED_KEYS = frozenset({"run_id"})
"""Answer keys that belong to the run rather than to an output, and so are no warning."""


@dataclass(frozen=True)
class Conformance:
    """The check's verdict; ``details`` has one line per problem, each starting with the key."""

    status: Status
    message: str
    details: tuple[str, ...] = ()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _names(keys: list[str]) -> str:
    return ", ".join(f'"{key}"' for key in keys)


def output_problems(spec: OutputSpec, body: Mapping[str, object]) -> list[str]:
    """The problems of one declared output in the answer, each as ``"key": what is wrong``."""
    prefix = f'"{spec.key}": '
    if spec.key not in body:
        return [f"{prefix}missing; tool.json declares this {spec.type} output but the answer has no such key"]
    value = body[spec.key]
    if value is None and spec.type not in NULL_ALLOWED:
        return [f"{prefix}is null; a {spec.type} output needs a value"]
    problems = shape_problems(spec, value)
    if len(problems) > MAX_PROBLEMS_PER_OUTPUT:
        more = len(problems) - MAX_PROBLEMS_PER_OUTPUT
        problems = [*problems[:MAX_PROBLEMS_PER_OUTPUT], f"... and {_plural(more, 'more problem')}"]
    return [prefix + problem for problem in problems]


def output_conforms(spec: ToolSpec, body: object) -> Conformance:
    """Check 9: ``body`` is the decoded JSON of the tool's ``/run`` answer."""
    if not isinstance(body, Mapping):
        return Conformance(
            "fail",
            f"The /run answer must be a JSON object keyed by output key, but it is {kind(body)}.",
            (f"the answer was {brief(body, 200)}",),
        )
    problems: list[str] = []
    failing: list[str] = []
    for output in spec.outputs:
        found = output_problems(output, body)
        if found:
            failing.append(output.key)
            problems += found
    declared = {output.key for output in spec.outputs}
    extras = [str(key) for key in body if key not in declared and key not in ECHOED_KEYS]
    extra_lines = [f'"{key}": not declared in tool.json\'s outputs (a warning only)' for key in extras]
    if failing:
        return Conformance(
            "fail",
            f"The answer does not match tool.json in {len(failing)} of "
            f"{_plural(len(spec.outputs), 'declared output')}: {_names(failing)}.",
            (*problems, *extra_lines),
        )
    if extras:
        return Conformance(
            "warn",
            f"The declared outputs are all well formed, but the answer also has "
            f"{_plural(len(extras), 'undeclared key')}: {_names(extras)}.",
            tuple(extra_lines),
        )
    return Conformance("pass", _all_good(len(spec.outputs)))


def _all_good(count: int) -> str:
    if count == 0:
        return "The tool declares no outputs and the answer is an empty object."
    if count == 1:
        return "The one declared output is present and well formed."
    return f"All {count} declared outputs are present and well formed."
