"""The tutorial (docs/tutorial.md) works as written: its projects under docs/tutorial/
are what ``designdoc new`` writes plus the one fix the tutorial makes, the unfixed
project gives exactly the warning and the ``designdoc check`` output the tutorial shows,
and the fixed projects build with ``-W`` in reStructuredText and MyST."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import load_report, requires_dot, warnings_of

from sphinx_designdoc.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
TUTORIAL = DOCS / "tutorial"
PAGE = (DOCS / "tutorial.md").read_text(encoding="utf-8")
#: the one edit the tutorial makes to the scaffolded document
FIX = {
    "rst": (
        "   :addresses: CHK-REQ-1\n   :uses: CHK-DEP-1",
        "   :addresses: CHK-REQ-1, CHK-REQ-2\n   :uses: CHK-DEP-1",
    ),
    "md": (
        ":addresses: CHK-REQ-1\n:uses: CHK-DEP-1",
        ":addresses: CHK-REQ-1, CHK-REQ-2\n:uses: CHK-DEP-1",
    ),
}
FOLDER = {"rst": "rst", "md": "myst"}


def _scaffold(tmp_path: Path, markup: str) -> Path:
    """``designdoc new`` as the tutorial runs it, dated like the committed file."""
    out = tmp_path / f"checkout.{markup}"
    assert main(["new", "Checkout Service", "--prefix", "CHK", "-o", str(out)]) == 0
    committed = (TUTORIAL / FOLDER[markup] / out.name).read_text(encoding="utf-8")
    (date,) = set(re.findall(r":date: (\d{4}-\d\d-\d\d)", committed))
    text = re.sub(r":date: \d{4}-\d\d-\d\d", f":date: {date}", out.read_text(encoding="utf-8"))
    out.write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_tutorial_files_are_the_scaffold_plus_one_fix(tmp_path: Path, markup: str) -> None:
    scaffold = _scaffold(tmp_path, markup).read_text(encoding="utf-8")
    committed = (TUTORIAL / FOLDER[markup] / f"checkout.{markup}").read_text(encoding="utf-8")
    old, new = FIX[markup]
    assert scaffold.count(old) == 1
    assert scaffold.replace(old, new) == committed


def _project(tmp_path: Path, markup: str, fixed: bool) -> Path:
    src = tmp_path / "docs"
    shutil.copytree(TUTORIAL / FOLDER[markup], src)
    if not fixed:
        shutil.copy(_scaffold(tmp_path, markup), src / f"checkout.{markup}")
    return src


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_step_2_gives_the_one_warning_the_tutorial_shows(make_app, tmp_path, markup) -> None:
    src = _project(tmp_path, markup, fixed=False)
    app = make_app("html", srcdir=src, confoverrides={"show_warning_types": True})
    app.build()
    warnings = [w for w in warnings_of(app) if "designdoc" in w]
    if shutil.which("dot") is None:  # the tutorial shows a machine with Graphviz
        graph = [w for w in warnings if w.endswith("[designdoc.graph]")]
        assert len(graph) == 1 and "traceability" in graph[0]
        warnings.remove(graph[0])
    assert len(warnings) == 1
    message = warnings[0].split(" WARNING: ", 1)[1]
    line = re.search(r":(\d+): WARNING", warnings[0]).group(1)
    # the tutorial shows the reStructuredText line; MyST reports the same requirement
    assert f"docs/checkout.rst:52: WARNING: {message}" in PAGE
    if markup == "rst":
        assert line == "52"


@requires_dot  # without Graphviz the check also reports the graph it cannot draw
@pytest.mark.parametrize("markup", ["rst", "md"])
def test_designdoc_check_says_what_the_tutorial_shows(
    capsys, monkeypatch, tmp_path, markup
) -> None:
    _project(tmp_path, markup, fixed=False)
    monkeypatch.chdir(tmp_path)  # as the tutorial runs it, beside docs/
    assert main(["check", "docs"]) == 1
    out = capsys.readouterr().out
    shown = re.search(r"\$ designdoc check docs\n(.*?)\n  ```", PAGE, re.S).group(1)
    expected = [line.strip() for line in shown.splitlines()]
    got = [line.strip() for line in out.splitlines() if line.strip()]
    if markup == "md":  # the same finding, in the Markdown file
        got[0] = re.sub(r"^docs/checkout\.md:\d+:", "docs/checkout.rst:52:", got[0])
    assert got == expected


@requires_dot
@pytest.mark.parametrize("markup", ["rst", "md"])
def test_the_finished_tutorial_builds_with_no_warning(make_app, tmp_path, markup) -> None:
    src = _project(tmp_path, markup, fixed=True)
    app = make_app("html", srcdir=src, warningiserror=True)
    app.build()
    assert warnings_of(app) == []
    report = load_report(app.outdir)
    assert report["coverage"]["requirement"] == {"traced": 2, "total": 2, "percent": 100}
    assert (app.outdir / "designdoc.sarif").is_file()
    assert (app.outdir / "designdoc-junit.xml").is_file()
    page = (app.outdir / "traceability.html").read_text(encoding="utf-8")
    assert "dd-matrix" in page and "dd-table" in page and "graphviz" in page
    assert main(["check", str(src)]) == 0


def test_the_tutorial_includes_exist() -> None:
    """Every file the page includes is in the repository, and every marker it cuts at
    is in that file."""
    for path, options in re.findall(r"```\{literalinclude\} (\S+)\n(.*?)```", PAGE, re.S):
        text = (DOCS / path).read_text(encoding="utf-8")
        for marker in re.findall(r":(?:start-at|end-before): \"(.*?)\"\n", options):
            assert marker in text, (path, marker)
