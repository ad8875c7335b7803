"""What the form's markup tells the browser widgets (static/js/inputs/), and the autocomplete
proxy's pure parts: which endpoints a tool declares, and suggestions normalised to value/label."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_web.routes.autocomplete import declared_endpoints, normalise_endpoint, normalise_suggestions
from pixie_web.tools import Tool
from tests.pure.test_inputs_render import INT_OPTIONS, field_, render, tool


def test_options_and_radio_buttons_carry_their_typed_value_for_show_if() -> None:
    page = render(
        tool(field_("select", options=INT_OPTIONS), {**field_("radio", options=INT_OPTIONS), "key": "r"})
    )
    assert [node.get("data-json") for node in page.all("option") if node.get("value")] == ["1", "2", "3"]
    radio = page.one("input", value="2", type="radio")
    assert radio.get("data-json") == "2"
    flags = render(
        tool(field_("select", options=[{"value": True, "label": "Y"}, {"value": "no", "label": "N"}]))
    )
    assert [node.attrs.get("data-json") for node in flags.all("option")] == [None, "true", '"no"']


def test_a_file_input_names_its_widget_and_size_limit() -> None:
    page = render(tool(field_("file", max_size_mb=3, multiple=True, required=False)))
    control = page.one("input", type="file")
    assert control.get("data-widget") == "file"
    assert control.get("data-max-size-mb") == "3"
    assert control.has("multiple")
    assert not render(tool(field_("audio"))).one("input", type="file").has("data-max-size-mb")


def test_a_colour_picker_is_a_widget_but_a_text_fallback_is_not() -> None:
    assert render(tool(field_("colour"))).one("input", type="color").get("data-widget") == "colour"
    typo = render(tool(field_("colour")), {"v": "#12345"}).one("input", name="v")
    assert typo.get("type") == "text"
    assert not typo.has("data-widget")


SPEC = tool(
    field_("autocomplete", endpoint="/autocomplete/cities"),
    {**field_("autocomplete", endpoint="/suggest/"), "key": "w"},
    {**field_("text"), "key": "t"},
)


def test_declared_endpoints_are_matched_whatever_their_slashes() -> None:
    found = declared_endpoints(Tool({"id": "t", "name": "T"}, SPEC))
    assert found == {"/autocomplete/cities": "/autocomplete/cities", "/suggest": "/suggest/"}
    for written in ("autocomplete/cities", "/autocomplete/cities/", "%2Fautocomplete%2Fcities"):
        assert normalise_endpoint(written) == "/autocomplete/cities"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["Oslo", "Bergen"], [{"value": "Oslo", "label": "Oslo"}, {"value": "Bergen", "label": "Bergen"}]),
        ([{"value": "osl", "label": "Oslo"}], [{"value": "osl", "label": "Oslo"}]),
        ({"results": [{"value": 7}]}, [{"value": "7", "label": "7"}]),
        ([{"label": "Only a label"}], [{"value": "Only a label", "label": "Only a label"}]),
        (
            [True, 2.5, None, {"nested": 1}, ["x"], ""],
            [{"value": "true", "label": "true"}, {"value": "2.5", "label": "2.5"}],
        ),
        ([], []),
    ],
)
def test_suggestions_are_normalised_to_value_and_label(answer: Any, expected: list[dict[str, str]]) -> None:
    assert normalise_suggestions(answer) == expected


def test_long_answers_are_cut_and_other_shapes_refused() -> None:
    assert len(normalise_suggestions([f"item {n}" for n in range(500)])) == 50
    assert normalise_suggestions(["x" * 1000])[0]["value"] == "x" * 300
    with pytest.raises(ValueError, match="a JSON list of suggestions was expected, not dict"):
        normalise_suggestions({"cities": []})
    with pytest.raises(ValueError, match="not str"):
        normalise_suggestions("Oslo")
