"""Object options are read by the package, in reStructuredText and MyST alike: values as
written, continuation lines, repeated options and stray lines located."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import find_warning, load_report, warnings_of, write_project

from sphinx_designdoc.directives.options import OwnOptions, read_myst, read_rst


def test_rst_title_then_options() -> None:
    title, block = read_rst(
        "Retry failed\npayment authorisations\n:id: REQ-1\n:URL: https://x.org/a:b\n"
        ":alternatives: a;\n   b\n:id: again\n  more\nstray text"
    )
    assert title == "Retry failed payment authorisations"
    assert block.options == {"id": "REQ-1", "url": "https://x.org/a:b", "alternatives": "a;\nb"}
    assert block.lines == {"id": 2, "url": 3, "alternatives": 4}
    assert block.problems == [
        ("option :id: is given twice; the first value is kept", 6),
        ("'stray text' is not an option (write options as ':name: value')", 8),
    ]


def test_rst_options_without_title_and_empty_values() -> None:
    title, block = read_rst(":id: REQ-1\n:tags:")
    assert title == "" and block.options == {"id": "REQ-1", "tags": ""}


def test_myst_option_lines_are_read_as_written() -> None:
    used, block = read_myst([":id: X", ":version: >=8.0,<9", ':date: "2026-01-31"', "", "Body"])
    assert used == 4  # the blank line after the options is theirs
    assert block.options == {"id": "X", "version": ">=8.0,<9", "date": "2026-01-31"}


def test_myst_yaml_block() -> None:
    used, block = read_myst(
        ["---", "id: X", "tags: [a, 'b c']", 'status: "x\\" y"', "owner: 'it''s'", "---", "Body"]
    )
    assert used == 6
    assert block.options == {"id": "X", "tags": "a, b c", "status": 'x" y', "owner": "it's"}
    assert block.lines == {"id": 2, "tags": 3, "status": 4, "owner": 5}


def test_myst_content_without_options() -> None:
    assert read_myst(["Body text :id: no", ":id: X"])[0] == 0
    used, block = read_myst(["---", "id: X"])
    assert used == 0 and block.problems == [("the '---' option block is not closed with '---'", 1)]


def test_docutils_and_myst_see_no_option_spec() -> None:
    spec = OwnOptions({"id": str})
    assert not spec and spec["anything"]("  x ") == "x"


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_option_problems_are_located_warnings(make_app, tmp_path: Path, markup: str) -> None:
    if markup == "rst":
        files = {
            "index.rst": "Index\n=====\n\n.. requirement:: Title\n   :id: REQ-1\n"
            "   :priority: must\n   not an option\n   :priority: should\n\n   Body.\n"
        }
        conf = 'extensions = ["sphinx_designdoc"]\nshow_warning_types = True\n'
        stray, repeated, where = "index.rst:7:", "index.rst:8:", "index.rst"
    else:
        files = {
            "index.md": "# Index\n\n```{requirement} Title\n:id: REQ-1\n:priority: must\n"
            "  continued\n:priority: should\n\nBody.\n```\n"
        }
        conf = 'extensions = ["myst_parser", "sphinx_designdoc"]\nshow_warning_types = True\n'
        stray, repeated, where = None, "index.md:7:", "index.md"
    app = make_app("html", srcdir=write_project(tmp_path / "src", files, conf=conf))
    app.build()
    warnings = warnings_of(app)
    if stray:
        find_warning(warnings, stray, "invalid", "'not an option' is not an option")
    find_warning(warnings, repeated, "invalid", "option :priority: is given twice")
    report = load_report(app.outdir)
    (obj,) = report["objects"]
    assert obj["fields"]["priority"] == ("must" if markup == "rst" else "must\ncontinued")
    assert obj["content"] == "Body."
    assert where in obj["source"]


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "line",
    [
        "a" + " " * MEGABYTE,  # the '---' block's name pattern backtracked over the spaces
        "a " * (MEGABYTE // 2) + ":",
        ":" + "a:" * (MEGABYTE // 2) + "b",
        ":" + "\\" * MEGABYTE,
    ],
    ids=["spaces", "words", "colons", "backslashes"],
)
def test_option_blocks_are_read_in_linear_time(line: str) -> None:
    import time

    start = time.perf_counter()
    _, yaml_block = read_myst(["---", line, "---"])
    _, lines_block = read_myst([line])
    read_rst("Title\n" + line)
    # a hang guard, not a benchmark: an 80 KB line took 8 s, 250 KB more than 20 s
    assert time.perf_counter() - start < 3.0
    # a problem quotes the start of the line, not a megabyte of it
    for message, _ in yaml_block.problems + lines_block.problems:
        assert len(message) < 300, message[:300]


def test_a_long_stray_line_is_quoted_in_part() -> None:
    _, block = read_myst(["---", "x" * 500, "name: value", "---"])
    assert block.options == {"name": "value"}
    assert block.problems == [
        (
            f"{'x' * 80!r} (and 420 more characters) is not an option (write options as "
            "'name: value')",
            2,
        )
    ]


def test_myst_yaml_names_are_read_as_before() -> None:
    _, block = read_myst(["---", "Name With Spaces :  v1", "plain:v2", "tab:\tv3", "empty:", "---"])
    assert block.options == {"name with spaces": "v1", "tab": "v3", "empty": ""}
    assert [message for message, _ in block.problems] == [
        "'plain:v2' is not an option (write options as 'name: value')"
    ]


def test_myst_options_are_read_as_written(make_app, tmp_path: Path) -> None:
    """MyST would read ``:version: >=8.0,<9`` as YAML and drop every option of the
    object; the options of an object are read as written, in both option forms."""
    src = write_project(
        tmp_path / "src",
        {
            "index.md": "# Index\n\n```{dependency} sphinx\n:id: DEP-1\n:version: >=8.0,<9\n"
            "```\n\n```{dependency} docutils\n---\nid: DEP-2\n"
            "version: '>=0.20'\ntags: [parsing, markup]\n---\nThe parser.\n```\n"
        },
        conf='extensions = ["myst_parser", "sphinx_designdoc"]\nshow_warning_types = True\n',
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "[designdoc.invalid]" in w or "[myst" in w]
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["DEP-1"]["fields"]["version"] == ">=8.0,<9"
    assert objects["DEP-2"]["fields"]["version"] == ">=0.20"
    assert objects["DEP-2"]["fields"]["tags"] == ["parsing", "markup"]
    assert objects["DEP-2"]["content"] == "The parser."
