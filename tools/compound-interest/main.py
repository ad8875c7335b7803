"""Compound interest: a Pixie example tool.

The balance grows month by month. Interest compounds ``compounding`` times a year at the
nominal annual rate, which is the same as growing by (1 + r/n)^(n/12) each month, so the
starting balance alone ends each year exactly where the textbook formula P(1 + r/n)^(n·t)
puts it. Each monthly contribution is paid in at the end of its month and grows at that
monthly factor from then on. In today's money, every amount is divided by 1.025^(months/12)
for the month it belongs to.

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

TOOL_JSON = (Path(__file__).parent / "tool.json").read_text(encoding="utf-8")
SPEC: dict[str, Any] = json.loads(TOOL_JSON)
INPUTS: dict[str, dict[str, Any]] = {item["key"]: item for item in SPEC["inputs"]}
SCHEDULE_COLUMNS = next(item["columns"] for item in SPEC["outputs"] if item["key"] == "schedule")

INFLATION = 0.025

app = FastAPI(title=SPEC["name"])


class InputProblem(ValueError):
    """A value the tool cannot use; its message is shown to the user."""


def _raw_value(body: dict[str, Any], key: str) -> Any:
    inputs = body.get("inputs")
    if isinstance(inputs, dict) and key in inputs:
        return inputs[key]
    return body.get(key)


def _short(number: float) -> str:
    return f"{number:,g}"


def read_number(body: dict[str, Any], key: str, *, whole: bool = False) -> float:
    """The input ``key`` as a float: from ``inputs``, else the top level, else the default."""
    spec = INPUTS[key]
    label = spec["label"]
    raw = _raw_value(body, key)
    if raw is None:
        raw = spec["default"]
    if isinstance(raw, str):
        try:
            raw = float(raw.strip().replace(",", ""))
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


def read_choice(body: dict[str, Any], key: str) -> int:
    """A select input whose option values are integers; "12" and 12.0 are read as 12."""
    spec = INPUTS[key]
    allowed = [option["value"] for option in spec["options"]]
    raw = _raw_value(body, key)
    if raw is None:
        raw = spec["default"]
    value: Any = raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    if isinstance(value, bool) or value not in allowed:
        choices = ", ".join(f"{option['value']} ({option['label']})" for option in spec["options"])
        raise InputProblem(f"{spec['label']} must be one of {choices}, not {json.dumps(raw)}")
    return int(value)


def read_flag(body: dict[str, Any], key: str) -> bool:
    spec = INPUTS[key]
    raw = _raw_value(body, key)
    if raw is None:
        raw = spec["default"]
    if isinstance(raw, bool):
        return raw
    if raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "on", "off", "yes", "no"):
        return raw.strip().lower() in ("true", "on", "yes")
    raise InputProblem(f"{spec['label']} must be true or false, not {json.dumps(raw)}")


def project(
    principal: float,
    annual_rate: float,
    years: int,
    compounding: int,
    monthly_contribution: float,
    inflation_adjusted: bool,
) -> dict[str, Any]:
    monthly_growth = (1.0 + annual_rate / 100.0 / compounding) ** (compounding / 12.0)

    def deflator(month: int) -> float:
        return (1.0 + INFLATION) ** (month / 12.0) if inflation_adjusted else 1.0

    balance = principal  # nominal
    paid_in = principal  # in the money the results are shown in
    rows: list[dict[str, Any]] = []
    chart_balance = [round(principal, 2)]
    chart_paid_in = [round(principal, 2)]
    for year in range(1, years + 1):
        for month in range(12 * (year - 1) + 1, 12 * year + 1):
            balance = balance * monthly_growth + monthly_contribution
            paid_in += monthly_contribution / deflator(month)
        shown = balance / deflator(12 * year)
        rows.append(
            {
                "year": year,
                "balance": round(shown, 2),
                "contributions": round(paid_in, 2),
                "interest": round(shown - paid_in, 2),
            }
        )
        chart_balance.append(round(shown, 2))
        chart_paid_in.append(round(paid_in, 2))

    final = rows[-1]
    return {
        "final_balance": final["balance"],
        "total_contributions": final["contributions"],
        "total_interest": final["interest"],
        "growth": {
            "x": list(range(years + 1)),
            "series": [{"name": "Balance", "y": chart_balance}, {"name": "Paid in", "y": chart_paid_in}],
        },
        "schedule": {"columns": SCHEDULE_COLUMNS, "rows": rows},
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
        return project(
            principal=read_number(body, "principal"),
            annual_rate=read_number(body, "annual_rate"),
            years=int(read_number(body, "years", whole=True)),
            compounding=read_choice(body, "compounding"),
            monthly_contribution=read_number(body, "monthly_contribution"),
            inflation_adjusted=read_flag(body, "inflation_adjusted"),
        )
    except InputProblem as problem:
        raise HTTPException(status_code=422, detail=str(problem)) from None


@app.post("/cancel", status_code=204)
def cancel(run_id: str | None = None) -> Response:
    # A projection takes well under a millisecond; there is never anything to stop.
    return Response(status_code=204)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=SPEC["description"])
    parser.add_argument("--port", type=int, required=True, help="port to listen on, on 127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
