"""Building the Quart app: blueprints, error handlers, security headers, and the request guard."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from quart import Response, render_template, request
from quart.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from pixie_web import filters, query
from pixie_web.after_answer import AfterAnswerMiddleware
from pixie_web.assets import CACHE_FOREVER, build_assets, vendor_urls
from pixie_web.bodies import SMALL_BODY_BYTES
from pixie_web.context import PixieApp, WebState
from pixie_web.errors import api_error, from_wire_error, respond_error, wants_json
from pixie_web.guard import GuardMiddleware, allowed_hosts
from pixie_web.json_body import BodyProblem
from pixie_web.params import RowIdConverter
from pixie_web.peers import Peers
from pixie_web.routes import (
    api_artefacts,
    api_exports,
    api_runs,
    api_system,
    api_tools,
    api_validation,
    api_workspaces,
    autocomplete,
    library,
    pages,
    tool_flags,
    tool_page,
    tool_runs,
    workspace_forms,
)
from pixie_web.routes import settings as settings_routes
from pixie_web.runs.runner import Runner
from pixie_web.tools import ToolProblem
from shared import jsonio
from shared.config import Settings
from shared.wire import WireError

log = logging.getLogger(__name__)

# Uploads are turned into data URLs for the tool; each input's max_size_mb is checked on top.
# Only the run routes take bodies this large (bodies.py).
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
TOO_LARGE = (
    f"The request is larger than Pixie takes: a run's form may hold up to {MAX_UPLOAD_BYTES // 2**20} MB "
    f"in at most 1,000 fields, anything else up to {SMALL_BODY_BYTES // 2**20} MB."
)
# No inline scripts, nothing from other origins, and no framing (clickjacking) of a page that can
# start processes on this machine.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class FastJSON(DefaultJSONProvider):
    """jsonify through orjson: run responses carry chart data, often hundreds of kilobytes."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return jsonio.dumps_text(obj)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsonio.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Bytes straight from orjson into the response (not through a str and back)."""
        obj = self._prepare_response_obj(args, kwargs)
        return Response(jsonio.dumps(obj) + b"\n", mimetype=self.mimetype)


def drop_sync_context_processors(app: PixieApp) -> None:
    """Remove the synchronous context processors blueprints bring with them.

    Each blueprint registers Flask's default context processor (``g``, ``request``, ``session``),
    a plain function that Quart runs in its thread pool: a thread hop on every page and fragment
    drawn by a blueprint's route. The app's own asynchronous default already provides the same
    names, so the copies add only the hop.
    """
    for name, processors in app.template_context_processors.items():
        if name is not None:
            processors[:] = [p for p in processors if inspect.iscoroutinefunction(p)]


def create_app(settings: Settings, peers: Peers, runner: Runner, stopping: asyncio.Event) -> PixieApp:
    app = PixieApp(__name__)
    app.url_map.converters["id"] = RowIdConverter
    app.pixie = WebState(settings=settings, peers=peers, runner=runner, stopping=stopping)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.config["BODY_TIMEOUT"] = 600  # a large upload on a slow disk
    app.json = FastJSON(app)
    filters.install(app)
    assets = build_assets()
    app.jinja_env.globals["assets"] = assets
    app.jinja_env.globals["vendor"] = vendor_urls()

    @app.get("/assets/<name>")
    async def page_asset(name: str) -> Response:
        """The joined stylesheet and script (see assets.py), cached by the browser for good."""
        bundle = assets.find(name)
        if bundle is None:
            return await respond_error(404, "NOT_FOUND", "There is nothing at this address.", "Not found")
        response = Response(bundle.body, content_type=bundle.media_type)
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response

    @app.context_processor
    async def shell_context() -> dict[str, Any]:
        """The sidebar and appearance every page draws (cached in ``Shell``; see shell.py)."""
        shell = app.pixie.shell
        view_args = request.view_args or {}
        return {
            "appearance": await shell.appearance(),
            "sidebar": await shell.sidebar(),
            "organisation": await shell.organisation_or_empty(),
            "active_tool_id": view_args.get("tool_id"),
            "active_page": request.endpoint,
        }

    modules = (
        api_system,
        api_tools,
        api_validation,
        api_runs,
        api_exports,
        api_artefacts,
        api_workspaces,
        pages,
        settings_routes,
        tool_page,
        tool_runs,
        tool_flags,
        workspace_forms,
        library,
        autocomplete,
    )
    for module in modules:
        app.register_blueprint(module.blueprint)
    drop_sync_context_processors(app)
    query.install(app)

    @app.errorhandler(ToolProblem)
    async def on_tool_problem(problem: ToolProblem) -> Response:
        if wants_json():
            extra = {"errors": problem.errors} if problem.errors else {}
            return api_error(problem.status, problem.code, problem.message, **extra)
        body = await render_template("runs/problem.html", problem=problem)
        status = 200 if request.headers.get("HX-Request") else problem.status
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    @app.errorhandler(BodyProblem)
    async def on_body_problem(problem: BodyProblem) -> Response:
        return problem.response()

    @app.errorhandler(WireError)
    async def on_wire_error(error: WireError) -> Response:
        return await from_wire_error(error)

    @app.errorhandler(HTTPException)
    async def on_http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 404:
            return await respond_error(404, "NOT_FOUND", "There is nothing at this address.", "Not found")
        if status == 405:
            allowed = sorted(getattr(error, "valid_methods", None) or ())
            message = "This address does not accept that method." + (
                f" It accepts {', '.join(allowed)}." if allowed else ""
            )
            response = await respond_error(405, "METHOD_NOT_ALLOWED", message, "Not allowed")
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response
        code = error.name.upper().replace(" ", "_")
        if status == 413:
            return await respond_error(413, code, TOO_LARGE, "Too large")
        return await respond_error(status, code, error.description or error.name, error.name)

    @app.errorhandler(Exception)
    async def on_unexpected(error: Exception) -> Response:
        log.exception("unexpected error", exc_info=error)
        message = "Pixie hit an unexpected error; the web process's log has the details."
        return await respond_error(500, "INTERNAL", message, "Something went wrong")

    @app.after_request
    async def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin: our own pages send their origin with a form post (no-referrer would make
        # it "null"), and nothing about Pixie's addresses leaks to other sites.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if (
            request.path.startswith("/static/vendor/")
            and request.args.get("v")
            and response.status_code == 200
        ):
            response.headers["Cache-Control"] = CACHE_FOREVER  # the ?v= is the file's own hash
        return response

    guarded = GuardMiddleware(app.asgi_app, allowed_hosts(settings.host, settings.port))
    app.asgi_app = AfterAnswerMiddleware(guarded)  # type: ignore[method-assign]
    return app
