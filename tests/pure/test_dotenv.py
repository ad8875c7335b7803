from __future__ import annotations

import random

import pytest

from shared.dotenv import format_dotenv, is_valid_key, parse_dotenv, parse_dotenv_report

# (text, expected values); the common cases agree with python-dotenv's own parser tests.
PARSES = [
    ("", {}),
    ("A=b", {"A": "b"}),
    ("A=b\nC=d", {"A": "b", "C": "d"}),
    ("A=b\r\nC=d\r\n", {"A": "b", "C": "d"}),
    ("A=b\rC=d", {"A": "b", "C": "d"}),
    (" A = b ", {"A": "b"}),
    ("A\t=\tb", {"A": "b"}),
    ("export A=b", {"A": "b"}),
    ("  export   A=b", {"A": "b"}),
    ("export export_a=1", {"export_a": "1"}),
    ("export=1", {"export": "1"}),
    ("# A=b", {}),
    ("   # A=b\n\n\nC=d", {"C": "d"}),
    ("A=b#c", {"A": "b#c"}),
    ("A=b #c", {"A": "b"}),
    ("A=b\t#c", {"A": "b"}),
    ("A= #c", {"A": ""}),
    ("A=  # comment", {"A": ""}),
    ("A=#b", {"A": "#b"}),
    ("A=b c", {"A": "b c"}),
    ("A=b  c ", {"A": "b  c"}),
    ("A=b\tc", {"A": "b\tc"}),
    ("A=", {"A": ""}),
    ("A=\nB=c", {"A": "", "B": "c"}),
    ("A=a=b=c", {"A": "a=b=c"}),
    ("A=à", {"A": "à"}),
    ("\ufeffA=b", {"A": "b"}),
    ("A=b\nA=c", {"A": "c"}),
    ("_x9=1", {"_x9": "1"}),
    # single quotes: literal, except \' and \\ as in python-dotenv
    ("A='b c '", {"A": "b c "}),
    ("A='b\\nc'", {"A": "b\\nc"}),
    ("A='b\\'c'", {"A": "b'c"}),
    ("A='C:\\path\\to'", {"A": "C:\\path\\to"}),
    ("A='$HOME #not a comment'", {"A": "$HOME #not a comment"}),
    ("A='b\nc'", {"A": "b\nc"}),
    ("A='' # empty", {"A": ""}),
    # double quotes: escapes, and values may span lines
    ('A="b c "', {"A": "b c "}),
    ('A="b\\nc"', {"A": "b\nc"}),
    ('A="b\\tc"', {"A": "b\tc"}),
    ('A="b\\"c"', {"A": 'b"c'}),
    ('A="b\\\\c"', {"A": "b\\c"}),
    ('A="ends with \\\\"', {"A": "ends with \\"}),
    ('A="b\\qc"', {"A": "b\\qc"}),
    ('A="b\nc"\nD=e', {"A": "b\nc", "D": "e"}),
    ('A="line1\r\nline2"', {"A": "line1\r\nline2"}),
    ('A="x" # comment', {"A": "x"}),
    ('A= "x"  ', {"A": "x"}),
    ('A="#x"', {"A": "#x"}),
    ('# comment\nA="b\nc"\nD=e\n', {"A": "b\nc", "D": "e"}),
]


@pytest.mark.parametrize(("text", "expected"), PARSES)
def test_parse(text: str, expected: dict[str, str]) -> None:
    values, problems = parse_dotenv_report(text)
    assert values == expected
    assert problems == []


# (text, values still read, the skipped lines' messages)
SKIPS = [
    ("A: b", {}, ["line 1: skipped: expected KEY=value (there is no '=')"]),
    ("JUST_A_NAME\nB=c", {"B": "c"}, ["line 1: skipped: expected KEY=value (there is no '=')"]),
    ("=value", {}, ["line 1: skipped: expected KEY=value"]),
    ("B=c\nmy-key=x\nD=e", {"B": "c", "D": "e"}, ["line 2: skipped: the name before '=' must be"]),
    ("1ABC=x", {}, ["line 1: skipped: the name before '=' must be"]),
    ("ÄPI=x", {}, ["line 1: skipped: the name before '=' must be"]),
    ('bad-key="multi\nline"\nB=c', {"B": "c"}, ["line 1: skipped: the name before '=' must be"]),
    ('A="\nB=c', {"B": "c"}, ["line 1: skipped: A: the quoted value has no closing quote"]),
    ("X=1\nA='open", {"X": "1"}, ["line 2: skipped: A: the quoted value has no closing quote"]),
    ('A="b"c\nD=e', {"D": "e"}, ["line 1: skipped: A: unexpected text after the closing quote"]),
    (
        "A=1\n\n  oops\n'B'=2\nC=3",
        {"A": "1", "C": "3"},
        ["line 3: skipped: expected KEY=value (there is no '=')", "line 4: skipped: the name before"],
    ),
]


@pytest.mark.parametrize(("text", "expected", "messages"), SKIPS)
def test_malformed_lines_are_skipped_and_reported(
    text: str, expected: dict[str, str], messages: list[str]
) -> None:
    values, problems = parse_dotenv_report(text)
    assert values == expected
    assert parse_dotenv(text) == expected
    assert len(problems) == len(messages)
    for problem, message in zip(problems, messages, strict=True):
        assert problem.startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "sk-live-S3CRET-VALUE",  # a secret pasted alone on a line
        "S3CRET_VALUE_ALONE",
        "bad-key=S3CRET",
        'API_KEY="S3CRET',
        'API_KEY="S3CRET" trailing',
        "API_KEY: S3CRET",
    ],
)
def test_reports_never_quote_the_line(text: str) -> None:
    _, problems = parse_dotenv_report(text)
    assert len(problems) == 1
    assert "S3CRET" not in problems[0]


@pytest.mark.parametrize(
    ("key", "valid"),
    [("A", True), ("_", True), ("a_b9", True), ("9a", False), ("a-b", False), ("", False), ("a b", False)],
)
def test_key_rule(key: str, valid: bool) -> None:
    assert is_valid_key(key) is valid


def test_format_is_sorted_double_quoted_and_escaped() -> None:
    text = format_dotenv({"B": 'say "hi"', "A": "back\\slash", "C": "two\nlines\r", "D": ""})
    assert text == 'A="back\\\\slash"\nB="say \\"hi\\""\nC="two\\nlines\\r"\nD=""\n'
    assert format_dotenv({}) == ""


@pytest.mark.parametrize("key", ["bad-key", "", "1A", "A B"])
def test_format_refuses_keys_that_would_not_read_back(key: str) -> None:
    with pytest.raises(ValueError, match="not a valid environment variable name"):
        format_dotenv({key: "x"})


ROUND_TRIP_VALUES = [
    "",
    " ",
    "plain",
    "  padded  ",
    "#",
    " # not a comment",
    "a #b",
    '"',
    '""',
    "'",
    "'quoted'",
    '"quoted"',
    "\\",
    "\\\\",
    "ends with backslash\\",
    '\\"',
    "\\n literally",
    "\n",
    "\r\n",
    "\r",
    "multi\nline\nvalue\n",
    "\t tab \t",
    "=",
    "a=b",
    "${HOME} $USER",
    "`cmd` $(cmd)",
    "üñíçødé ✓ 🎉",
    "\x00\x01\x1b[31m",
    "\u2028\u2029\x0b\x0c\x85",
    "\ufeff",
    "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
    "x" * 10_000,
]


def test_round_trip_table() -> None:
    values = {f"K{index}": value for index, value in enumerate(ROUND_TRIP_VALUES)}
    assert parse_dotenv(format_dotenv(values)) == values
    for key, value in values.items():  # and each alone, first and last in the file
        assert parse_dotenv(format_dotenv({key: value})) == {key: value}


def test_round_trip_random_values() -> None:
    """A seeded stand-in for a property test: values built from the characters that matter."""
    alphabet = [*"ab #=\"'\\\n\r\t$`{}", "é", "✓", "\x00", "\u2028"]
    rng = random.Random(20240501)
    for _ in range(300):
        values = {
            f"K_{n}": "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
            for n in range(rng.randrange(1, 6))
        }
        assert parse_dotenv(format_dotenv(values)) == values
