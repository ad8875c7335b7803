"""Reading and writing Server-Sent Events.

``SSEParser`` is incremental: it takes the tool's stream in whatever chunks the network delivers
and yields whole events, so a line split across two chunks is never misread (the original
rewrote event names chunk by chunk and broke on split lines). ``format_event`` writes one event,
putting every line of the data on its own ``data:`` line as the format requires.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SSEvent:
    event: str | None  # None for the default ("message") event
    data: str
    id: str | None = None


class SSEParser:
    def __init__(self) -> None:
        self._buffer = ""
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None

    def feed(self, text: str) -> list[SSEvent]:
        """Events completed by ``text`` (decoded UTF-8); the rest is kept for the next call."""
        self._buffer += text
        events: list[SSEvent] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                return events
            end, skip = cut
            line, self._buffer = self._buffer[:end], self._buffer[end + skip :]
            event = self._line(line)
            if event is not None:
                events.append(event)

    def close(self) -> list[SSEvent]:
        """At end of stream: an event not terminated by a blank line still counts."""
        events = self.feed("\n\n") if self._buffer or self._data else []
        return events

    def _line(self, line: str) -> SSEvent | None:
        if line == "":
            if not self._data and self._event is None:
                return None
            event = SSEvent(self._event, "\n".join(self._data), self._id)
            self._event, self._data = None, []
            return event
        if line.startswith(":"):
            return None  # a comment (keep-alive)
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self._event = value or None
        elif field == "data":
            self._data.append(value)
        elif field == "id":
            self._id = value
        return None


def _line_end(buffer: str) -> tuple[int, int] | None:
    """Where the first line ends (CRLF, LF or CR) and how many characters end it."""
    newline, carriage = buffer.find("\n"), buffer.find("\r")
    if carriage == -1 or (newline != -1 and newline < carriage):
        return None if newline == -1 else (newline, 1)
    if carriage + 1 == len(buffer):
        return None  # maybe the first half of CRLF: wait for more
    return carriage, 2 if buffer[carriage + 1] == "\n" else 1


def format_event(data: str, *, event: str | None = None, event_id: str | None = None) -> bytes:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


def format_comment(text: str = "keep-alive") -> bytes:
    return f": {text}\n\n".encode()
