"""Request bodies: a form that cannot be read is refused, and only a run may send a large one.

Quart's form parser answers an empty form for a body it cannot read (a multipart body without
its boundary, or cut short), and a route has no form at all for a body of another type. A run
posted that way would silently use the tool's defaults; here it is a 400 or 415 instead.

Uploads reach a tool through its run, so only the two run routes accept the app's large limit;
every other body (a label, tags, a workspace, settings) is held to a few megabytes, so a huge
one cannot fill the web process's memory.
"""

from __future__ import annotations

import re
from typing import Any

from quart import Request, request
from quart.formparser import FormDataParser
from quart.wrappers import Body
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
RUN_ROUTES = re.compile(r"/(?:api/tools|tool)/[^/]+/run")  # the routes that take uploads
SMALL_BODY_BYTES = 4 * 1024 * 1024


class StrictFormParser(FormDataParser):
    async def parse(
        self, body: Body, mimetype: str, content_length: int | None, options: dict[str, str] | None = None
    ) -> tuple[MultiDict[str, Any], MultiDict[str, Any]]:
        self.silent = False
        if mimetype not in FORM_TYPES:
            if await body:  # a JSON post to a form's address, say: it would read as an empty form
                shown = mimetype or "a body without a Content-Type"
                raise UnsupportedMediaType(f"This address reads a form, not {shown}.")
            return MultiDict(), MultiDict()
        try:
            boundary = (options or {}).get("boundary", "").encode("ascii")
            if mimetype == "multipart/form-data" and boundary:
                # Quart's multipart parser stops quietly where a body cut short ends. (Awaiting
                # the body keeps it whole for the parser, which reads the same bytes after.)
                data = await body
                if not data.rstrip(b"\r\n").endswith(b"--" + boundary + b"--"):
                    raise ValueError("the multipart body ends before its last boundary")
            return await super().parse(body, mimetype, content_length, options)
        except ValueError as exc:
            raise BadRequest(f"The form could not be read: {exc}.") from None


class PixieRequest(Request):
    form_data_parser_class = StrictFormParser

    def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
        limit = kwargs.get("max_content_length")
        runs = RUN_ROUTES.fullmatch(path) is not None
        if limit is not None and not runs:
            kwargs["max_content_length"] = min(limit, SMALL_BODY_BYTES)
        super().__init__(method, scheme, path, *args, **kwargs)
        if runs and limit is not None:
            # The run form posts as multipart, and one text field can be large: a long text, a
            # table, or a file kept from the run before, sent back as its data URL. Quart holds
            # each field to 500 KB by default; a run's fields are held to the body's own limit.
            self.max_form_memory_size = limit


async def posted_form(json_route: str) -> MultiDict[str, str]:
    """The request's form fields; a body that is not a form is a 415 naming ``json_route``."""
    if request.mimetype not in FORM_TYPES and await request.get_data():
        raise UnsupportedMediaType(
            f"This address reads a form (application/x-www-form-urlencoded or multipart/form-data), "
            f"not {request.mimetype or 'a body without a Content-Type'}; JSON goes to {json_route}."
        )
    return await request.form
