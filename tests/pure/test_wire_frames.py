from __future__ import annotations

import pytest

from shared.wire import ErrorCode, Reply, Request, WireError
from shared.wire.frames import PROTOCOL, dump_json


def test_request_round_trip() -> None:
    request = Request(id="abc", op="runs.get", deadline=123.5, args={"run_id": "r1"})
    assert Request.decode(request.encode()) == request


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ([b"PX1"], "expected two frames"),
        ([b"PX0", b"{}"], "expected two frames"),
        ([PROTOCOL, b"{not json"], "not valid JSON"),
        ([PROTOCOL, b"\xff\xfe"], "not valid JSON"),
        ([PROTOCOL, b"[1, 2]"], "must be a JSON object"),
        ([PROTOCOL, b'{"id": "1", "op": "x", "deadline": 1, "args": {"v": NaN}}'], "not valid JSON"),
        ([PROTOCOL, dump_json({"op": "x", "deadline": 1})], "'id' must be a non-empty string"),
        ([PROTOCOL, dump_json({"id": "1", "deadline": 1})], "'op' must be a non-empty string"),
        (
            [PROTOCOL, dump_json({"id": "1", "op": "x", "args": [], "deadline": 1})],
            "'args' must be an object",
        ),
        ([PROTOCOL, dump_json({"id": "1", "op": "x"})], "'deadline' must be a number"),
        ([PROTOCOL, dump_json({"id": "1", "op": "x", "deadline": True})], "'deadline' must be a number"),
    ],
)
def test_malformed_requests_are_bad_requests(frames: list[bytes], message: str) -> None:
    with pytest.raises(WireError) as caught:
        Request.decode(frames)
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert message in caught.value.message


def test_missing_args_mean_empty_args() -> None:
    request = Request.decode([PROTOCOL, dump_json({"id": "1", "op": "ping", "deadline": 5})])
    assert request.args == {}


def test_ok_reply_round_trip() -> None:
    reply = Reply(id="abc", result={"n": [1, 2]})
    decoded = Reply.decode(reply.encode())
    assert decoded.ok
    assert decoded.result == {"n": [1, 2]}


def test_error_reply_round_trip_keeps_code_message_and_field() -> None:
    error = WireError(ErrorCode.BAD_REQUEST, "field 'limit' must be an integer", field="limit")
    decoded = Reply.decode(Reply(id="abc", error=error).encode())
    assert not decoded.ok
    assert decoded.error is not None
    assert (decoded.error.code, decoded.error.message, decoded.error.field) == (
        ErrorCode.BAD_REQUEST,
        "field 'limit' must be an integer",
        "limit",
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"code": "NOT_FOUND", "message": "m"}, ErrorCode.NOT_FOUND),
        ({"code": "SOMETHING_NEW", "message": "m"}, ErrorCode.INTERNAL),
        ("not a dict", ErrorCode.INTERNAL),
    ],
)
def test_error_codes_map_to_symbols(data: object, code: ErrorCode) -> None:
    assert WireError.from_dict(data).code is code


def test_replies_that_cannot_be_parsed_raise_value_error() -> None:
    with pytest.raises(ValueError, match="two frames"):
        Reply.decode([b"nope"])
    with pytest.raises(ValueError, match="string 'id'"):
        Reply.decode([PROTOCOL, b"{}"])


def test_non_finite_numbers_are_written_as_null() -> None:
    assert dump_json({"a": float("nan"), "b": float("inf")}) == b'{"a":null,"b":null}'
