"""Answers without a body, sent from the event loop.

Quart gives a ``Response`` made without a body an empty *iterable* body, and sends an iterable
body by fetching each item in its thread pool (an iterable might block). For an empty list that
is a thread hand-over per answer for nothing, and 204 is the commonest answer here: every open
page polls ``/tools-changed`` each second and is told 204 while nothing changed. An empty bytes
body is sent at once.
"""

from __future__ import annotations

from quart import Response


def no_content() -> Response:
    """204 No Content; headers may be added to it. It names no type: there is no body (Quart
    would call it text/html, which the JSON API's 204s are not)."""
    response = Response(b"", status=204)
    del response.headers["Content-Type"]
    return response
