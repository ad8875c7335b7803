"""Lorenz attractor: a Pixie example tool.

Integrates dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz from (1, 1, 1) with the
classic fourth-order Runge-Kutta method, in plain Python so the environment needs only FastAPI
and uvicorn. A twin trajectory started 1e-8 away (and pulled back to that distance at every
sample) gives an estimate of the largest Lyapunov exponent, which says whether the flow is
chaotic.

Run it as Pixie does: ``.venv/bin/python main.py --port 8123``.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

TOOL_JSON = (Path(__file__).parent / "tool.json").read_text(encoding="utf-8")
SPEC: dict[str, Any] = json.loads(TOOL_JSON)
INPUTS: dict[str, dict[str, Any]] = {item["key"]: item for item in SPEC["inputs"]}

START = (1.0, 1.0, 1.0)
MAX_CHART_POINTS = 2000
TWIN_OFFSET = 1e-8
CHAOS_THRESHOLD = 0.2  # a finite-time exponent above this counts as chaotic (neutral flows give ~0.1)
AT_REST_SPEED = 1e-3  # |dx/dt| below this at the end counts as settled on a fixed point

app = FastAPI(title=SPEC["name"])


class InputProblem(ValueError):
    """A value the tool cannot use; its message is shown to the user."""


def _raw_value(body: dict[str, Any], key: str) -> Any:
    inputs = body.get("inputs")
    if isinstance(inputs, dict) and key in inputs:
        return inputs[key]
    return body.get(key)


def _short(number: float) -> str:
    return f"{number:g}"


def read_number(body: dict[str, Any], key: str, *, whole: bool = False) -> float:
    """The input ``key`` as a float: from ``inputs``, else the top level, else the default."""
    spec = INPUTS[key]
    label = spec["label"]
    raw = _raw_value(body, key)
    if raw is None:
        raw = spec["default"]
    if isinstance(raw, str):
        try:
            raw = float(raw.strip())
        except ValueError:
            raise InputProblem(f"{label} must be a number, not {raw!r}") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InputProblem(f"{label} must be a number, not {json.dumps(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise InputProblem(f"{label} must be a finite number")
    if whole and not value.is_integer():
        raise InputProblem(f"{label} must be a whole number, not {_short(value)}")
    low, high = spec.get("min"), spec.get("max")
    if low is not None and value < low:
        raise InputProblem(f"{label} must be at least {_short(low)}, not {_short(value)}")
    if high is not None and value > high:
        raise InputProblem(f"{label} must be at most {_short(high)}, not {_short(value)}")
    return value


def sample_indices(count: int, limit: int = MAX_CHART_POINTS) -> list[int]:
    """Evenly spaced indices into ``count`` points, at most about ``limit``, always keeping the last."""
    stride = max(1, math.ceil(count / limit))
    indices = list(range(0, count, stride))
    if indices[-1] != count - 1:
        indices.append(count - 1)
    return indices


def solve(sigma: float, rho: float, beta: float, t_end: float, steps: int) -> dict[str, Any]:
    """Integrate, sample for the charts, and summarise. Raises InputProblem if the solution blows up."""
    h = t_end / steps
    half = 0.5 * h
    sixth = h / 6.0
    sampled = set(sample_indices(steps + 1))

    def step(x: float, y: float, z: float) -> tuple[float, float, float]:
        # One RK4 step, written out so that 8000 steps of two trajectories take a few tens of ms.
        ax = sigma * (y - x)
        ay = x * (rho - z) - y
        az = x * y - beta * z
        px, py, pz = x + half * ax, y + half * ay, z + half * az
        bx = sigma * (py - px)
        by = px * (rho - pz) - py
        bz = px * py - beta * pz
        px, py, pz = x + half * bx, y + half * by, z + half * bz
        cx = sigma * (py - px)
        cy = px * (rho - pz) - py
        cz = px * py - beta * pz
        px, py, pz = x + h * cx, y + h * cy, z + h * cz
        dx = sigma * (py - px)
        dy = px * (rho - pz) - py
        dz = px * py - beta * pz
        return (
            x + sixth * (ax + 2.0 * (bx + cx) + dx),
            y + sixth * (ay + 2.0 * (by + cy) + dy),
            z + sixth * (az + 2.0 * (bz + cz) + dz),
        )

    x, y, z = START
    tx, ty, tz = x + TWIN_OFFSET, y, z
    stretch = 0.0  # sum of ln(distance / offset) over the renormalisations so far
    times: list[float] = [0.0]
    xs, ys, zs, stretches = [x], [y], [z], [0.0]
    max_abs_x = abs(x)
    for i in range(1, steps + 1):
        x, y, z = step(x, y, z)
        tx, ty, tz = step(tx, ty, tz)
        if abs(x) > max_abs_x:
            max_abs_x = abs(x)
        if i in sampled:
            gx, gy, gz = tx - x, ty - y, tz - z
            distance = math.sqrt(gx * gx + gy * gy + gz * gz)
            if not math.isfinite(distance) or not math.isfinite(max_abs_x):
                raise InputProblem(
                    f"the integration became unstable at t = {_short(i * h)}: a step of {_short(h)} "
                    "is too large for these parameters; use more steps or a shorter duration"
                )
            if distance > 0.0:
                stretch += math.log(distance / TWIN_OFFSET)
                scale = TWIN_OFFSET / distance
                tx, ty, tz = x + gx * scale, y + gy * scale, z + gz * scale
            else:  # the twin caught up exactly (a collapse onto a fixed point): restart it
                tx, ty, tz = x + TWIN_OFFSET, y, z
            times.append(i * h)
            xs.append(x)
            ys.append(y)
            zs.append(z)
            stretches.append(stretch)

    exponent = stretch / t_end
    speed = math.sqrt((sigma * (y - x)) ** 2 + (x * (rho - z) - y) ** 2 + (x * y - beta * z) ** 2)
    if speed < AT_REST_SPEED:
        behaviour = "settles on a fixed point"
    elif exponent > CHAOS_THRESHOLD:
        behaviour = "chaotic"
    else:
        behaviour = "regular (periodic, or still settling)"

    def r(values: list[float], digits: int = 5) -> list[float]:
        return [round(v, digits) for v in values]

    return {
        "trajectory": {
            "x": r(times, 6),
            "series": [{"name": "x", "y": r(xs)}, {"name": "y", "y": r(ys)}, {"name": "z", "y": r(zs)}],
        },
        "phase": {
            "series": [
                {
                    "name": "x against z",
                    "points": [{"x": round(a, 5), "y": round(b, 5)} for a, b in zip(xs, zs, strict=True)],
                }
            ]
        },
        "separation": {"x": r(times, 6), "series": [{"name": "ln(δ / δ₀)", "y": r(stretches, 4)}]},
        "lyapunov": round(exponent, 6),
        "summary": {
            "pairs": {
                "Behaviour": behaviour,
                "Final x": round(x, 6) + 0.0,  # + 0.0 turns -0.0 into 0.0
                "Final y": round(y, 6) + 0.0,
                "Final z": round(z, 6) + 0.0,
                "Max |x|": round(max_abs_x, 6),
                "Step size": round(h, 9),
                "Steps": steps,
            }
        },
    }


@app.get("/healthz")
def healthz() -> dict[str, bool]:
    return {"ok": True}


@app.get("/schema")
def schema() -> Response:
    return Response(content=TOOL_JSON, media_type="application/json")


@app.post("/run")
async def run(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(status_code=422, detail="the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(status_code=422, detail="the request body must be a JSON object")
    try:
        sigma = read_number(body, "sigma")
        rho = read_number(body, "rho")
        beta = read_number(body, "beta")
        t_end = read_number(body, "t_end")
        steps = int(read_number(body, "steps", whole=True))
        return await run_in_threadpool(solve, sigma, rho, beta, t_end, steps)
    except InputProblem as problem:
        raise HTTPException(status_code=422, detail=str(problem)) from None


@app.post("/cancel", status_code=204)
def cancel(run_id: str | None = None) -> Response:
    # Runs finish in well under a second, so there is nothing in flight worth stopping.
    return Response(status_code=204)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=SPEC["description"])
    parser.add_argument("--port", type=int, required=True, help="port to listen on, on 127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
