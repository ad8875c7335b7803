"""Every input widget driven in a real browser, as a person would, against the every-input fixture.

The fixture tool (tests/fixtures/tools/every-input) declares one input of each of the 28 types
(plus a range slider) and echoes the inputs it received as JSON in its one output. The main test
fills every input by typing, clicking, dragging on maps, adding tags, editing the table, choosing
files and picking from the autocomplete list, runs the tool from the page, and checks the echo
equals what was entered, files as data URLs included. The others cover show_if, the live JSON
check, the browser's refusal of an over-size file and the per-field hints that stop a post.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.browser.support import PageOpener, axe_check, screenshot, set_theme, start_pixie
from tests.support.system import PixieSystem

pytestmark = pytest.mark.timeout(150)

TOOL = "tests/fixtures/tools/every-input"
TOOL_ID = "every-input"
READY_TIMEOUT_MS = 20_000  # the first editor and map on a page wait for CodeMirror and Leaflet to load
RUN_TIMEOUT_MS = 30_000
MIB = 1024 * 1024
MAPS = ("where", "area", "zone", "stops")
EDITORS = ("config", "script", "readme")
DROPPED_FILES = """() => {
  const transfer = new DataTransfer();
  transfer.items.add(new File(["a,b\\n1,2\\n"], "one.csv", { type: "text/csv" }));
  transfer.items.add(new File(["hello"], "two.txt", { type: "text/plain" }));
  return transfer;
}"""


def png_bytes() -> bytes:
    """A 2x2 red PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def wav_bytes() -> bytes:
    """A short silent 8-bit mono WAV."""
    frames = b"\x80" * 800
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(frames))
        + frames
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def api_run(system: PixieSystem, inputs: dict[str, Any]) -> None:
    response = system.http.post(f"/api/tools/{TOOL_ID}/run", json={"inputs": inputs}, timeout=90)
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PixieSystem]:
    with start_pixie(tmp_path_factory.mktemp("inputs"), tools=[TOOL]) as system:
        api_run(system, {"name": "warm"})  # builds the tool's environment: runs from the page are quick
        yield system


def field(page: Page, key: str) -> Locator:
    return page.locator(f'.field[data-input-key="{key}"]')


def open_form(open_page: PageOpener, system: PixieSystem) -> Page:
    """The tool page once every widget that loads a library is drawn. The page shows the inputs of
    the tool's last run, so a run with only the name given comes first: each test starts alike."""
    api_run(system, {"name": "Reset"})
    page = open_page(system, f"/tool/{TOOL_ID}")
    for key in EDITORS:
        expect(field(page, key).locator(".CodeMirror")).to_have_count(1, timeout=READY_TIMEOUT_MS)
    for key in MAPS:
        surface = field(page, key).locator(".map-input-surface")
        expect(surface).to_have_attribute("data-ready", "true", timeout=READY_TIMEOUT_MS)
    return page


def run_and_read(page: Page) -> dict[str, Any]:
    """Click Run and return the inputs the tool echoed."""
    with page.expect_response(lambda r: r.url.endswith(f"/tool/{TOOL_ID}/run")) as posted:
        page.get_by_role("button", name="Run", exact=True).click()
    response = posted.value
    assert response.status == 200
    run_id = response.header_value("X-Pixie-Run-Id")
    status = page.locator(f'#output-panel #run-status[data-run-id="{run_id}"]')
    expect(status).to_have_attribute("data-status", "ok", timeout=RUN_TIMEOUT_MS)
    code = page.locator('.output-card[data-output-key="received"] pre code')
    received: dict[str, Any] = json.loads(code.text_content() or "null")
    return received


def type_in_editor(page: Page, key: str, text: str) -> None:
    field(page, key).locator(".CodeMirror").click()
    page.keyboard.type(text)


def map_click(page: Page, key: str, dx: float = 0, dy: float = 0) -> None:
    surface = field(page, key).locator(".map-input-surface")
    box = surface.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def map_value(page: Page, key: str) -> Any:
    return json.loads(field(page, key).locator("textarea").input_value())


def fill_maps(page: Page) -> dict[str, Any]:
    """Click, drag and finish on the four maps; returns the values their text boxes show."""
    where = field(page, "where")
    where.locator(".map-input-surface").scroll_into_view_if_needed()
    map_click(page, "where")
    expect(where.locator(".map-input-status")).to_contain_text("Point set at")

    area = field(page, "area").locator(".map-input-surface")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 60, cy + 40)
    page.mouse.down()
    page.mouse.move(cx, cy, steps=4)
    page.mouse.move(cx + 60, cy - 40, steps=4)
    page.mouse.up()
    expect(field(page, "area").locator(".map-input-status")).to_contain_text("Box from")

    zone = field(page, "zone")
    zone.locator(".map-input-surface").scroll_into_view_if_needed()
    for dx, dy in ((-50, 30), (50, 30)):
        map_click(page, "zone", dx, dy)
    expect(zone.locator(".map-input-status")).to_contain_text("Corner 2 added")
    surface = zone.locator(".map-input-surface").bounding_box()
    assert surface is not None
    page.mouse.dblclick(surface["x"] + surface["width"] / 2, surface["y"] + surface["height"] / 2 - 40)
    expect(zone.locator(".map-input-status")).to_have_text("Shape finished with 3 corners.")
    expect(zone.locator(".leaflet-overlay-pane path.map-input-shape")).to_have_count(1)

    stops = field(page, "stops")
    stops.locator(".map-input-surface").scroll_into_view_if_needed()
    map_click(page, "stops", -40, 0)
    map_click(page, "stops", 40, 0)
    expect(stops.locator(".map-input-status")).to_contain_text("Point 2 added")

    values = {key: map_value(page, key) for key in MAPS}
    lat, lng = values["where"]
    assert abs(lat - 20) < 1.5, values["where"]  # the map's centre
    assert abs(lng - 10) < 1.5, values["where"]
    (south, west), (north, east) = values["area"]
    assert south < 20 < north, values["area"]
    assert west < 10 < east, values["area"]
    assert len(values["zone"]) == 3
    assert len(values["stops"]) == 2
    return values


def test_every_input_reaches_the_tool_as_entered(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_form(open_page, system)
    csv_a = b"a,b\n1,2\n"
    text_b = b"hello\n"
    png = png_bytes()
    wav = wav_bytes()

    page.get_by_role("textbox", name="Name").fill("Ada Lovelace")
    page.get_by_role("textbox", name="Notes").fill("line one\nline two")
    page.get_by_role("spinbutton", name="Count").fill("7")

    level = page.get_by_role("slider", name="Level")
    for _ in range(3):
        level.press("ArrowRight")
    exact = page.get_by_role("spinbutton", name="Level: exact value")
    expect(exact).to_have_value("8")
    exact.fill("12")  # typed past the top: the slider's limit applies
    exact.press("Enter")
    expect(exact).to_have_value("10")
    expect(level).to_have_value("10")
    exact.fill("8")
    exact.press("Enter")
    expect(level).to_have_value("8")

    band = field(page, "band")
    low = band.get_by_role("slider", name="Band, low end")
    low.press("ArrowRight")
    low.press("ArrowRight")
    band.get_by_role("slider", name="Band, high end").press("ArrowLeft")
    expect(band.get_by_role("spinbutton", name="Band, low end")).to_have_value("30")
    expect(band.get_by_role("spinbutton", name="Band, high end")).to_have_value("75")

    size = page.get_by_role("combobox", name="Size")
    expect(size).to_have_attribute("placeholder", re.compile(r"^Type to search \d+ options$"))
    size.fill("thr")
    expect(page.get_by_role("option", name="Three")).to_be_visible()
    size.press("ArrowDown")
    size.press("Enter")
    expect(size).to_have_value("Three")

    fruits = field(page, "fruits")
    fruits.get_by_role("searchbox", name="Filter Fruits").fill("an")
    expect(fruits.get_by_role("checkbox", name="Apple")).to_be_hidden()
    fruits.get_by_role("checkbox", name="Banana").check()
    fruits.get_by_role("searchbox", name="Filter Fruits").fill("")
    fruits.get_by_role("checkbox", name="Cherry").check()
    expect(fruits.locator(".choice-summary")).to_have_text("2 chosen: Banana, Cherry")

    page.get_by_role("checkbox", name="I agree").check()
    expect(field(page, "labels")).to_be_hidden()
    page.get_by_role("switch", name="Advanced options").check()
    labels = field(page, "labels")
    expect(labels).to_be_visible()
    entry = labels.get_by_role("textbox", name="Labels")
    entry.fill("red")
    entry.press("Enter")
    entry.type("big, small,")
    labels.get_by_role("button", name="Add blue").click()
    labels.get_by_role("button", name="Remove big").click()
    expect(labels.locator(".tag-chip > span")).to_have_text(["red", "small", "blue"])

    page.get_by_role("radio", name="Fast").check()
    page.get_by_label("Day").fill("2026-03-04")
    page.get_by_label("Alarm").fill("09:30")
    page.get_by_label("Meeting").fill("2026-03-04T09:30")
    page.get_by_label("Trip, start").fill("2026-05-01")
    page.get_by_label("Trip, end").fill("2026-05-09")

    files = field(page, "data")
    files.locator("input[type=file]").set_input_files(
        [
            FilePayload(name="a.csv", mimeType="text/csv", buffer=csv_a),
            FilePayload(name="b.txt", mimeType="text/plain", buffer=text_b),
        ]
    )
    expect(files.locator(".file-name")).to_have_text(["a.csv", "b.txt"])
    photo = field(page, "photo")
    photo.locator("input[type=file]").set_input_files(
        FilePayload(name="red.png", mimeType="image/png", buffer=png)
    )
    expect(photo.get_by_role("img", name="Preview of red.png")).to_be_visible()
    voice = field(page, "voice")
    voice.locator("input[type=file]").set_input_files(
        FilePayload(name="hush.wav", mimeType="audio/wav", buffer=wav)
    )
    expect(voice.locator("audio.file-player")).to_have_count(1)

    hex_box = page.get_by_role("textbox", name="Accent colour (hex)")
    hex_box.fill("#12ab34")
    expect(field(page, "accent").locator("input[type=color]")).to_have_value("#12ab34")

    type_in_editor(page, "config", '{"a": [1, 2], "b": ')
    status = field(page, "config").locator(".json-status")
    expect(status).to_contain_text("Not valid JSON: line 1")
    page.keyboard.type("true}")
    expect(status).to_have_text("Valid JSON")
    type_in_editor(page, "script", "print('hi')")
    type_in_editor(page, "readme", "# Title")

    fruit = page.get_by_role("combobox", name="Favourite fruit")
    fruit.press_sequentially("gra")
    page.get_by_role("option", name="Grapefruit").click()
    expect(fruit).to_have_value("Grapefruit")

    table = field(page, "items")
    table.get_by_role("textbox", name="Item, row 1").fill("Nails")
    table.get_by_role("spinbutton", name="Quantity, row 1").fill("3")
    table.get_by_role("spinbutton", name="Price, row 1").fill("2.5")
    table.get_by_role("checkbox", name="Paid, row 1").check()
    table.get_by_role("button", name="Add row").click()
    expect(table.get_by_role("textbox", name="Item, row 2")).to_be_focused()
    page.keyboard.type("Screws")
    table.get_by_role("spinbutton", name="Quantity, row 2").fill("10")

    maps = fill_maps(page)
    axe_check(page)
    previous = set_theme(page, "dark")
    axe_check(page)
    set_theme(page, previous or "light")
    screenshot(page, "inputs-filled")

    received = run_and_read(page)
    assert received == {
        "name": "Ada Lovelace",
        "notes": "line one\nline two",
        "count": 7,
        "level": 8.0,
        "band": [30.0, 75.0],
        "size": 3,
        "fruits": ["banana", "cherry"],
        "agree": True,
        "advanced": True,
        "labels": ["red", "small", "blue"],
        "speed": "fast",
        "day": "2026-03-04",
        "alarm": "09:30",
        "meeting": "2026-03-04T09:30",
        "trip": ["2026-05-01", "2026-05-09"],
        "data": [data_url("text/csv", csv_a), data_url("text/plain", text_b)],
        "photo": data_url("image/png", png),
        "voice": data_url("audio/wav", wav),
        "accent": "#12ab34",
        "config": {"a": [1, 2], "b": True},
        "script": "print('hi')",
        "readme": "# Title",
        "fruit_name": "grapefruit",
        "items": [
            {"name": "Nails", "qty": 3, "price": 2.5, "paid": True},
            {"name": "Screws", "qty": 10, "paid": False},
        ],
        **maps,
        "token": "abc123",
    }


def test_a_plain_textarea_is_written_in_the_pages_font(system: PixieSystem, open_page: PageOpener) -> None:
    """Only a textarea marked ``monospace`` (and code or markdown) uses the fixed-width font."""
    page = open_form(open_page, system)
    font = "el => getComputedStyle(el).fontFamily"
    notes = field(page, "notes").locator("textarea")
    assert "mono" not in notes.evaluate(font).lower()
    assert notes.evaluate(font) == page.locator("body").evaluate(font)


def test_show_if_hides_a_field_that_then_does_not_block_the_run(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_form(open_page, system)
    page.get_by_role("textbox", name="Name").fill("Grace")
    labels = field(page, "labels")
    toggle = page.get_by_role("switch", name="Advanced options")
    expect(labels).to_be_hidden()

    toggle.check()
    expect(labels).to_be_visible()
    # Shown, the required tags stop the run, with the reason under the field.
    page.get_by_role("button", name="Run", exact=True).click()
    entry = labels.get_by_role("textbox", name="Labels")
    expect(entry).to_be_focused()
    expect(labels.locator(".field-client-error")).to_have_text("Add at least one tag.")
    expect(entry).to_have_attribute("aria-invalid", "true")
    entry.fill("urgent")
    entry.press("Enter")
    expect(labels.locator(".field-client-error")).to_have_count(0)

    toggle.uncheck()
    expect(labels).to_be_hidden()
    received = run_and_read(page)
    assert received["advanced"] is False
    assert received["labels"] == ["urgent"]  # hidden fields still post (tool contract 3.5)

    toggle.check()
    labels.get_by_role("button", name="Remove urgent").click()
    toggle.uncheck()
    received = run_and_read(page)  # hidden and empty: not asked for
    assert "labels" not in received


def test_json_is_checked_as_it_is_typed(system: PixieSystem, open_page: PageOpener) -> None:
    page = open_form(open_page, system)
    page.get_by_role("textbox", name="Name").fill("Linus")
    config = field(page, "config")
    status = config.locator(".json-status")
    expect(status).to_be_empty()
    type_in_editor(page, "config", '{\n"a": 1,\n"b": }')
    # The editor indents the lines after "{" by two spaces.
    expect(status).to_have_text("Not valid JSON: line 3, column 8: expected a value, found '}'.")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(config.locator(".field-client-error")).to_contain_text("Not valid JSON: line 3")
    page.keyboard.press("ArrowLeft")
    page.keyboard.type("null")
    expect(status).to_have_text("Valid JSON")
    expect(config.locator(".field-client-error")).to_have_count(0)
    assert run_and_read(page)["config"] == {"a": 1, "b": None}


def test_files_over_the_size_limit_or_of_another_type_are_refused_in_the_browser(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_form(open_page, system)
    files = field(page, "data")
    chooser = files.locator("input[type=file]")
    chooser.set_input_files(FilePayload(name="small.csv", mimeType="text/csv", buffer=b"x\n"))
    expect(files.locator(".file-name")).to_have_text(["small.csv"])

    big = FilePayload(name="big.csv", mimeType="text/csv", buffer=b"x" * (MIB + 1))
    chooser.set_input_files(big)
    alert = files.get_by_role("alert")
    expect(alert).to_have_text(
        "“big.csv” was not added: it is 1,048,577 bytes, and Data files takes files up to 1 MB."
    )
    expect(files.locator(".file-name")).to_have_text(["small.csv"])  # the earlier file stays
    assert chooser.evaluate("input => Array.from(input.files, (file) => file.name)") == ["small.csv"]

    chooser.set_input_files(FilePayload(name="notes.pdf", mimeType="application/pdf", buffer=b"%PDF"))
    expect(alert).to_have_text("“notes.pdf” was not added: Data files accepts .csv,.txt.")

    files.get_by_role("button", name="Remove small.csv").click()
    expect(files.locator(".file-item")).to_have_count(0)
    assert chooser.evaluate("input => input.files.length") == 0

    # Dropped files join the list (this input takes several) and become the chooser's files.
    dropped = page.evaluate_handle(DROPPED_FILES)
    files.locator(".drop-zone").dispatch_event("dragenter", {"dataTransfer": dropped})
    expect(files.locator(".drop-zone")).to_have_class(re.compile(r"\bis-dragover\b"))
    files.locator(".drop-zone").dispatch_event("drop", {"dataTransfer": dropped})
    expect(files.locator(".file-name")).to_have_text(["one.csv", "two.txt"])
    expect(files.locator(".drop-zone")).not_to_have_class(re.compile(r"\bis-dragover\b"))
    assert chooser.evaluate("input => Array.from(input.files, (file) => file.name)") == ["one.csv", "two.txt"]

    photo = field(page, "photo")
    photo.locator("input[type=file]").set_input_files(
        FilePayload(name="huge.png", mimeType="image/png", buffer=b"\x89PNG" + bytes(3 * MIB))
    )
    expect(photo.get_by_role("alert")).to_have_text(
        "“huge.png” was not added: it is 3.0 MB, and Photo takes files up to 2 MB."
    )
    expect(photo.locator(".file-item")).to_have_count(0)


def test_browser_checks_stop_the_run_with_a_message_under_each_field(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_form(open_page, system)
    page.get_by_role("textbox", name="Name").fill("")
    page.get_by_role("spinbutton", name="Count").fill("500")
    page.get_by_role("textbox", name="Accent colour (hex)").fill("blue-ish")
    page.get_by_role("button", name="Run", exact=True).click()
    name = page.get_by_role("textbox", name="Name")
    expect(name).to_be_focused()
    for key in ("name", "count", "accent"):
        expect(field(page, key).locator(".field-client-error")).not_to_be_empty()
    expect(field(page, "accent").locator(".field-client-error")).to_have_text(
        "Enter a colour as #rrggbb, for example #3366ff."
    )
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#announcer")).to_contain_text("Name: ")  # the first problem is announced
    name.fill("Ada")
    expect(field(page, "name").locator(".field-client-error")).to_have_count(0)
    expect(name).not_to_have_attribute("aria-invalid", "true")
    axe_check(page)


def test_a_server_error_comes_back_with_every_widget_set_up_again(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_form(open_page, system)
    page.get_by_role("textbox", name="Name").fill("Ada")
    type_in_editor(page, "script", "x = 1")
    page.get_by_role("textbox", name="Where").fill("[100, 5]")  # the map's text box: not a latitude
    page.get_by_role("button", name="Run", exact=True).click()
    where = field(page, "where")
    expect(where.locator(".field-error")).to_have_text(
        "Where must have a latitude between -90 and 90; got [100, 5]."
    )
    # The fields were drawn anew by the server: each widget set itself up again, values kept.
    expect(where.locator(".map-input-surface")).to_have_attribute(
        "data-ready", "true", timeout=READY_TIMEOUT_MS
    )
    expect(field(page, "script").locator(".CodeMirror")).to_have_count(1, timeout=READY_TIMEOUT_MS)
    expect(field(page, "script").locator(".CodeMirror-code")).to_have_text("1x = 1")
    expect(page.get_by_role("textbox", name="Name")).to_have_value("Ada")
    expect(field(page, "band").locator(".range-thumb")).to_have_count(2)

    page.get_by_role("textbox", name="Where").fill("")
    map_click(page, "where")
    received = run_and_read(page)
    assert received["script"] == "x = 1"
    assert received["where"] == map_value(page, "where")


def test_maps_tags_the_table_and_the_select_work_from_the_keyboard(
    system: PixieSystem, open_page: PageOpener
) -> None:
    page = open_form(open_page, system)
    page.get_by_role("textbox", name="Name").fill("Keys")

    size = page.get_by_role("combobox", name="Size")
    size.press("ArrowDown")  # opens the list on its first option
    expect(size).to_have_attribute("aria-expanded", "true")
    size.press("ArrowDown")
    size.press("Enter")
    expect(size).to_have_value("Two")

    page.get_by_role("switch", name="Advanced options").press("Space")
    entry = page.get_by_role("textbox", name="Labels")
    for tag in ("alpha", "beta"):
        entry.press_sequentially(tag)
        entry.press("Enter")
    entry.press("Backspace")
    expect(field(page, "labels").locator(".tag-chip > span")).to_have_text(["alpha"])

    table = field(page, "items")
    table.get_by_role("textbox", name="Item, row 1").press_sequentially("Glue")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    table.get_by_role("button", name="Add row").press("Enter")
    expect(table.get_by_role("textbox", name="Item, row 2")).to_be_focused()
    table.get_by_role("button", name="Remove row 2").press("Enter")
    expect(table.get_by_role("textbox", name="Item, row 1")).to_be_focused()

    where = page.get_by_role("application", name="Where: map")
    where.press("Enter")  # places the point at the map's centre
    expect(field(page, "where").locator(".map-input-status")).to_have_text("Point set at 20.0000, 10.0000.")
    zone = page.get_by_role("application", name="Zone: map")
    for key in ("Enter", "ArrowRight", "Enter", "ArrowDown", "Enter"):
        zone.press(key)  # the arrow keys pan the map, so each corner lands elsewhere
    field(page, "zone").get_by_role("button", name="Finish shape").press("Enter")
    expect(field(page, "zone").locator(".map-input-status")).to_have_text("Shape finished with 3 corners.")

    received = run_and_read(page)
    assert received["size"] == 2
    assert received["labels"] == ["alpha"]
    assert received["items"] == [{"name": "Glue", "qty": 2, "paid": False}]
    assert received["where"] == [20, 10]
    assert len(received["zone"]) == 3


def test_enter_during_a_keyboard_pan_places_the_corner_where_the_pan_ends(
    system: PixieSystem, open_page: PageOpener
) -> None:
    """Arrow key and Enter in one go: the corner waits for the pan instead of landing on the last."""
    page = open_form(open_page, system)
    zone = field(page, "zone").locator(".map-input-surface")
    zone.focus()
    zone.press("Enter")
    expect(field(page, "zone").locator(".map-input-status")).to_contain_text("Corner 1 added")
    for arrow in ("ArrowRight", "ArrowDown"):
        # Both keys are handled in one task, before a single animation frame can move the map.
        zone.evaluate(
            """(surface, arrow) => {
                const press = (key, code) => {
                    const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
                    Object.defineProperty(event, "keyCode", { get: () => code });
                    surface.dispatchEvent(event);
                };
                press(arrow, arrow === "ArrowRight" ? 39 : 40);
                press("Enter", 13);
            }""",
            arrow,
        )
    expect(field(page, "zone").locator(".map-input-status")).to_contain_text("Corner 3 added")
    corners = map_value(page, "zone")
    assert len(corners) == 3
    assert len({tuple(corner) for corner in corners}) == 3  # three different places
