"""render_form_fields: every input type as HTML controls, and the round trip through a browser post.

The HTML is read with the standard library's parser into a small tree; ``browser_post`` then builds
the fields a browser would send for it (checked boxes only, the selected options, a textarea's text
minus the newline after its tag, an empty part for a file input with no file).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pixie_web.inputs import Upload, coerce_form, form_values, redisplay_values, render_form_fields
from shared.toolspec import INPUT_TYPES, ToolSpec, parse_tool_json, validate_tool_dict

ALL_INPUTS = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "all_inputs.json"
VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "wbr", "source", "col", "area", "base"})


def _attr(name: str) -> str:
    """Keyword to attribute name: class_ -> class, data_input_key -> data-input-key."""
    return name.rstrip("_").replace("_", "-")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.walk()

    def all(self, tag: str, **attrs: str) -> list[Node]:
        return [
            node
            for node in self.walk()
            if node.tag == tag and all(node.attrs.get(_attr(name)) == value for name, value in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def full_text(self) -> str:
        return self.text + "".join(child.full_text() for child in self.children)

    def has(self, name: str) -> bool:
        return name in self.attrs

    def get(self, name: str) -> str:
        value = self.attrs.get(name)
        assert value is not None, f"<{self.tag}> has no {name}"
        return value


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def textarea_value(node: Node) -> str:
    text = node.full_text()
    return text[1:] if text.startswith("\n") else text  # HTML drops the newline after <textarea>


def browser_post(root: Node) -> tuple[dict[str, list[str]], dict[str, list[Upload]]]:
    """The fields a browser submits for these controls, in document order."""
    values: dict[str, list[str]] = {}
    files: dict[str, list[Upload]] = {}
    for node in root.walk():
        name = node.attrs.get("name")
        if not name or node.has("disabled") or node.tag not in ("input", "select", "textarea"):
            continue
        sent: list[str] = []
        if node.tag == "input":
            kind = (node.attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if node.has("checked"):
                    sent = [node.attrs.get("value") or "on"]
            elif kind == "file":
                files.setdefault(name, []).append(Upload("", "application/octet-stream", b""))
            elif kind == "range" and node.attrs.get("value") is None:
                low, high = float(node.attrs.get("min") or 0), float(node.attrs.get("max") or 100)
                sent = [str((low + high) / 2)]
            elif kind == "color":
                sent = [(node.attrs.get("value") or "#000000").lower()]
            else:
                sent = [node.attrs.get("value") or ""]
        elif node.tag == "textarea":
            sent = [textarea_value(node)]
        else:
            options = node.all("option")
            chosen = [option for option in options if option.has("selected")]
            if not node.has("multiple") and not chosen and options:
                chosen = options[:1]
            sent = [option.attrs["value"] or "" for option in chosen]
        if sent:
            values.setdefault(name, []).extend(sent)
    return values, files


def tool(*inputs: dict[str, Any]) -> ToolSpec:
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": list(inputs), "outputs": []})
    assert result.spec is not None, [str(error) for error in result.errors]
    return result.spec


def field_(kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": "v", "type": kind, "label": "Value", **extra}


def render(
    spec: ToolSpec, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Node:
    return parse(str(render_form_fields(spec, values or {}, errors or {})))


def all_inputs() -> ToolSpec:
    parsed = parse_tool_json(ALL_INPUTS.read_text(encoding="utf-8"))
    assert parsed.spec is not None
    return parsed.spec


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


OPTIONS = [{"value": "a", "label": "Apple"}, {"value": "b", "label": "Banana"}]
INT_OPTIONS = [{"value": 1, "label": "One"}, {"value": 2, "label": "Two"}, {"value": 3, "label": "Three"}]
COLUMNS = [
    {"key": "name", "label": "Name", "type": "string"},
    {"key": "qty", "label": "Qty", "type": "integer"},
    {"key": "price", "label": "Price", "type": "number"},
    {"key": "ok", "label": "OK", "type": "boolean"},
]


# ---- the round trip --------------------------------------------------------------------------


def trip(name: str, spec: dict[str, Any], value: object) -> Any:
    return pytest.param(spec, value, id=name)


ROUND_TRIPS = [
    trip("text", field_("text", max_length=40), 'Ada <b>"Lovelace"</b> & co'),
    trip("textarea", field_("textarea"), "\nfirst line was blank\n  indented\n"),
    trip("textarea-html", field_("textarea"), "</textarea><script>alert(1)</script>"),
    trip("number-int", field_("number", min=0), 42),
    trip("number-float", field_("number"), -2.75),
    trip("number-float-step", field_("number", step=0.5), 3.0),
    trip("number-big", field_("number"), 12345678901234567890),
    trip("slider", field_("slider", min=0, max=1, step=0.1), 0.3),
    trip("slider-whole", field_("slider", min=0, max=100), 20.0),
    trip("slider-range", field_("slider", min=0, max=100, step=5, range=True), [20.0, 85.0]),
    trip("select", field_("select", options=OPTIONS), "b"),
    trip("select-int", field_("select", options=INT_OPTIONS), 3),
    trip(
        "select-bool",
        field_("select", options=[{"value": True, "label": "Y"}, {"value": False, "label": "N"}]),
        False,
    ),
    trip("multiselect", field_("multiselect", options=INT_OPTIONS), [1, 3]),
    trip("multiselect-str", field_("multiselect", options=OPTIONS), ["a", "b"]),
    trip("checkbox-true", field_("checkbox"), True),
    trip("checkbox-false", field_("checkbox", default=True), False),
    trip("toggle", field_("toggle"), True),
    trip("radio", field_("radio", options=INT_OPTIONS), 2),
    trip("radio-str", field_("radio", options=OPTIONS), "a"),
    trip("date", field_("date", min="2020-01-01"), "2026-02-28"),
    trip("time", field_("time"), "07:45"),
    trip("time-seconds", field_("time"), "07:45:30"),
    trip("datetime", field_("datetime"), "2026-02-28T07:45"),
    trip("datetime-zone", field_("datetime"), "2026-02-28T07:45:00+01:00"),
    trip("date-range", field_("date_range"), ["2026-01-01", "2026-01-31"]),
    trip("file", field_("file", accept=".csv"), data_url("text/csv", b"a,b\n1,2\n")),
    trip(
        "image-multiple",
        field_("image", multiple=True),
        [data_url("image/png", b"1"), data_url("image/gif", b"2")],
    ),
    trip("audio", field_("audio"), data_url("audio/wav", b"RIFF")),
    trip("colour", field_("colour"), "#0a0b0c"),
    trip("json", field_("json"), {"nested": {"list": [1, 2.5, None, True]}, "text": "é <&>"}),
    trip("json-scalar", field_("json"), "just text"),
    trip("code", field_("code", language="sql"), "select *\nfrom t\twhere a < 1;\n"),
    trip("markdown", field_("markdown"), "# Title\n\n* item & more\n"),
    trip("tags", field_("tags"), ["red", "deep blue"]),
    trip("tags-with-commas", field_("tags"), ["a, b", "c"]),
    trip("tags-bracket", field_("tags"), ["[x]", "y"]),
    trip("autocomplete", field_("autocomplete", endpoint="/ac"), "São Paulo"),
    trip(
        "table",
        field_("table", columns=COLUMNS),
        [{"name": "pen", "qty": 2, "price": 1.5, "ok": True}, {"name": "ink", "qty": None}],
    ),
    trip("map-point", field_("map_point"), [51.5, -0.12]),
    trip("map-bbox", field_("map_bbox"), [[51.0, -1.0], [52.0, 0.5]]),
    trip("map-polygon", field_("map_polygon"), [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
    trip("map-multipoint", field_("map_multipoint"), [[1.0, 2.0], [3.0, 4.0]]),
    trip("hidden", field_("hidden", default="x"), "replayed"),
    trip("hidden-typed", field_("hidden", default={"a": 1}), {"a": 2, "b": [True]}),
]


def test_round_trips_cover_every_type() -> None:
    assert {param.values[0]["type"] for param in ROUND_TRIPS} == set(INPUT_TYPES)


@pytest.mark.parametrize(("spec", "value"), ROUND_TRIPS)
def test_round_trip(spec: dict[str, Any], value: object) -> None:
    built = tool(spec)
    page = render(built, form_values(built, {"v": value}))
    values, files = browser_post(page)
    result = coerce_form(built, values, files)
    assert result.errors == {}
    assert json.dumps(result.inputs) == json.dumps({"v": value})


def full_sample() -> dict[str, Any]:
    return {
        "name": "Ada",
        "notes": "line one\nline two",
        "amount": 250.5,
        "ratio": 0.9,
        "band": [10.0, 95.0],
        "mode": "slow",
        "limit": 7.5,
        "fruits": ["apple", "plum"],
        "agree": True,
        "dark": False,
        "size": 3,
        "day": "2029-12-31",
        "alarm": "06:30",
        "meeting": "2026-03-01T10:15",
        "trip": ["2026-07-01", "2026-07-14"],
        "data": data_url("text/csv", b"x,y\n"),
        "photos": [data_url("image/png", b"p")],
        "voice": data_url("audio/ogg", b"o"),
        "accent": "#ff8800",
        "config": {"retries": 3},
        "script": "print('hi')",
        "readme": "**bold**",
        "labels": ["red", "blue"],
        "city": "Oslo",
        "items": [{"name": "a", "qty": 1, "price": 2.5, "paid": False}],
        "where": [59.9, 10.75],
        "area": [[59.0, 10.0], [60.0, 11.0]],
        "zone": [[59.0, 10.0], [59.5, 10.5], [59.0, 11.0]],
        "stops": [[59.9, 10.7]],
        "token": "abc123",
    }


def test_round_trip_of_the_fixture_with_every_type() -> None:
    spec = all_inputs()
    sample = full_sample()
    assert [item.key for item in spec.inputs] == list(sample)
    values, files = browser_post(render(spec, form_values(spec, sample)))
    result = coerce_form(spec, values, files)
    assert result.errors == {}
    assert json.dumps(result.inputs) == json.dumps(sample)


def test_the_fresh_form_posts_the_defaults() -> None:
    spec = all_inputs()
    values, files = browser_post(render(spec, form_values(spec, {})))
    result = coerce_form(spec, values, files)
    assert result.errors == {
        "name": "Your name is required but was left empty.",
        "day": "Day is required but was left empty.",
    }
    assert json.dumps(result.inputs) == json.dumps(
        {
            "amount": 100,
            "ratio": 0.5,
            "band": [20.0, 80.0],
            "mode": "fast",
            "agree": False,
            "dark": True,
            "size": 2,
            "accent": "#3366ff",
            "token": "abc123",
        }
    )


def test_a_failed_post_redraws_the_persons_own_text() -> None:
    spec = tool(field_("number"), {"key": "f", "type": "file", "label": "F"})
    posted = {"v": ["twelve"]}
    result = coerce_form(spec, posted, {"f": [Upload("a.txt", "text/plain", b"hi")]})
    assert result.errors == {"v": 'Value must be a number; got "twelve".'}
    page = render(spec, redisplay_values(spec, posted, result), result.errors)
    assert page.one("input", name="v").get("value") == "twelve"
    kept = page.one("input", type="hidden", name="f")
    assert kept.get("value") == data_url("text/plain", b"hi")
    assert not page.one("input", type="file").has("required")


def test_form_values_name_the_fields_each_type_posts() -> None:
    spec = all_inputs()
    values = form_values(spec, full_sample())
    assert values == {
        "name": "Ada",
        "notes": "line one\nline two",
        "amount": "250.5",
        "ratio": "0.9",
        "band": "[10.0, 95.0]",
        "band__lo": "10.0",
        "band__hi": "95.0",
        "mode": "slow",
        "limit": "7.5",
        "fruits": ["apple", "plum"],
        "agree": "true",
        "size": "3",
        "day": "2029-12-31",
        "alarm": "06:30",
        "meeting": "2026-03-01T10:15",
        "trip": '["2026-07-01", "2026-07-14"]',
        "data": data_url("text/csv", b"x,y\n"),
        "photos": [data_url("image/png", b"p")],
        "voice": data_url("audio/ogg", b"o"),
        "accent": "#ff8800",
        "config": '{\n  "retries": 3\n}',
        "script": "print('hi')",
        "readme": "**bold**",
        "labels": "red, blue",
        "city": "Oslo",
        "items": '[\n  {"name": "a", "qty": 1, "price": 2.5, "paid": false}\n]',
        "where": "[59.9, 10.75]",
        "area": "[[59.0, 10.0], [60.0, 11.0]]",
        "zone": "[[59.0, 10.0], [59.5, 10.5], [59.0, 11.0]]",
        "stops": "[[59.9, 10.7]]",
        "token": "abc123",
    }


def test_form_values_fill_defaults_and_leave_unticked_boxes_out() -> None:
    spec = all_inputs()
    values = form_values(spec, {"dark": False, "mode": None})
    assert "dark" not in values  # stored false beats the default true
    assert values["mode"] == "fast"  # null shows the default
    assert "agree" not in values


# ---- the field wrapper -----------------------------------------------------------------------


def wrapper(page: Node, key: str) -> Node:
    return page.one("div", data_input_key=key)


def test_every_input_is_a_field_in_order() -> None:
    spec = all_inputs()
    page = render(spec, form_values(spec, {}))
    fields = page.all("div")
    assert [node.attrs["data-input-key"] for node in fields] == [item.key for item in spec.inputs]
    assert [node.attrs["data-input-type"] for node in fields] == [item.type for item in spec.inputs]
    assert all("field" in (node.attrs["class"] or "").split() for node in fields)


def test_labels_point_at_controls_and_ids_are_unique() -> None:
    spec = all_inputs()
    page = render(spec, form_values(spec, {}))
    ids = [node.attrs["id"] for node in page.walk() if node.attrs.get("id")]
    assert len(ids) == len(set(ids))
    controls = {node.attrs.get("id") for node in page.walk() if node.tag in ("input", "select", "textarea")}
    for label in page.all("label"):
        assert label.get("for") in controls
    for node in page.walk():
        for target in (node.attrs.get("aria-describedby") or "").split():
            assert target in ids


def test_labelled_inputs_have_one_label_each() -> None:
    spec = all_inputs()
    page = render(spec, form_values(spec, {}))
    for item in spec.inputs:
        node = wrapper(page, item.key)
        if item.type == "radio":
            assert node.one("legend").full_text().startswith(item.label)
        elif item.type != "hidden":
            assert node.all("label")[0].full_text().startswith(item.label)


def test_required_mark_and_attribute() -> None:
    spec = tool(
        {"key": "r", "type": "text", "label": "R"},
        {"key": "o", "type": "text", "label": "O", "required": False},
        {"key": "c", "type": "checkbox", "label": "C"},
    )
    page = render(spec)
    assert wrapper(page, "r").one("span", class_="required-mark").attrs["aria-hidden"] == "true"
    assert page.one("input", name="r").has("required")
    assert wrapper(page, "o").all("span", class_="required-mark") == []
    assert not page.one("input", name="o").has("required")
    # A required checkbox would have to be ticked; unticked is an answer, so neither mark nor attribute.
    assert wrapper(page, "c").all("span", class_="required-mark") == []
    assert not page.one("input", name="c").has("required")


def test_description_is_linked_help_text() -> None:
    spec = tool({"key": "v", "type": "text", "label": "V", "description": "Say <hello>."})
    page = render(spec)
    help_text = page.one("p", class_="field-help")
    assert help_text.full_text() == "Say <hello>."
    assert page.one("input", name="v").get("aria-describedby") == help_text.get("id")


def test_error_is_linked_and_marks_the_control_invalid() -> None:
    spec = tool({"key": "v", "type": "number", "label": "V", "description": "A count."})
    page = render(spec, {"v": "x"}, {"v": 'V must be a number; got "x".'})
    error = page.one("p", class_="field-error")
    assert error.full_text() == 'V must be a number; got "x".'
    control = page.one("input", name="v")
    assert control.get("aria-invalid") == "true"
    assert control.get("aria-describedby").split() == [
        page.one("p", class_="field-help").get("id"),
        error.get("id"),
    ]


def test_no_error_no_invalid_mark() -> None:
    page = render(tool(field_("number")), {"v": "1"}, {"other": "not this field"})
    assert page.all("p", class_="field-error") == []
    assert not page.one("input", name="v").has("aria-invalid")


@pytest.mark.parametrize(
    ("spec", "control"),
    [
        (field_("slider", min=0, max=10, range=True), ("input", {"name": "v__lo"})),
        (field_("radio", options=OPTIONS), ("input", {"value": "a"})),
        (field_("multiselect", options=OPTIONS), ("select", {"name": "v"})),
        (field_("table", columns=COLUMNS), ("textarea", {"name": "v"})),
        (field_("file"), ("input", {"type": "file"})),
    ],
)
def test_errors_reach_every_kind_of_control(
    spec: dict[str, Any], control: tuple[str, dict[str, str]]
) -> None:
    page = render(tool(spec), {}, {"v": "Value is wrong."})
    node = page.one(control[0], **control[1])
    assert node.get("aria-invalid") == "true"
    assert page.one("p", class_="field-error").get("id") in node.get("aria-describedby").split()


def test_show_if_is_carried_as_data() -> None:
    spec = tool(
        {"key": "mode", "type": "select", "label": "Mode", "options": OPTIONS},
        {"key": "n", "type": "number", "label": "N", "show_if": {"key": "mode", "equals": {"x": [1, "<"]}}},
    )
    node = wrapper(render(spec), "n")
    assert node.get("data-show-if-key") == "mode"
    assert json.loads(node.get("data-show-if-equals")) == {"x": [1, "<"]}
    assert not wrapper(render(spec), "mode").has("data-show-if-key")


def test_groups_gather_adjacent_inputs_only() -> None:
    spec = tool(
        {"key": "a", "type": "text", "label": "A", "group": "First"},
        {"key": "b", "type": "text", "label": "B", "group": "First"},
        {"key": "c", "type": "text", "label": "C"},
        {"key": "d", "type": "text", "label": "D", "group": "First"},
        {"key": "e", "type": "text", "label": "E", "group": "<Second>"},
    )
    page = render(spec)
    groups = page.all("fieldset", class_="input-group")
    assert [group.one("legend").full_text() for group in groups] == ["First", "First", "<Second>"]
    assert [[n.attrs["data-input-key"] for n in g.all("div")] for g in groups] == [["a", "b"], ["d"], ["e"]]
    top_level = [node.attrs.get("data-input-key") for node in page.children if node.tag == "div"]
    assert top_level == ["c"]


def test_everything_is_escaped_and_nothing_is_inline() -> None:
    nasty = '"><script>alert(1)</script><b onclick="x">'
    spec = tool(
        {
            "key": "v",
            "type": "select",
            "label": nasty,
            "description": nasty,
            "options": [{"value": nasty, "label": nasty}],
            "group": nasty,
        },
        {"key": "w", "type": "textarea", "label": "W", "placeholder": nasty},
    )
    html = str(render_form_fields(spec, {"v": nasty, "w": nasty}, {"v": nasty}))
    page = parse(html)
    assert page.all("script") == []
    assert page.all("b") == []
    assert page.all("style") == []
    for node in page.walk():
        assert not any(name.startswith("on") or name == "style" for name in node.attrs)
    assert page.one("option", value=nasty).has("selected")
    assert textarea_value(page.one("textarea")) == nasty


# ---- each type's control ---------------------------------------------------------------------


def test_text() -> None:
    spec = tool(field_("text", placeholder="e.g. Ada", max_length=12))
    node = render(spec, {"v": "Ada"}).one("input", name="v")
    assert (node.get("type"), node.get("id"), node.get("value")) == ("text", "input-v", "Ada")
    assert (node.get("maxlength"), node.get("placeholder")) == ("12", "e.g. Ada")
    assert render(spec).one("label").get("for") == "input-v"


def test_textarea() -> None:
    spec = tool(field_("textarea", max_length=99, placeholder="Notes", monospace=True))
    node = render(spec, {"v": "a\nb"}).one("textarea", name="v")
    assert textarea_value(node) == "a\nb"
    assert (node.get("maxlength"), node.get("placeholder"), node.get("class")) == ("99", "Notes", "monospace")
    assert not render(tool(field_("textarea"))).one("textarea").has("class")


def test_number() -> None:
    node_page = render(tool(field_("number", min=0, max=10.5, step=0.5, unit="kg")), {"v": "2.5"})
    node = node_page.one("input", name="v")
    assert [node.get(name) for name in ("type", "min", "max", "step", "value")] == [
        "number",
        "0",
        "10.5",
        "0.5",
        "2.5",
    ]
    assert node_page.one("span", class_="unit").full_text() == "kg"
    bare = render(tool(field_("number"))).one("input", name="v")
    assert bare.get("step") == "any"  # otherwise the browser would refuse decimals
    assert not bare.has("min")
    assert not bare.has("max")


def test_a_number_that_is_not_a_number_is_shown_as_text() -> None:
    spec = tool(
        field_("number"), {"key": "r", "type": "slider", "label": "R", "min": 0, "max": 9, "range": True}
    )
    page = render(spec, {"v": "twelve", "r__lo": "1", "r__hi": "lots"})
    assert (page.one("input", name="v").get("type"), page.one("input", name="v").get("value")) == (
        "text",
        "twelve",
    )
    assert page.one("input", name="r__lo").get("type") == "number"
    assert page.one("input", name="r__hi").get("type") == "text"


def test_slider() -> None:
    page = render(tool(field_("slider", min=1, max=5, step=0.5)), {"v": "2.5"})
    node = page.one("input", name="v")
    assert [node.get(name) for name in ("type", "min", "max", "step", "value")] == [
        "range",
        "1",
        "5",
        "0.5",
        "2.5",
    ]
    output = page.one("output")
    assert (output.get("for"), output.full_text()) == ("input-v", "2.5")


def test_range_slider() -> None:
    spec = tool(field_("slider", min=0, max=100, step=5, range=True))
    page = render(spec, form_values(spec, {"v": [10.0, 20.0]}))
    low, high = page.one("input", name="v__lo"), page.one("input", name="v__hi")
    assert [low.get(name) for name in ("type", "min", "max", "step", "value")] == [
        "number",
        "0",
        "100",
        "5",
        "10.0",
    ]
    assert high.get("value") == "20.0"
    assert low.has("required")
    assert high.has("required")
    assert page.one("label").get("for") == low.get("id")
    assert "high end" in high.get("aria-label")
    bridge = page.one("input", type="hidden", name="v")
    assert json.loads(bridge.get("value")) == [10.0, 20.0]
    assert bridge.get("data-widget") == "slider"


def test_select() -> None:
    spec = tool(field_("select", options=INT_OPTIONS, searchable=True))
    page = render(spec, {"v": "2"})
    select = page.one("select", name="v")
    assert select.get("data-searchable") == "true"
    options = select.all("option")
    assert [(o.get("value"), o.full_text(), o.has("selected")) for o in options] == [
        ("1", "One", False),
        ("2", "Two", True),
        ("3", "Three", False),
    ]
    # With nothing chosen, a required select starts on an empty placeholder.
    empty = render(spec).one("select").all("option")[0]
    assert (empty.get("value"), empty.full_text()) == ("", "Select…")


def test_optional_select_can_be_cleared() -> None:
    page = render(tool(field_("select", options=OPTIONS, required=False)), {"v": "a"})
    assert [o.get("value") for o in page.all("option")] == ["", "a", "b"]
    assert page.one("option", value="a").has("selected")


def test_multiselect() -> None:
    spec = tool(field_("multiselect", options=INT_OPTIONS))
    page = render(spec, form_values(spec, {"v": [1, 3]}))
    select = page.one("select", name="v")
    assert select.has("multiple")
    assert select.get("data-widget") == "multiselect"
    assert [o.get("value") for o in select.all("option") if o.has("selected")] == ["1", "3"]
    assert select.all("option", value="") == []


def test_radio() -> None:
    page = render(tool(field_("radio", options=INT_OPTIONS, description="Pick one.")), {"v": "2"})
    group = page.one("fieldset", class_="radio-group")
    assert group.one("legend").full_text().startswith("Value")
    radios = group.all("input", type="radio")
    assert [(r.get("name"), r.get("value"), r.has("checked")) for r in radios] == [
        ("v", "1", False),
        ("v", "2", True),
        ("v", "3", False),
    ]
    assert [page.one("label", for_=r.get("id")).full_text() for r in radios] == ["One", "Two", "Three"]
    assert all(r.has("required") and r.get("aria-describedby") == "input-v-help" for r in radios)


@pytest.mark.parametrize("kind", ["checkbox", "toggle"])
def test_checkbox_and_toggle(kind: str) -> None:
    spec = tool(field_(kind))
    ticked = render(spec, {"v": "true"}).one("input", name="v")
    assert (ticked.get("type"), ticked.get("value"), ticked.has("checked")) == ("checkbox", "true", True)
    assert not render(spec, {}).one("input", name="v").has("checked")
    assert (ticked.attrs.get("role") == "switch") is (kind == "toggle")


@pytest.mark.parametrize(
    ("spec", "value", "html_type", "extra"),
    [
        (
            field_("date", min="2020-01-01", max="2030-01-01"),
            "2025-05-05",
            "date",
            {"min": "2020-01-01", "max": "2030-01-01"},
        ),
        (field_("time"), "10:30", "time", {}),
        (field_("time"), "10:30:15", "time", {"step": "1"}),
        (field_("datetime"), "2026-01-01T10:30", "datetime-local", {}),
        (field_("datetime"), "2026-01-01T10:30:15", "datetime-local", {"step": "1"}),
        (field_("datetime"), "2026-01-01T10:30:00Z", "text", {}),
        (field_("colour"), "#123abc", "color", {}),
        (field_("datetime"), "2026-01-01T10:30:15.5", "datetime-local", {"step": "0.001"}),
        # values the native control would throw away are shown as text, to be corrected
        (field_("colour"), "red", "text", {}),
        (field_("date"), "31/01/2026", "text", {}),
        (field_("time"), "9am", "text", {}),
    ],
)
def test_dates_times_and_colours(
    spec: dict[str, Any], value: str, html_type: str, extra: dict[str, str]
) -> None:
    node = render(tool(spec), {"v": value}).one("input", name="v")
    assert (node.get("type"), node.get("value")) == (html_type, value)
    assert {name: node.get(name) for name in extra} == extra


def test_a_short_colour_default_is_shown_in_full() -> None:
    spec = tool(field_("colour", default="#ABC"))
    page = render(spec, form_values(spec, {}))
    assert page.one("input", name="v").get("value") == "#aabbcc"
    assert coerce_form(spec, *browser_post(page)).inputs == {"v": "#aabbcc"}


def test_colour_without_a_value_shows_black() -> None:
    assert render(tool(field_("colour", required=False))).one("input").get("value") == "#000000"


@pytest.mark.parametrize(
    ("spec", "accept", "multiple", "hint"),
    [
        (
            field_("file", accept=[".csv", "text/csv"], max_size_mb=5),
            ".csv,text/csv",
            False,
            "Accepts .csv, text/csv. Up to 5 MB a file.",
        ),
        (field_("file"), None, False, None),
        (field_("image", multiple=True), "image/*", True, "Accepts image/*."),
        (field_("audio", max_size_mb=1), "audio/*", False, "Accepts audio/*. Up to 1 MB a file."),
    ],
)
def test_files(spec: dict[str, Any], accept: str | None, multiple: bool, hint: str | None) -> None:
    page = render(tool(spec))
    node = page.one("input", name="v")
    assert node.get("type") == "file"
    assert node.attrs.get("accept") == accept
    assert node.has("multiple") is multiple
    assert node.has("required")
    hints = page.all("p", class_="field-hint")
    assert [p.full_text() for p in hints] == ([hint] if hint else [])


def test_files_from_an_earlier_run_are_kept_as_hidden_fields() -> None:
    spec = tool(field_("image", multiple=True))
    urls = [data_url("image/png", b"1"), data_url("image/png", b"2")]
    page = render(spec, form_values(spec, {"v": urls}))
    assert [node.get("value") for node in page.all("input", type="hidden", name="v")] == urls
    assert not page.one("input", type="file").has("required")
    assert page.one("p", class_="field-kept").full_text().startswith("2 files")


@pytest.mark.parametrize(
    ("kind", "extra", "data"),
    [
        ("json", {"schema": {"type": "object"}}, {"data-schema": '{"type":"object"}'}),
        (
            "table",
            {"columns": COLUMNS[:1], "min_rows": 1, "max_rows": 3},
            {
                "data-columns": json.dumps(COLUMNS[:1], separators=(",", ":")),
                "data-min-rows": "1",
                "data-max-rows": "3",
            },
        ),
        ("tags", {"suggestions": ["x"]}, {"data-suggestions": '["x"]'}),
        ("date_range", {}, {}),
        (
            "map_point",
            {"default_center": [1, 2], "default_zoom": 4},
            {"data-default-center": "[1.0,2.0]", "data-default-zoom": "4"},
        ),
        ("map_bbox", {}, {}),
        ("map_polygon", {}, {}),
        ("map_multipoint", {}, {}),
    ],
)
def test_json_bridged_types_are_text_boxes_with_a_hint(
    kind: str, extra: dict[str, Any], data: dict[str, str]
) -> None:
    spec = tool(field_(kind, required=False, **extra))
    page = render(spec, {"v": "[1]"})
    node = page.one("textarea", name="v")
    assert textarea_value(node) == "[1]"
    assert node.get("data-widget") == kind
    assert {name: node.get(name) for name in data} == data
    hint = page.one("p", class_="field-hint")
    assert hint.full_text()
    assert node.get("aria-describedby") == hint.get("id")


def test_table_hint_names_the_columns_and_limits() -> None:
    spec = tool(field_("table", columns=COLUMNS[:2], min_rows=1, max_rows=4))
    assert render(spec).one("p", class_="field-hint").full_text() == (
        'JSON: a list of rows, each an object with the keys "name" (string), "qty" (integer). '
        "From 1 to 4 rows."
    )


def test_tags_show_as_comma_text() -> None:
    spec = tool(field_("tags"))
    assert textarea_value(render(spec, form_values(spec, {"v": ["a", "b c"]})).one("textarea")) == "a, b c"


@pytest.mark.parametrize(
    ("kind", "extra", "language"),
    [("code", {"language": "python"}, "python"), ("code", {}, "text"), ("markdown", {}, "markdown")],
)
def test_code_and_markdown(kind: str, extra: dict[str, Any], language: str) -> None:
    node = render(tool(field_(kind, **extra)), {"v": "x"}).one("textarea", name="v")
    assert (node.get("class"), node.get("data-language"), node.get("data-widget")) == (
        "monospace",
        language,
        kind,
    )


def test_autocomplete() -> None:
    node = render(tool(field_("autocomplete", endpoint="/autocomplete/cities")), {"v": "Ro"}).one(
        "input", name="v"
    )
    assert (node.get("type"), node.get("value")) == ("text", "Ro")
    assert node.get("data-autocomplete-endpoint") == "/autocomplete/cities"
    assert node.get("autocomplete") == "off"


def test_hidden() -> None:
    page = render(tool(field_("hidden", default="abc")), {"v": "abc"})
    node = page.one("input", name="v")
    assert (node.get("type"), node.get("value")) == ("hidden", "abc")
    assert wrapper(page, "v").has("hidden")
    assert page.all("label") == []


def test_every_type_renders_a_named_control() -> None:
    spec = all_inputs()
    page = render(spec, form_values(spec, full_sample()))
    for item in spec.inputs:
        names = {
            node.attrs.get("name")
            for node in wrapper(page, item.key).walk()
            if node.tag in ("input", "select", "textarea")
        }
        assert item.key in names, item.type
