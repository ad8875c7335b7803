"""The settings pages: Pixie's own (``/settings``) and each tool's (``/tool/<id>/settings``).

Every form is a real ``<form method="post">`` that works without JavaScript: a good post
redirects back to the page (Post/Redirect/Get, 303), a bad one re-renders the page with each
problem next to its field (422). With htmx the same routes answer the section's fragment
instead (always 200, as htmx swaps nothing on an error status), so the page updates in place.

What is stored where: appearance in the store's settings (through ``Shell``, which caches it
for every page); the warm pool's settings, a tool's overrides, its warm pin and its secrets
through the launcher, which applies them at once and keeps them (the store; secrets in the
tool's ``.env``). A secret's value goes from the form to the launcher and nowhere else: no page,
fragment, redirect or log ever carries it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from quart import Blueprint, Response, render_template, request

from pixie_web.appearance import CHOICES, appearance_problem
from pixie_web.availability import requires
from pixie_web.context import state
from pixie_web.peers import LAUNCHER, STORE
from pixie_web.settings_forms import (
    LIMIT_FIELDS,
    field_message,
    field_of,
    parse_limits,
    parse_pool,
    report_view,
)
from pixie_web.settings_forms import POOL_FIELDS as POOL_FORM_FIELDS
from shared.wire import ErrorCode, WireError

blueprint = Blueprint("settings", __name__)

VALIDATE_TIMEOUT = 1800.0  # as /api/tools/<id>/validate: an environment build, a start, fixtures
MASK = "••••••••"


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


async def _html(template: str, status: int = 200, **context: Any) -> Response:
    body = await render_template(template, **context)
    status = 200 if is_htmx() else status
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def _see_other(location: str) -> Response:
    return Response("", status=303, headers={"Location": location})


def _back(path: str, saved: str, anchor: str) -> Response:
    """Post/Redirect/Get: back to the page, saying which section was saved."""
    return _see_other(f"{path}?saved={saved}#{anchor}")


async def _form() -> dict[str, str]:
    return {key: value for key, value in (await request.form).items()}


# -- /settings ------------------------------------------------------------------------------------


async def _pool() -> dict[str, Any] | None:
    try:
        reply: dict[str, Any] = await state().peers.launcher.call("pool.get", timeout=5.0)
    except WireError:
        return None
    return reply


async def _archived() -> list[dict[str, Any]]:
    """The tools a person archived, to bring back; none when the store cannot say."""
    current = state()
    try:
        flags = await current.shell.flags()
    except WireError:
        return []
    return [tool for tool in current.peers.tools() if flags.get(tool["id"], {}).get("archived")]


async def _job(job_id: str | None) -> dict[str, Any] | None:
    if not job_id:
        return None
    try:
        job: dict[str, Any] = await state().peers.store.call("jobs.get", {"job_id": job_id[:64]})
    except WireError:
        return None
    return job


def _attention() -> list[dict[str, str]]:
    """The tools whose latest verdict is a fail or warnings, fails first: what a finished
    validate-all should point to, not only count."""
    marked = [
        {"id": str(record["id"]), "name": str(record.get("name") or record["id"]), "overall": overall}
        for record in state().peers.tools()
        if (overall := (record.get("validation") or {}).get("overall")) in ("fail", "warn")
    ]
    return sorted(marked, key=lambda tool: (tool["overall"] != "fail", tool["name"].lower()))


async def _settings_page(status: int = 200, **context: Any) -> Response:
    current = state()
    values = {
        "choices": CHOICES,
        "pool": await _pool(),
        "developer_mode": current.settings.developer_mode,
        "developer_source": current.settings.sources.get("developer_mode", "default"),
        "job": await _job(request.args.get("job")),
        "attention": _attention(),
        "archived": await _archived(),
        "saved": request.args.get("saved"),
        "errors": {},
        "posted": {},
    }
    return await _html("settings/page.html", status, **(values | context))


@blueprint.get("/settings")
@requires(STORE, LAUNCHER)
async def settings_page() -> Response:
    return await _settings_page()


@blueprint.post("/settings/appearance")
@requires(STORE)
async def save_appearance() -> Response:
    form = await _form()
    changes = {key: form[key] for key in CHOICES if key in form}
    errors = {key: problem for key, value in changes.items() if (problem := appearance_problem(key, value))}
    if not errors:
        await state().shell.set_appearance(changes)
    if is_htmx():
        appearance = await state().shell.appearance()
        return await _html(
            "settings/appearance.html",
            choices=CHOICES,
            appearance=appearance,
            errors=errors,
            saved=None if errors else "appearance",
        )
    if errors:
        return await _settings_page(422, errors=errors)
    return _back("/settings", "appearance", "appearance")


@blueprint.post("/settings/pool")
@requires(LAUNCHER)
async def save_pool() -> Response:
    form = await _form()
    parsed = parse_pool({} if "reset" in form else form)
    errors = dict(parsed.errors)
    current: dict[str, Any] = await state().peers.launcher.call("pool.get", timeout=5.0)
    if not errors:
        # Only what changed: saving the page as it is must not freeze the configured values.
        changed = {
            name: value
            for name, value in parsed.values.items()
            if value != current[name] or (value is None and current["sources"][name] == "settings page")
        }
        try:
            current = await state().peers.launcher.call("pool.set", changed)
        except WireError as exc:
            if exc.code is not ErrorCode.BAD_REQUEST:
                raise
            name = field_of(exc.field, POOL_FORM_FIELDS) or "warm_keep_seconds"
            errors[name] = field_message(name, exc.message)
    if is_htmx():
        saved = None if errors else "pool"
        posted = form if errors else {}
        return await _html("settings/pool.html", pool=current, errors=errors, posted=posted, saved=saved)
    if errors:
        return await _settings_page(422, errors=errors, posted=form)
    return _back("/settings", "pool", "pool")


@blueprint.post("/settings/validate-all")
@requires(STORE, LAUNCHER)
async def validate_all() -> Response:
    job = await state().peers.launcher.call("validation.start_all", {}, timeout=10.0)
    if is_htmx():
        return await _html("settings/job.html", job=job, attention=_attention())
    return _see_other(f"/settings?job={quote(str(job['id']))}#validate-all")


@blueprint.get("/settings/validate-all/<job_id>")
@requires(STORE)
async def validate_all_progress(job_id: str) -> Response:
    """The job's progress as a fragment; it asks for itself again every second until done."""
    job = await state().peers.store.call("jobs.get", {"job_id": job_id})
    return await _html("settings/job.html", job=job, attention=_attention())


# -- /tool/<id>/settings ----------------------------------------------------------------------------


def _settings_path(record: dict[str, Any]) -> str:
    return f"/tool/{quote(str(record['id']), safe='')}/settings"


async def _no_such_tool(tool_id: str) -> Response:
    message = (
        f"There is no tool called “{tool_id}”. It may have been renamed or removed; "
        "the sidebar lists the tools Pixie has now."
    )
    body = await render_template("error.html", status=404, title="No such tool", message=message)
    return Response(body, status=404, content_type="text/html; charset=utf-8")


async def _latest_report(tool_id: str) -> dict[str, Any] | None:
    try:
        latest = await state().peers.store.call("reports.latest", {"tool_id": tool_id})
    except WireError as exc:
        if exc.code is not ErrorCode.NOT_FOUND:
            raise
        return None
    report: dict[str, Any] = latest["report"]
    return report


LOG_LINES_SHOWN = 150


async def _tool_context(record: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Everything the tool's settings page draws, fresh from the launcher (not the mirror, which
    may be a moment behind a change just made)."""
    launcher = state().peers.launcher
    tool_id = str(record["id"])
    fresh = await launcher.call("tools.get", {"tool_id": tool_id})
    secrets = await launcher.call("tools.secrets.list", {"tool_id": tool_id})
    log = await launcher.call("tools.logs", {"tool_id": tool_id, "limit": LOG_LINES_SHOWN})
    context = {
        "record": {**record, **fresh},
        "secrets": secrets["items"],
        "log_lines": log["lines"],
        "mask": MASK,
        "report": report_view(await _latest_report(tool_id)),
        "archived": bool((await state().shell.flags()).get(tool_id, {}).get("archived")),
        "saved": request.args.get("saved"),
        "errors": {},
        "posted": {},
    }
    return context | extra


async def _tool_page(record: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    return await _html("settings/tool.html", status, **await _tool_context(record, **extra))


async def _section(record: dict[str, Any], template: str, **extra: Any) -> Response:
    """An htmx answer: one section of the page, drawn from the same context as the page."""
    return await _html(template, **await _tool_context(record, **extra))


@blueprint.get("/tool/<tool_id>/settings")
@requires(STORE, LAUNCHER)
async def tool_settings(tool_id: str) -> Response:
    record = state().peers.tool(tool_id)
    if record is None:
        return await _no_such_tool(tool_id)
    return await _tool_page(record)


@blueprint.post("/tool/<tool_id>/settings/secrets")
@requires(STORE, LAUNCHER)
async def save_secret(tool_id: str) -> Response:
    record = state().peers.tool(tool_id)
    if record is None:
        return await _no_such_tool(tool_id)
    form = await _form()
    key = form.get("key", "")
    clearing = form.get("action") == "clear"
    value = None if clearing else form.get("value", "").strip("\r\n")
    errors: dict[str, str] = {}
    if value == "":
        errors[key] = "Enter the secret's value, or use Clear to remove it."
    else:
        args = {"tool_id": record["id"], "key": key, "value": value}
        try:
            await state().peers.launcher.call("tools.secrets.set", args)
        except WireError as exc:
            if exc.code is not ErrorCode.BAD_REQUEST:
                raise
            errors[key] = exc.message
    del value, form  # nothing below may draw it
    if is_htmx():
        saved = None if errors else "secrets"
        return await _section(record, "settings/secrets.html", errors=errors, saved=saved, saved_key=key)
    if errors:
        return await _tool_page(record, 422, errors=errors)
    return _back(_settings_path(record), "secrets", "secrets")


@blueprint.post("/tool/<tool_id>/settings/limits")
@requires(STORE, LAUNCHER)
async def save_limits(tool_id: str) -> Response:
    record = state().peers.tool(tool_id)
    if record is None:
        return await _no_such_tool(tool_id)
    form = await _form()
    parsed = parse_limits({} if "reset" in form else form)
    errors = dict(parsed.errors)
    if not errors:
        overrides = {name: value for name, value in parsed.values.items() if value is not None}
        try:
            await state().peers.launcher.call(
                "tools.overrides.set", {"tool_id": record["id"], "overrides": overrides}
            )
        except WireError as exc:
            if exc.code is not ErrorCode.BAD_REQUEST:
                raise
            name = field_of(exc.field, (*LIMIT_FIELDS, "concurrent")) or "max_memory_mb"
            errors[name] = field_message(name, exc.message)
    if is_htmx():
        saved = None if errors else "limits"
        posted = form if errors else {}
        return await _section(record, "settings/limits.html", errors=errors, posted=posted, saved=saved)
    if errors:
        return await _tool_page(record, 422, errors=errors, posted=form)
    return _back(_settings_path(record), "limits", "limits")


@blueprint.post("/tool/<tool_id>/settings/warm")
@requires(STORE, LAUNCHER)
async def save_warm(tool_id: str) -> Response:
    record = state().peers.tool(tool_id)
    if record is None:
        return await _no_such_tool(tool_id)
    pinned = "1" in (await request.form).getlist("pinned")
    current = state()
    await current.peers.launcher.call("tools.set_pinned", {"tool_id": record["id"], "pinned": pinned})
    await current.shell.set_flag(str(record["id"]), "pinned_warm", pinned)  # the sidebar's copy
    if is_htmx():
        return await _section(record, "settings/warm.html", saved="warm")
    return _back(_settings_path(record), "warm", "warm")


@blueprint.post("/tool/<tool_id>/settings/validate")
@requires(STORE, LAUNCHER)
async def revalidate(tool_id: str) -> Response:
    """Validate now; htmx gets the report's fragment, a plain form the page (the report is saved,
    so the page shows it as the latest)."""
    record = state().peers.tool(tool_id)
    if record is None:
        return await _no_such_tool(tool_id)
    problem = None
    report = None
    try:
        args = {"tool_id": record["id"]}
        report = await state().peers.launcher.call("validation.run", args, timeout=VALIDATE_TIMEOUT)
    except WireError as exc:
        if exc.code in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT) or not is_htmx():
            raise
        problem = exc.message
    if not is_htmx():
        return _back(_settings_path(record), "validation", "validation")
    return await _html(
        "settings/report.html", record=record, report=report_view(report), problem=problem, fresh=True
    )
