"""Turning a tool's stdout/stderr bytes into lines that are safe to log, store and show.

The original kept raw stderr in memory and copied it, unmasked, into run errors and validation
reports. Here every line passes through ``SecretMasker`` before anyone sees it, and the
``LineAssembler`` is careful at the two places where a secret could slip through whole-line
masking: a secret split across two read chunks, and a secret split across the pieces of a line
too long to keep. Memory stays bounded even for a tool that prints megabytes without a newline.

Everything here is pure: the supervisor feeds bytes in and takes lines out.
"""

from __future__ import annotations

import codecs
from collections import deque
from collections.abc import Iterable

from shared.secrets import MASK, MIN_LENGTH, strings_to_mask

CONTINUED = " …[continued]"
TRUNCATED = " …[truncated]"

Span = tuple[int, int]


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Union of overlapping spans, in order. Touching spans stay apart (each shows its own mask)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class SecretMasker:
    """Replaces known secret values with ``***``, as ``shared.secrets`` chooses them.

    ``min_length`` may not be below the mask's own length, so masking never makes text longer
    (the line assembler's size limits rely on that). Overlapping occurrences are masked as one,
    so no fragment of either survives.
    """

    def __init__(self, secrets: Iterable[str], min_length: int = MIN_LENGTH) -> None:
        if min_length < len(MASK):
            raise ValueError(f"min_length must be at least {len(MASK)}, got {min_length}")
        self._secrets = strings_to_mask(secrets, min_length)

    @property
    def longest(self) -> int:
        return len(self._secrets[0]) if self._secrets else 0

    def spans(self, text: str) -> list[Span]:
        """Where secrets occur in ``text``, merged, as ``(start, end)`` pairs."""
        found: list[Span] = []
        for secret in self._secrets:
            start = text.find(secret)
            while start >= 0:
                found.append((start, start + len(secret)))
                start = text.find(secret, start + 1)
        return _merge(found) if found else found

    def mask(self, text: str) -> str:
        return _render(text, self.spans(text), hidden_prefix=False)


def _render(text: str, spans: list[Span], *, hidden_prefix: bool) -> str:
    """``text`` with each span replaced by the mask. With ``hidden_prefix`` a span starting at 0 is
    the rest of a secret whose mask was already shown, so it is dropped instead."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append("" if hidden_prefix and start == 0 else MASK)
        last = end
    parts.append(text[last:])
    return "".join(parts)


class LineAssembler:
    """Byte chunks in, complete masked lines out.

    UTF-8 is decoded incrementally (a character split between chunks decodes whole; bad bytes
    become U+FFFD) and ``\\r\\n`` endings lose their ``\\r``. A line longer than ``max_line`` is
    emitted in pieces of at most ``max_line`` characters (plus the marker), each but the last
    ending in ``CONTINUED``; the last piece is always emitted, so a reader can rejoin them.

    A piece is never cut inside a secret: the cut moves back to where the secret starts, and to
    decide that safely the assembler holds back up to ``masker.longest`` characters. Only a run
    of overlapping secrets longer than a whole piece is cut inside; its mask is shown once and
    its remainder is carried over as hidden. Given the same bytes, the lines are the same
    however they were chunked.
    """

    def __init__(self, masker: SecretMasker, max_line: int = 65536) -> None:
        if max_line < 1:
            raise ValueError(f"max_line must be positive, got {max_line}")
        self._masker = masker
        self._max_line = max_line
        # A cut at max_line is safe once every secret that could span it is visible...
        self._window = max_line + max(masker.longest - 1, 0)
        # ...and, while no newline has arrived, once the line is surely too long even if its
        # last character turns out to be the \r of a \r\n.
        self._needed = max_line + max(masker.longest, 2)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._hidden = 0  # leading characters of _pending inside a secret whose mask was shown
        self._in_pieces = False  # a piece of the current line has been emitted

    @property
    def pending_chars(self) -> int:
        """Characters held back waiting for the rest of their line (bounded by max_line + longest)."""
        return len(self._pending)

    def feed(self, chunk: bytes) -> list[str]:
        return self._consume(self._decoder.decode(chunk), final=False)

    def flush(self) -> list[str]:
        """The rest at end of file: the last line even without a newline."""
        return self._consume(self._decoder.decode(b"", final=True), final=True)

    def _consume(self, text: str, *, final: bool) -> list[str]:
        buffer = self._pending + text if self._pending else text
        out: list[str] = []
        pos = 0
        while (newline := buffer.find("\n", pos)) >= 0:
            self._finish_line(buffer, pos, _strip_cr(buffer, pos, newline), out)
            pos = newline + 1
        if final:
            if pos < len(buffer) or self._in_pieces:
                self._finish_line(buffer, pos, _strip_cr(buffer, pos, len(buffer)), out)
            pos = len(buffer)
        else:
            while len(buffer) - pos >= self._needed:
                pos = self._cut(buffer[pos : pos + self._window], out) + pos
        self._pending = buffer[pos:]
        return out

    def _spans(self, text: str) -> list[Span]:
        spans = self._masker.spans(text)
        if self._hidden:
            spans = _merge([(0, min(self._hidden, len(text))), *spans])
        return spans

    def _cut(self, window: str, out: list[str]) -> int:
        """Emit one piece from the start of ``window``; return how many characters it used."""
        spans = self._spans(window)
        cut, hidden = self._max_line, 0
        for start, end in spans:
            if start < cut < end:
                if start > 0:
                    cut = start  # keep the secret whole for the next piece
                else:
                    hidden = end - cut  # a masked run longer than a piece
                break
        clipped = [(start, min(end, cut)) for start, end in spans if start < cut]
        piece = _render(window[:cut], clipped, hidden_prefix=self._hidden > 0)
        if piece:
            out.append(piece + CONTINUED)
            self._in_pieces = True
        self._hidden = hidden
        return cut

    def _finish_line(self, buffer: str, start: int, end: int, out: list[str]) -> None:
        while end - start > self._max_line:
            start += self._cut(buffer[start : min(end, start + self._window)], out)
        rest = buffer[start:end]
        out.append(_render(rest, self._spans(rest), hidden_prefix=self._hidden > 0))
        self._hidden = 0
        self._in_pieces = False


def _strip_cr(buffer: str, start: int, end: int) -> int:
    return end - 1 if end > start and buffer[end - 1] == "\r" else end


class OutputTail:
    """The last lines a tool printed, for error messages and the launcher's state.

    Bounded twice: by line count and by total characters, dropping the oldest first. A single
    line larger than the whole budget is cut short and marked with ``TRUNCATED``.
    """

    def __init__(self, max_lines: int = 200, max_chars: int = 65536) -> None:
        if max_lines < 1 or max_chars < 1:
            raise ValueError("max_lines and max_chars must be positive")
        self._max_lines = max_lines
        self._max_chars = max_chars
        self._entries: deque[tuple[str, str]] = deque()
        self._chars = 0
        self.total = 0
        """Lines ever appended: a mark to ask later for the lines printed after it (``since``)."""

    def append(self, stream: str, line: str) -> None:
        if len(line) > self._max_chars:
            keep = self._max_chars - len(TRUNCATED)
            line = line[:keep] + TRUNCATED if keep > 0 else line[: self._max_chars]
        self._entries.append((stream, line))
        self._chars += len(line)
        self.total += 1
        while len(self._entries) > self._max_lines or self._chars > self._max_chars:
            self._chars -= len(self._entries.popleft()[1])

    def entries(self) -> list[tuple[str, str]]:
        """``(stream, line)`` pairs, oldest first."""
        return list(self._entries)

    def lines(self) -> list[str]:
        return [line for _, line in self._entries]

    def since(self, mark: int) -> list[str]:
        """The lines appended after ``total`` was ``mark``, as far as they are still held."""
        first_held = self.total - len(self._entries)
        skip = max(0, mark - first_held)
        return [line for _, line in list(self._entries)[skip:]]

    def text(self, last: int | None = None) -> str:
        """The last ``last`` lines (all when None) joined by newlines."""
        lines = self.lines()
        if last is not None:
            lines = lines[-last:] if last > 0 else []
        return "\n".join(lines)

    def clear(self) -> None:
        self._entries.clear()
        self._chars = 0
        self.total = 0
