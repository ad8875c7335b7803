from __future__ import annotations

import json

import pytest

from shared.tool_errors import ToolErrorText, describe_tool_error, exception_headline

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


UVICORN_TRACEBACK = """\
INFO:     127.0.0.1:40000 - "POST /run HTTP/1.1" 500 Internal Server Error
ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/t/.venv/lib/python3.11/site-packages/uvicorn/protocols/http/h11_impl.py", line 403, in run_asgi
    result = await app(  # type: ignore[func-returns-value]
  File "/t/tools/my-tool/main.py", line 40, in run
    ratio = total / (top - 5)
            ~~~~~~^~~~~~~~~~~
  File "/t/tools/my-tool/helpers/maths.py", line 3, in share
    return a / b
ZeroDivisionError: division by zero""".splitlines()

CHAINED = """\
Traceback (most recent call last):
  File "main.py", line 10, in run
    value = table[key]
KeyError: 'rate'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "main.py", line 12, in run
    raise LookupFailed(key)
LookupFailed: no rate for 'GBP'""".splitlines()


@pytest.mark.parametrize(
    ("printed", "headline"),
    [
        (UVICORN_TRACEBACK, "ZeroDivisionError: division by zero (maths.py, line 3)"),
        (CHAINED, "LookupFailed: no rate for 'GBP' (main.py, line 12)"),  # the last one, any name
        (
            [
                "Traceback (most recent call last):",
                '  File "/v/lib/python3.11/json/decoder.py", line 9, in x',
                "E: y",
            ],
            "E: y",  # no frame in the tool's own code to name
        ),
        (["INFO: started", "WARNING: something odd"], None),
        ([], None),
        (["Traceback (most recent call last):"], None),  # cut off before the exception
        (
            [
                '  File "/t/tools/my-tool/main.py", line 15',
                "    def healthz() -> dict",
                "                         ^",
                "SyntaxError: expected ':'",
            ],
            "SyntaxError: expected ':' (main.py, line 15)",  # python main.py prints no header
        ),
    ],
    ids=["uvicorn", "chained", "library-only", "no-traceback", "nothing", "cut-off", "syntax-error"],
)
def test_the_exception_headline_names_the_last_exception_and_the_tools_own_frame(
    printed: list[str], headline: str | None
) -> None:
    assert exception_headline(printed) == headline
