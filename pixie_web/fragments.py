"""Drawing a piece of a page (an htmx fragment) without the page around it.

``render_template`` first runs the context processors, which gather what the page shell draws:
the sidebar, the appearance, the workspaces. A fragment swapped into a page already on screen
(a run's output panel, the form's errors, the history list) draws none of that, yet the sidebar
is rebuilt whenever the launcher publishes, which it does for every run. So fragments are drawn
straight from Quart's Jinja environment, with its filters and globals and only their own context.
``FRAGMENTS`` lists them; a test checks that none of them (or what they include) reads a name
that only the shell's context would provide.
"""

from __future__ import annotations

from typing import Any

from quart import current_app

FRAGMENTS = (
    "runs/result.html",
    "runs/invalid.html",
    "runs/streaming.html",
    "runs/stream_done.html",
    "runs/cancelled.html",
    "runs/history.html",
    "tool/favourite.html",
)
SHELL_NAMES = frozenset(
    {"appearance", "sidebar", "organisation", "active_tool_id", "active_page", "request", "session", "g"}
)


async def render_fragment(name: str, **context: Any) -> str:
    if name not in FRAGMENTS:
        raise ValueError(f"{name} is not a fragment (see FRAGMENTS); draw it with render_template")
    template = current_app.jinja_env.get_template(name)
    return await template.render_async(context)
