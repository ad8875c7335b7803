from __future__ import annotations

from typing import Any

import pytest

from shared.wire import Args, ErrorCode, WireError


def _fails(call: Any, field: str, message: str) -> None:
    with pytest.raises(WireError) as caught:
        call()
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert caught.value.field == field
    assert message in caught.value.message


def test_arguments_must_be_an_object() -> None:
    _fails(lambda: Args([1]), "args", "must be an object")


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ({"a": "x"}, {}, "x"),
        ({}, {"default": "d"}, "d"),
        ({}, {"default": None}, None),
        ({"a": None}, {"default": None}, None),
        ({"a": ""}, {"allow_empty": True}, ""),
        ({"a": "abc"}, {"pattern": "[a-c]+"}, "abc"),
        ({"a": "x"}, {"choices": {"x", "y"}}, "x"),
    ],
)
def test_text_accepts(raw: dict[str, Any], kwargs: dict[str, Any], expected: object) -> None:
    assert Args(raw).text("a", **kwargs) == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        ({}, {}, "field 'a' is required"),
        ({"a": 5}, {}, "must be a string, got 5"),
        ({"a": ""}, {}, "must not be empty"),
        ({"a": "abcd"}, {"max_length": 3}, "at most 3 characters"),
        ({"a": "ABC"}, {"pattern": "[a-c]+"}, "must match [a-c]+"),
        ({"a": "z"}, {"choices": {"x", "y"}}, "must be one of x, y"),
    ],
)
def test_text_rejects(raw: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    _fails(lambda: Args(raw).text("a", **kwargs), "a", message)


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        ({"n": "5"}, {}, "must be an integer, got '5'"),
        ({"n": True}, {}, "must be an integer, got True"),
        ({"n": 2.5}, {}, "must be an integer"),
        ({"n": 0}, {"minimum": 1, "maximum": 9}, "must be >= 1 and <= 9, got 0"),
        ({"n": 10}, {"maximum": 9}, "must be <= 9, got 10"),
    ],
)
def test_integer_rejects(raw: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    _fails(lambda: Args(raw).integer("n", **kwargs), "n", message)


def test_integer_default_and_value() -> None:
    assert Args({}).integer("n", default=20, minimum=1) == 20
    assert Args({"n": 7}).integer("n", minimum=1, maximum=9) == 7


def test_boolean_mapping_strings_and_value() -> None:
    args = Args({"b": False, "m": {"x": 1}, "s": ["a", "b"], "v": [1, {"k": None}]})
    assert args.boolean("b") is False
    assert args.mapping("m") == {"x": 1}
    assert args.strings("s", max_items=2) == ["a", "b"]
    assert args.value("v") == [1, {"k": None}]
    args.done()


@pytest.mark.parametrize(
    ("getter", "raw", "message"),
    [
        ("boolean", {"f": "yes"}, "must be true or false"),
        ("mapping", {"f": [1]}, "must be an object"),
        ("strings", {"f": ["a", 1]}, "must be a list of strings"),
        ("strings", {"f": "a"}, "must be a list of strings"),
    ],
)
def test_other_getters_reject_wrong_types(getter: str, raw: dict[str, Any], message: str) -> None:
    _fails(lambda: getattr(Args(raw), getter)("f"), "f", message)


def test_strings_limits() -> None:
    _fails(lambda: Args({"f": ["a", "b", "c"]}).strings("f", max_items=2), "f", "at most 2 items")
    _fails(lambda: Args({"f": ["abcd"]}).strings("f", max_length=3), "f", "at most 3 characters")


def test_done_names_the_first_unknown_field() -> None:
    args = Args({"tool_id": "x", "limt": 5, "zzz": 1})
    args.text("tool_id")
    _fails(args.done, "limt", "unknown field 'limt'")
