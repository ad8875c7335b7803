from __future__ import annotations

from typing import Any

import pytest

from shared.toolspec import ToolSpec, validate_tool_dict
from shared.toolstream.events import Normalised, Update, apply_update, is_streaming, normalise_event
from shared.toolstream.sse import SSEvent


def make_spec(*outputs: dict[str, Any]) -> ToolSpec:
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": [], "outputs": list(outputs)})
    assert result.spec is not None, result.errors
    return result.spec


SPEC = make_spec(
    {"key": "reply", "type": "stream_text", "label": "Reply"},
    {"key": "tool_calls", "type": "log", "label": "Calls"},
    {"key": "loss_curve", "type": "chart_line", "label": "Loss", "streaming": True},
    {"key": "points", "type": "chart_scatter", "label": "Points"},
    {"key": "progress", "type": "progress", "label": "Progress"},
    {"key": "final_metrics", "type": "kv", "label": "Metrics"},
)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            SSEvent(None, '{"output_key": "reply", "value": "Hel", "done": false}'),
            Normalised([Update("reply", "append", "Hel")]),
        ),
        (
            SSEvent(None, '{"output_key": "progress", "value": 0.4}'),
            Normalised([Update("progress", "replace", 0.4)]),
        ),
        (SSEvent(None, '{"output_key": "nope", "value": 1}'), Normalised()),
        (SSEvent(None, '{"chunk": "lo", "done": false}'), Normalised([Update("reply", "append", "lo")])),
        (SSEvent(None, '{"chunk": "", "done": true}'), Normalised(done=True)),
        (
            SSEvent(None, '{"chunk": "x", "tool_calls": {"lines": [{"message": "search"}]}}'),
            Normalised(
                [
                    Update("reply", "append", "x"),
                    Update("tool_calls", "extend", {"lines": [{"message": "search"}]}),
                ]
            ),
        ),
        (
            SSEvent(None, '{"loss_curve": {"x": 3, "y": 0.82, "val_y": 0.9}, "done": false}'),
            Normalised([Update("loss_curve", "extend", {"x": 3, "y": 0.82, "val_y": 0.9})]),
        ),
        (
            SSEvent(None, '{"final_metrics": {"pairs": {"acc": 0.9}}, "done": true}'),
            Normalised([Update("final_metrics", "replace", {"pairs": {"acc": 0.9}})], done=True),
        ),
        (SSEvent("reply", "plain text"), Normalised([Update("reply", "append", "plain text")])),
        (SSEvent("output:progress", "0.75"), Normalised([Update("progress", "replace", 0.75)])),
        (SSEvent("unknown", "1"), Normalised()),
        (SSEvent("done", "{}"), Normalised(done=True)),
        (
            SSEvent("error", '{"message": "model unavailable"}'),
            Normalised(done=True, error="model unavailable"),
        ),
        (SSEvent(None, '{"error": "bad input", "done": true}'), Normalised(done=True, error="bad input")),
        (SSEvent(None, "raw words"), Normalised([Update("reply", "append", "raw words")])),
        (SSEvent("message", '{"progress": 1}'), Normalised([Update("progress", "replace", 1)])),
    ],
)
def test_every_event_shape(event: SSEvent, expected: Normalised) -> None:
    assert normalise_event(SPEC, event) == expected


def output(key: str) -> Any:
    return next(o for o in SPEC.outputs if o.key == key)


def test_text_appends() -> None:
    value = None
    for piece in ("He", "llo"):
        value = apply_update(value, output("reply"), Update("reply", "append", piece))
    assert value == "Hello"


def test_other_text_types_are_replaced_as_the_original_protocol_says() -> None:
    """Only stream_text appends: a text status ("Epoch 3 of 10") or a final markdown summary is
    sent whole each time, and appending would show every version run together."""
    spec = make_spec(
        {"key": "status", "type": "text", "label": "Status", "streaming": True},
        {"key": "summary", "type": "markdown", "label": "Summary"},
    )
    first = normalise_event(spec, SSEvent(None, '{"output_key": "status", "value": "Epoch 1 of 10"}'))
    second = normalise_event(spec, SSEvent(None, '{"status": "Epoch 2 of 10", "summary": "# Done"}'))
    value = None
    for update in [*first.updates, second.updates[0]]:
        value = apply_update(value, spec.outputs[0], update)
    assert value == "Epoch 2 of 10"
    assert second.updates[1] == Update("summary", "replace", "# Done")
    chunked = normalise_event(spec, SSEvent(None, '{"chunk": "more"}'))  # a chunk is a piece: added
    assert chunked.updates == [Update("status", "append", "more")]


def test_log_lines_extend_from_every_shape() -> None:
    value = apply_update(None, output("tool_calls"), Update("tool_calls", "extend", {"lines": ["a"]}))
    value = apply_update(value, output("tool_calls"), Update("tool_calls", "extend", ["b", "c"]))
    value = apply_update(value, output("tool_calls"), Update("tool_calls", "extend", {"message": "d"}))
    assert value == {"lines": ["a", "b", "c", {"message": "d"}]}


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ([["a"], ["a", "b"], ["a", "b", "c"]], ["a", "b", "c"]),  # every line so far, each time
        ([["a"], ["b"], ["c"]], ["a", "b", "c"]),  # only the new lines
        ([["tick"], ["tick"], ["tick"]], ["tick", "tick", "tick"]),  # the same line again is new
        ([["a", "b"], ["a"]], ["a", "b", "a"]),  # shorter than what is shown: new lines
        ([["a"], ["b", "a", "c"]], ["a", "b", "a", "c"]),  # does not begin with the lines shown
    ],
)
def test_log_lines_sent_again_are_shown_once(sent: list[list[str]], shown: list[str]) -> None:
    value = None
    for lines in sent:
        value = apply_update(value, output("tool_calls"), Update("tool_calls", "extend", {"lines": lines}))
    assert value == {"lines": shown}


def test_a_points_plain_y_extends_the_charts_first_series() -> None:
    spec = output("loss_curve")
    seeded = {"x": [], "series": [{"name": "train loss", "y": []}]}  # as a tool's /run answer seeds it
    value = apply_update(seeded, spec, Update("loss_curve", "extend", {"x": 1, "y": 0.9, "val_y": 1.0}))
    value = apply_update(value, spec, Update("loss_curve", "extend", {"x": 2, "y": 0.7, "val_y": 0.8}))
    assert value == {
        "x": [1, 2],
        "series": [{"name": "train loss", "y": [0.9, 0.7]}, {"name": "val_y", "y": [1.0, 0.8]}],
    }
    named_y = {"x": [0], "series": [{"name": "a", "y": [1]}, {"name": "y", "y": [2]}]}
    value = apply_update(named_y, spec, Update("loss_curve", "extend", {"x": 1, "y": 3}))
    assert value["series"] == [{"name": "a", "y": [1, None]}, {"name": "y", "y": [2, 3]}]


def test_chart_points_extend_series_by_name_and_pad_late_series() -> None:
    spec = output("loss_curve")
    value = apply_update(None, spec, Update("loss_curve", "extend", {"x": 1, "loss": 0.9}))
    value = apply_update(value, spec, Update("loss_curve", "extend", {"x": 2, "loss": 0.7, "val_loss": 0.8}))
    value = apply_update(
        value,
        spec,
        Update("loss_curve", "extend", {"x": [3, 4], "series": [{"name": "loss", "y": [0.5, 0.4]}]}),
    )
    assert value == {
        "x": [1, 2, 3, 4],
        "series": [
            {"name": "loss", "y": [0.9, 0.7, 0.5, 0.4]},
            {"name": "val_loss", "y": [None, 0.8, None, None]},
        ],
    }


def test_scatter_points_extend() -> None:
    spec = output("points")
    value = apply_update(None, spec, Update("points", "extend", {"x": 1, "y": 2}))
    value = apply_update(
        value,
        spec,
        Update("points", "extend", {"series": [{"name": "points", "points": [{"x": 3, "y": 4}]}]}),
    )
    value = apply_update(
        value, spec, Update("points", "extend", {"series": [{"name": "other", "points": [{"x": 0, "y": 0}]}]})
    )
    assert value == {
        "series": [
            {"name": "points", "points": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]},
            {"name": "other", "points": [{"x": 0, "y": 0}]},
        ]
    }


def test_progress_and_the_rest_replace() -> None:
    assert apply_update(0.2, output("progress"), Update("progress", "replace", 0.5)) == 0.5
    assert apply_update(
        {"pairs": {"a": 1}}, output("final_metrics"), Update("final_metrics", "replace", {"pairs": {}})
    ) == {"pairs": {}}


@pytest.mark.parametrize(
    ("outputs", "streaming"),
    [
        ([{"key": "a", "type": "number", "label": "A"}], False),
        ([{"key": "a", "type": "chart_line", "label": "A", "streaming": True}], True),
        ([{"key": "a", "type": "stream_text", "label": "A"}], True),
        ([{"key": "a", "type": "log", "label": "A"}], True),
        ([{"key": "a", "type": "progress", "label": "A"}], True),
    ],
)
def test_is_streaming(outputs: list[dict[str, Any]], streaming: bool) -> None:
    assert is_streaming(make_spec(*outputs)) is streaming
