from __future__ import annotations

import pytest

from shared.toolstream.sse import SSEParser, SSEvent, format_comment, format_event

STREAM = (
    "event: progress\ndata: 0.5\n\n"
    ": keep-alive\n\n"
    'data: {"chunk": "héllo"}\n\n'
    "data: line one\ndata: line two\nid: 7\n\n"
    "event: done\r\ndata: {}\r\n\r\n"
)
EXPECTED = [
    SSEvent("progress", "0.5"),
    SSEvent(None, '{"chunk": "héllo"}'),
    SSEvent(None, "line one\nline two", "7"),
    SSEvent("done", "{}", "7"),
]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11, 64, 10_000])
def test_events_survive_any_chunking(size: int) -> None:
    parser = SSEParser()
    events = []
    for start in range(0, len(STREAM), size):
        events.extend(parser.feed(STREAM[start : start + size]))
    events.extend(parser.close())
    assert events == EXPECTED


def test_an_unterminated_last_event_counts_at_close() -> None:
    parser = SSEParser()
    assert parser.feed("data: tail") == []
    assert parser.close() == [SSEvent(None, "tail")]
    assert SSEParser().close() == []


def test_cr_line_endings() -> None:
    parser = SSEParser()
    # A final CR might be half of a CRLF, so the last event completes at the next chunk or at close.
    assert parser.feed("data: a\r\rdata: b\r\r") == [SSEvent(None, "a")]
    assert parser.close() == [SSEvent(None, "b")]


def test_format_event_puts_each_line_on_its_own_data_line() -> None:
    assert (
        format_event("a\nb", event="output-x", event_id="3")
        == b"id: 3\nevent: output-x\ndata: a\ndata: b\n\n"
    )
    assert SSEParser().feed(format_event("<p>\n</p>", event="x").decode()) == [SSEvent("x", "<p>\n</p>")]
    assert format_comment() == b": keep-alive\n\n"
