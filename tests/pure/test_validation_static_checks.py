"""The file-only checks, one table row per way a file can be missing or wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixie_launcher.validation.static_checks import (
    FileRead,
    entrypoint_name,
    folder_structure,
    pyproject_ok,
    read_file,
    schemas_coherent,
    tool_json_parses,
)
from shared.toolspec import parse_tool_json

GOOD_SPEC = {
    "id": "demo",
    "name": "Demo",
    "inputs": [{"key": "n", "type": "number", "label": "N"}],
    "outputs": [{"key": "out", "type": "number", "label": "Out"}],
}


def present(name: str, text: str = "x") -> FileRead:
    return FileRead(name, text.encode())


def absent(name: str, problem: str = "is missing") -> FileRead:
    return FileRead(name, None, problem)


@pytest.mark.parametrize(
    ("files", "status", "fragments"),
    [
        ((present("tool.json"), present("pyproject.toml"), present("main.py")), "pass", ["main.py"]),
        (
            (absent("tool.json"), present("pyproject.toml"), present("main.py")),
            "fail",
            ["tool.json is missing"],
        ),
        (
            (present("tool.json"), absent("pyproject.toml"), absent("app/run.py", "is not a file")),
            "fail",
            ["pyproject.toml is missing", "app/run.py is not a file"],
        ),
    ],
)
def test_folder_structure(
    files: tuple[FileRead, FileRead, FileRead], status: str, fragments: list[str]
) -> None:
    check = folder_structure(*files)
    assert check.status == status
    for fragment in fragments:
        assert fragment in check.message


def test_read_file_names_why_a_file_cannot_be_used(tmp_path: Path) -> None:
    (tmp_path / "tool.json").write_text("{}")
    (tmp_path / "folder").mkdir()
    (tmp_path / "big.bin").write_bytes(b"0" * (1024 * 1024 + 1))
    assert read_file(tmp_path, "tool.json") == FileRead("tool.json", b"{}")
    assert read_file(tmp_path, "nope.py").problem == "is missing"
    assert read_file(tmp_path, "folder").problem == "is not a file"
    assert read_file(tmp_path, "big.bin").problem == "is larger than 1 MiB"
    assert read_file(tmp_path, "../escape.py").problem == "is not a path inside the tool folder"
    assert read_file(tmp_path, "/etc/passwd").problem == "is not a path inside the tool folder"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps({**GOOD_SPEC, "entrypoint": "src/app.py"}), "src/app.py"),
        (json.dumps(GOOD_SPEC), "main.py"),
        ("{not json", "main.py"),
        (json.dumps({"entrypoint": 7}), "main.py"),
    ],
)
def test_entrypoint_name(text: str, expected: str) -> None:
    assert entrypoint_name(present("tool.json", text)) == expected


def _parsed(text: str) -> tuple[FileRead, object]:
    return present("tool.json", text), parse_tool_json(text)


def test_tool_json_parses_lists_every_model_error() -> None:
    spec = {**GOOD_SPEC, "colour": "red", "inputs": [{"key": "n", "type": "numbr", "label": "N"}]}
    tool_json, result = _parsed(json.dumps(spec))
    check = tool_json_parses(tool_json, result)  # type: ignore[arg-type]
    assert check.status == "fail"
    assert len(check.details) >= 2
    assert any("colour" in line for line in check.details)
    assert any("numbr" in line for line in check.details)


@pytest.mark.parametrize(
    ("text", "parses", "coherent"),
    [
        (json.dumps(GOOD_SPEC), "pass", "pass"),
        ("{oops", "fail", "skip"),
        (
            json.dumps({**GOOD_SPEC, "inputs": [GOOD_SPEC["inputs"][0], GOOD_SPEC["inputs"][0]]}),  # type: ignore[index]
            "pass",
            "fail",
        ),
        (
            json.dumps(
                {
                    **GOOD_SPEC,
                    "inputs": [
                        {
                            "key": "n",
                            "type": "number",
                            "label": "N",
                            "show_if": {"key": "ghost", "equals": 1},
                        },
                        {"key": "s", "type": "slider", "label": "S", "min": 5, "max": 1},
                        {"key": "c", "type": "select", "label": "C", "options": []},
                    ],
                }
            ),
            "pass",
            "fail",
        ),
    ],
)
def test_parse_and_coherence_verdicts(text: str, parses: str, coherent: str) -> None:
    tool_json, result = _parsed(text)
    assert tool_json_parses(tool_json, result).status == parses  # type: ignore[arg-type]
    assert schemas_coherent(result).status == coherent  # type: ignore[arg-type]


def test_coherence_lists_every_problem() -> None:
    spec = {
        **GOOD_SPEC,
        "inputs": [
            {"key": "n", "type": "number", "label": "N", "show_if": {"key": "ghost", "equals": 1}},
            {"key": "s", "type": "slider", "label": "S", "min": 5, "max": 1},
        ],
        "outputs": [GOOD_SPEC["outputs"][0], GOOD_SPEC["outputs"][0]],  # type: ignore[index]
    }
    check = schemas_coherent(parse_tool_json(json.dumps(spec)))
    assert check.status == "fail"
    joined = "\n".join(check.details)
    assert "ghost" in joined
    assert "inputs[1]" in joined
    assert 'duplicate output key "out"' in joined


def test_an_id_another_folder_holds_fails_the_parse_as_pixie_refuses_the_tool() -> None:
    tool_json, result = _parsed(json.dumps(GOOD_SPEC))
    taken = (
        "copy/tool.json: id 'demo' is already used by the tool in folder 'demo'; give this tool its own id"
    )
    check = tool_json_parses(tool_json, result, [taken])
    assert check.status == "fail"
    assert check.details == [taken]


def test_missing_tool_json_skips_the_parse() -> None:
    check = tool_json_parses(absent("tool.json"), None)
    assert check.status == "skip"
    assert "tool.json is missing" in check.message


def pyproject(dependencies: str, extra: str = "") -> FileRead:
    text = f'[project]\nname = "demo"\nversion = "1.0.0"\ndependencies = {dependencies}\n{extra}'
    return present("pyproject.toml", text)


@pytest.mark.parametrize(
    ("file", "status", "fragment"),
    [
        (pyproject('["fastapi>=0.110", "uvicorn[standard]>=0.29"]'), "pass", "all 2 dependencies"),
        (pyproject('["FastAPI", "Uvicorn", "numpy"]'), "pass", "all 3 dependencies"),
        (pyproject('["fastapi"]'), "fail", "uvicorn is not declared"),
        (pyproject("[]"), "fail", "fastapi is not declared"),
        (pyproject('["fastapi", "uvicorn", "not a requirement!"]'), "fail", "is not a valid dependency"),
        (
            pyproject('["fastapi", "uvicorn", "lib @ https://example.com/lib-1.0.tar.gz"]'),
            "warn",
            "1 dependency",
        ),
        (
            pyproject(
                '["fastapi", "uvicorn", "mylib"]', '[tool.uv.sources]\nmylib = { path = "../mylib" }\n'
            ),
            "warn",
            "does not come from",
        ),
        (pyproject('"fastapi"'), "fail", "must be a list of strings"),
        (present("pyproject.toml", "[project\nname="), "fail", "not valid TOML"),
        (present("pyproject.toml", "[tool.uv]\npackage = false\n"), "fail", "no [project] table"),
        (FileRead("pyproject.toml", b"\xff\xfe"), "fail", "not UTF-8"),
        (absent("pyproject.toml"), "skip", "pyproject.toml is missing"),
    ],
)
def test_pyproject_ok(file: FileRead, status: str, fragment: str) -> None:
    check = pyproject_ok(file)
    assert check.status == status, check
    assert fragment in check.message


def test_pydantic_and_dotenv_are_not_required() -> None:
    assert pyproject_ok(pyproject('["fastapi", "uvicorn"]')).status == "pass"


def test_the_example_tools_pyprojects_pass() -> None:
    root = Path(__file__).resolve().parents[2] / "tools"
    for folder in ("compound-interest", "lorenz-ode-solver"):
        assert pyproject_ok(read_file(root / folder, "pyproject.toml")).status == "pass"


def test_a_default_that_does_not_fit_its_input_is_a_warning_naming_it() -> None:
    spec = {
        **GOOD_SPEC,
        "inputs": [
            {"key": "n", "type": "number", "label": "N", "min": 0, "max": 5, "default": 10},
            {
                "key": "c",
                "type": "select",
                "label": "C",
                "options": [{"value": "a", "label": "A"}],
                "default": "b",
            },
        ],
    }
    check = schemas_coherent(parse_tool_json(json.dumps(spec)))
    assert check.status == "warn"
    assert "2 defaults that do not fit" in check.message
    assert check.details == [
        "inputs[0].default (n): 10 is above its max (5)",
        'inputs[1].default (c): "b" is none of its options ("a")',
    ]
