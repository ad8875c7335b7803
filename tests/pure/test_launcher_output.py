from __future__ import annotations

import random
import tracemalloc
from collections.abc import Iterable

import pytest

from pixie_launcher.output import CONTINUED, MASK, TRUNCATED, LineAssembler, OutputTail, SecretMasker

# --- SecretMasker ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secrets", "text", "expected"),
    [
        ([], "nothing to hide", "nothing to hide"),
        (["hunter2"], "password is hunter2!", "password is ***!"),
        (["hunter2"], "hunter2hunter2 and hunter2", "****** and ***"),
        (["abcd", "cdef"], "xabcdefx", "x***x"),  # overlapping occurrences hide as one
        (["aaaa"], "aaaaaaa", "***"),
        (["token", "tokenXYZ"], "a tokenXYZ b token", "a *** b ***"),  # longest first
        (["12", "yes"], "12 yes", "12 yes"),  # shorter than min_length: ignored
        (["    ", "\t\t\t\t"], "a    b\t\t\t\tc", "a    b\t\t\t\tc"),  # blank values: ignored
        (["-----BEGIN-----\nAbCdEfGh\n-----END-----"], "AbCdEfGh", "***"),  # a line of a PEM key
        (["sécret🎉"], "[sécret🎉]", "[***]"),
        (["a.b*c"], "a.b*c axbxc", "*** axbxc"),  # literal, not a pattern
    ],
)
def test_mask(secrets: list[str], text: str, expected: str) -> None:
    assert SecretMasker(secrets).mask(text) == expected


def test_min_length_and_longest() -> None:
    assert SecretMasker([]).longest == 0
    assert SecretMasker(["abc", "abcdef", "x"]).longest == 6
    assert SecretMasker(["abc"]).mask("abc") == "abc"
    assert SecretMasker(["abc"], min_length=3).mask("abc") == MASK
    with pytest.raises(ValueError, match="min_length"):
        SecretMasker(["a"], min_length=1)


def test_spans_are_merged_and_ordered() -> None:
    masker = SecretMasker(["abcd", "cdef", "zzzz"])
    assert masker.spans("abcdef zzzzzzzz") == [(0, 6), (7, 15)]
    assert masker.spans("abcdabcd") == [(0, 4), (4, 8)]


# --- LineAssembler ---------------------------------------------------------------------------


def assemble(chunks: Iterable[bytes], masker: SecretMasker | None = None, max_line: int = 65536) -> list[str]:
    assembler = LineAssembler(masker or SecretMasker([]), max_line)
    lines: list[str] = []
    for chunk in chunks:
        lines += assembler.feed(chunk)
    return lines + assembler.flush()


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([b""], []),
        ([b"a\nb\n"], ["a", "b"]),
        ([b"a\nb"], ["a", "b"]),
        ([b"\n\n"], ["", ""]),
        ([b"a\r\nb\r\n"], ["a", "b"]),
        ([b"a\r", b"\nb"], ["a", "b"]),
        ([b"progress\r50%\rdone\n"], ["progress\r50%\rdone"]),
        ([b"last\r"], ["last"]),
        ([b"caf\xc3", b"\xa9\n"], ["café"]),
        ([b"bad \xff byte\n"], ["bad \ufffd byte"]),
        ([b"cut \xe2\x9c"], ["cut \ufffd"]),  # an unfinished character at EOF
        ([b"key=hun", b"ter2\n"], ["key=***"]),
    ],
)
def test_lines(chunks: list[bytes], expected: list[str]) -> None:
    assert assemble(chunks, SecretMasker(["hunter2"])) == expected


def test_feed_returns_only_complete_lines() -> None:
    assembler = LineAssembler(SecretMasker([]))
    assert assembler.feed(b"one\ntw") == ["one"]
    assert assembler.feed(b"o") == []
    assert assembler.feed(b"\nthree") == ["two"]
    assert assembler.flush() == ["three"]
    assert assembler.flush() == []


SAMPLE = (
    "plain line\r\n"
    "token=S3cr3t-Tok€n; again S3cr3t-Tok€n\n"
    "ünïcödé ✓ 🎉 and a bad byte: \udcff\n"
    "\n"
    "long: " + "x" * 25 + "S3cr3t-Tok€n" + "y" * 20 + "\n"
    "no newline at the end é"
).encode("utf-8", "surrogateescape")
SAMPLE_SECRETS = ["S3cr3t-Tok€n"]


@pytest.mark.parametrize("max_line", [65536, 16, 13])
def test_chunking_at_every_offset_gives_the_same_lines(max_line: int) -> None:
    masker = SecretMasker(SAMPLE_SECRETS)
    reference = assemble([SAMPLE], masker, max_line)
    assert not any("S3cr3t" in line for line in reference)
    if max_line == 65536:
        assert reference == [
            "plain line",
            "token=***; again ***",
            "ünïcödé ✓ 🎉 and a bad byte: \ufffd",
            "",
            "long: " + "x" * 25 + "***" + "y" * 20,
            "no newline at the end é",
        ]
    for offset in range(len(SAMPLE) + 1):
        assert assemble([SAMPLE[:offset], SAMPLE[offset:]], masker, max_line) == reference, offset
    assert assemble([bytes([b]) for b in SAMPLE], masker, max_line) == reference


def test_chunking_at_every_pair_of_offsets() -> None:
    masker = SecretMasker(SAMPLE_SECRETS)
    data = SAMPLE[:120]
    reference = assemble([data], masker, 16)
    for first in range(0, len(data) + 1, 3):
        for second in range(first, len(data) + 1):
            chunks = [data[:first], data[first:second], data[second:]]
            assert assemble(chunks, masker, 16) == reference, (first, second)


def logical_lines(pieces: list[str]) -> list[str]:
    """Rejoin pieces into lines, checking the continuation contract on the way."""
    lines, current = [], ""
    for piece in pieces:
        if piece.endswith(CONTINUED):
            current += piece.removesuffix(CONTINUED)
        else:
            lines.append(current + piece)
            current = ""
    assert current == "", "a split line must end with an unmarked piece"
    return lines


def check_long_line(line: str, secrets: list[str], max_line: int, offsets: Iterable[int]) -> None:
    masker = SecretMasker(secrets)
    data = (line + "\n").encode()
    for offset in offsets:
        pieces = assemble([data[:offset], data[offset:]], masker, max_line)
        for piece in pieces:
            assert len(piece.removesuffix(CONTINUED)) <= max_line
            assert not any(secret in piece for secret in secrets)
        # Rejoined, the pieces are exactly the masked line: no secret straddled a cut.
        assert logical_lines(pieces) == [masker.mask(line)], offset


@pytest.mark.parametrize("max_line", [4, 5, 6, 7, 8, 11, 12, 13, 20])
@pytest.mark.parametrize("position", range(0, 30, 1))
def test_a_secret_never_straddles_a_piece_boundary(max_line: int, position: int) -> None:
    secret = "SECRET1"
    line = "x" * position + secret + "y" * (30 - position) + secret
    check_long_line(line, [secret], max_line, range(len(line) + 2))


@pytest.mark.parametrize(
    ("line", "secrets"),
    [
        ("ab" * 40, ["abab"]),  # one masked run far longer than a piece
        ("x" + "ab" * 40 + "tail", ["abab"]),
        ("abcdefabcdef-abcdef", ["abcd", "cdef", "bcdefa"]),
        ("é" * 9 + "sécrét🎉" + "ü" * 9, ["sécrét🎉"]),
        ("aaaa" * 10 + "b", ["aaaa", "aaab"]),
    ],
)
@pytest.mark.parametrize("max_line", [3, 5, 8, 9])
def test_overlapping_and_multibyte_secrets_in_long_lines(
    line: str, secrets: list[str], max_line: int
) -> None:
    check_long_line(line, secrets, max_line, range(len(line.encode()) + 2))


def test_random_lines_and_chunks_never_leak() -> None:
    """A seeded fuzz: random lines built from secret fragments, random chunk sizes."""
    secrets = ["p4ss", "p4ssw0rd", "w0rdp4", "TOKENTOKEN"]
    masker = SecretMasker(secrets)
    rng = random.Random(7)
    fragments = [*secrets, "p4", "ss", "w0", "rd", "TOKEN", "x", " ", "é", "\r"]
    for _ in range(200):
        lines = ["".join(rng.choice(fragments) for _ in range(rng.randrange(0, 30))) for _ in range(3)]
        lines = [line.rstrip("\r") for line in lines]
        data = "\n".join(lines).encode()
        chunks, pos = [], 0
        while pos < len(data):
            size = rng.randrange(1, 12)
            chunks.append(data[pos : pos + size])
            pos += size
        max_line = rng.randrange(3, 20)
        pieces = assemble(chunks, masker, max_line)
        expected = [masker.mask(line) for line in lines]
        if lines[-1] == "":
            expected.pop()  # the text ended with a newline
        assert logical_lines(pieces) == expected
        assert all(len(piece.removesuffix(CONTINUED)) <= max_line for piece in pieces)


def test_a_long_line_is_split_into_marked_pieces() -> None:
    pieces = assemble([b"0123456789" * 3 + b"\nnext\n"], max_line=12)
    assert pieces == [
        "012345678901" + CONTINUED,
        "234567890123" + CONTINUED,
        "456789",
        "next",
    ]


def test_a_line_of_exactly_max_line_is_not_split() -> None:
    for chunks in ([b"abcdef\r\n"], [b"abcdef\r", b"\n"], [b"abcdef", b"\r", b"\n"]):
        assert assemble(chunks, max_line=6) == ["abcdef"]


def test_a_huge_line_without_newline_keeps_memory_bounded() -> None:
    max_line = 65536
    masker = SecretMasker(["secret-value"])
    assembler = LineAssembler(masker, max_line)
    chunk = (b"z" * 1000 + b"secret-value") * 64  # about 64 KiB, with secrets across boundaries
    emitted = 0
    tracemalloc.start()
    try:
        for _ in range(10 * 1024 * 1024 // len(chunk)):
            for piece in assembler.feed(chunk):
                assert piece.endswith(CONTINUED)
                assert "secret" not in piece
                emitted += 1
            assert assembler.pending_chars < max_line + masker.longest + 2
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert emitted >= 100
    assert peak < 16 * max_line  # a few copies of one piece (1 MiB), never the 10 MiB line
    last = assembler.flush()
    assert len(last) == 1
    assert not last[0].endswith(CONTINUED)


# --- OutputTail ------------------------------------------------------------------------------


def test_tail_keeps_the_last_lines() -> None:
    tail = OutputTail(max_lines=3, max_chars=1000)
    for n in range(5):
        tail.append("stderr" if n % 2 else "stdout", f"line {n}")
    assert tail.lines() == ["line 2", "line 3", "line 4"]
    assert tail.entries() == [("stdout", "line 2"), ("stderr", "line 3"), ("stdout", "line 4")]
    assert tail.text() == "line 2\nline 3\nline 4"
    assert tail.text(last=2) == "line 3\nline 4"
    assert tail.text(last=0) == ""
    assert tail.text(last=99) == tail.text()


@pytest.mark.parametrize(
    ("lines", "max_chars", "expected"),
    [
        (["aaaa", "bbbb", "cccc"], 8, ["bbbb", "cccc"]),
        (["aaaa", "bbbb", "cccc"], 12, ["aaaa", "bbbb", "cccc"]),
        (["aaaa", "bbbb", "cccccccc"], 8, ["cccccccc"]),
        (["aaaa", ""], 4, ["aaaa", ""]),
    ],
)
def test_tail_is_bounded_by_characters(lines: list[str], max_chars: int, expected: list[str]) -> None:
    tail = OutputTail(max_lines=100, max_chars=max_chars)
    for line in lines:
        tail.append("stdout", line)
    assert tail.lines() == expected


def test_a_huge_line_is_truncated_to_the_budget() -> None:
    tail = OutputTail(max_lines=10, max_chars=100)
    tail.append("stdout", "before")
    tail.append("stderr", "z" * 10_000)
    assert tail.lines() == ["z" * (100 - len(TRUNCATED)) + TRUNCATED]
    assert len(tail.text()) == 100
    tiny = OutputTail(max_lines=1, max_chars=5)
    tiny.append("stdout", "abcdefgh")
    assert tiny.lines() == ["abcde"]


def test_tail_clear_and_limits() -> None:
    tail = OutputTail()
    tail.append("stdout", "x")
    tail.clear()
    assert tail.lines() == []
    with pytest.raises(ValueError, match="positive"):
        OutputTail(max_lines=0)


def test_the_tail_gives_the_lines_printed_since_a_mark_as_far_as_it_holds_them() -> None:
    tail = OutputTail(max_lines=3)
    tail.append("stdout", "before")
    mark = tail.total
    assert tail.since(mark) == []
    tail.append("stderr", "one")
    tail.append("stderr", "two")
    assert tail.since(mark) == ["one", "two"]
    tail.append("stderr", "three")
    tail.append("stderr", "four")  # "before" and "one" are gone
    assert tail.since(mark) == ["two", "three", "four"]
    assert tail.since(tail.total) == []
