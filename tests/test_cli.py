"""The ``designdoc`` command as a whole, through ``main(argv)``: where it finds the report,
one-line input errors, help, progress and links back to the pages.  Its verbs have
modules of their own: test_cli_trace, test_cli_check, test_cli_new."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, run
from conftest import ROOTS

from sphinx_designdoc.build import build_reports, count_sources
from sphinx_designdoc.cli import check as check_command
from sphinx_designdoc.cli import main

pytestmark = pytest.mark.usefixtures("plain_cli")


def test_data_may_be_a_file_a_build_folder_or_a_source_folder(
    capsys, built: Path, tmp_path: Path
) -> None:
    for data in (built / "designdoc.json", built):
        assert run(capsys, "trace", "REQ-1", "--data", str(data))[0] == 0
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, out, err = run(capsys, "trace", "REQ-1", "--data", str(src), "--json")
    assert code == 0 and err == "" and json.loads(out)["object"]["id"] == "REQ-1"
    cached = list((tmp_path / "cache" / "sphinx-designdoc").glob("*/out/designdoc.json"))
    assert len(cached) == 1  # built once into the cache, incremental next time
    assert run(capsys, "trace", "REQ-1", "--data", str(src))[0] == 0


def test_without_data_the_usual_build_folders_are_searched(
    capsys, built: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(*run(capsys, "trace", "REQ-1"), "no designdoc.json found", "--data")
    (tmp_path / "docs" / "_build" / "html").mkdir(parents=True)
    shutil.copy(built / "designdoc.json", tmp_path / "docs" / "_build" / "html")
    code, out, _ = run(capsys, "trace", "REQ-1")
    assert code == 0 and out.startswith("REQ-1")


def test_input_errors_are_one_line_and_exit_2(capsys, tmp_path: Path, data: str) -> None:
    assert_one_line_error(
        *run(capsys, "trace", "REQ-1", "--data", str(tmp_path / "missing.json")),
        "no such file or folder",
    )
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"objects": [', encoding="utf-8")
    for verb in (["trace", "REQ-1"], ["impact", "REQ-1"], ["export", "--format", "md"]):
        assert_one_line_error(*run(capsys, *verb, "--data", str(corrupt)), "not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    assert_one_line_error(
        *run(capsys, "trace", "REQ-1", "--data", str(other)), "not a designdoc.json"
    )
    future = tmp_path / "future.json"
    future.write_text('{"schema_version": 99, "objects": []}', encoding="utf-8")
    assert_one_line_error(*run(capsys, "trace", "REQ-1", "--data", str(future)), "upgrade")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert_one_line_error(*run(capsys, "trace", "REQ-1", "--data", str(binary)), "not UTF-8")
    assert_one_line_error(
        *run(capsys, "trace", "REQ-10", "--data", data),
        "unknown ID 'REQ-10'",
        "did you mean",
        "'REQ-1'",
    )
    assert_one_line_error(*run(capsys, "trace", "dec-1", "--data", data), "did you mean 'DEC-1'?")
    assert_one_line_error(*run(capsys, "impact", "NOPE", "--data", data), "unknown ID 'NOPE'")
    assert_one_line_error(*run(capsys, "diff", data, str(tmp_path / "x.json")), "no such file")
    assert_one_line_error(*run(capsys, "trace"), "required: ID")
    assert_one_line_error(*run(capsys), "required: COMMAND")
    assert_one_line_error(*run(capsys, "frobnicate"), "invalid choice")
    assert_one_line_error(
        *run(capsys, "impact", "REQ-1", "--depth", "0", "--data", data), "must be 1 or more"
    )


def test_help_for_every_verb(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "trace" in out and "Exit status" in out
    for verb in ("trace", "impact", "check", "diff", "new", "export"):
        code, out, _ = run(capsys, verb, "--help")
        assert code == 0 and f"usage: designdoc {verb}" in out and "examples:" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("designdoc ")


def test_check_shows_sphinx_progress_on_request_or_for_large_projects_on_a_terminal(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, _, err = run(capsys, "check", str(src), "-v")
    assert code == 1 and "building [designdoc]" in err
    assert count_sources(src, 100) == 2
    for n in range(3):
        (src / f"extra{n}.rst").write_text("Extra\n=====\n", encoding="utf-8")
    monkeypatch.setattr(check_command, "PROGRESS_THRESHOLD", 4)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, _, err = run(capsys, "check", str(src))
    assert "building [designdoc]" in err
    code, _, err = run(capsys, "check", str(src), "-q")
    assert "building [designdoc]" not in err


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_report_written_elsewhere_links_back_to_the_pages(
    capsys, tmp_path: Path, data: str, fmt: str
) -> None:
    target = tmp_path / "elsewhere" / f"report.{fmt}"
    run(capsys, "export", "--format", fmt, "--data", data, "-o", str(target))
    text = target.read_text(encoding="utf-8")
    link = re.search(r"([^\s\"'(<>]*index\.html)#REQ-1", text)
    assert link is not None
    assert (target.parent / link.group(1)).resolve() == (Path(data).parent / "index.html").resolve()
    run(
        capsys,
        "export",
        "--format",
        fmt,
        "--data",
        data,
        "-o",
        str(target),
        "--base-url",
        "https://docs.example.org/search/",
    )
    assert "https://docs.example.org/search/index.html#REQ-1" in target.read_text(encoding="utf-8")
    code, _, err = run(
        capsys, "export", "--format", fmt, "--data", data, "--base-url", "javascript:x//"
    )
    assert code == 2 and "--base-url" in err


def test_reading_verbs_say_which_report_they_found(capsys, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "docs" / "_build" / "html"
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    assert main(["check", str(src), "--format", "json", "-q"]) == 0
    capsys.readouterr()

    build_reports(src, out, tmp_path / "doctrees")
    monkeypatch.chdir(tmp_path)
    for verb in (["trace", "REQ-1"], ["impact", "REQ-1"], ["export", "--format", "csv"]):
        code, _, err = run(capsys, *verb)
        assert code == 0
        assert err.startswith("designdoc: reading docs/_build/html/designdoc.json (written ")
        code, _, err = run(capsys, *verb, "-q")
        assert err == ""
    # a file named on the command line is not announced
    code, _, err = run(capsys, "trace", "REQ-1", "--data", str(out / "designdoc.json"))
    assert err == ""
