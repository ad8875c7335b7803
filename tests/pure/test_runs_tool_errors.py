from __future__ import annotations

import json

import pytest

from pixie_web.runs.tool_errors import ToolErrorText, describe_tool_error

KEYS = ["rate", "years"]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (422, {"detail": "rate must be positive"}, ToolErrorText("rate must be positive")),
        (502, {"detail": {"message": "upstream down"}}, ToolErrorText("upstream down")),
        (400, {"error": "bad circuit"}, ToolErrorText("bad circuit")),
        (
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "inputs", "rate"],
                        "msg": "Input should be a valid number",
                        "input": "abc",
                    },
                    {"loc": ["body", "inputs", "years"], "msg": "Field required"},
                    {"loc": ["query", "x"], "msg": "bad"},
                ]
            },
            ToolErrorText(
                "inputs.rate: Input should be a valid number (got 'abc')\n"
                "inputs.years: Field required\nx: bad",
                {"rate": "Input should be a valid number (got 'abc')", "years": "Field required"},
            ),
        ),
        (500, "Internal Server Error", ToolErrorText("Internal Server Error")),
        (500, "", ToolErrorText("the tool answered HTTP 500 with no explanation")),
        (500, "x" * 3000, ToolErrorText("x" * 2000 + " …")),
    ],
)
def test_describe_tool_error(status: int, body: object, expected: ToolErrorText) -> None:
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    assert describe_tool_error(status, raw, KEYS) == expected
