"""The tutorial (docs/tutorial.md) works as written: its projects under docs/tutorial/
are what ``designdoc new`` writes plus the one fix the tutorial makes, the unfixed
project gives exactly the warning and the ``designdoc check`` output the tutorial shows,
and the fixed projects build with ``-W`` in reStructuredText and MyST."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sphinx
from conftest import load_report, requires_dot, warnings_of

from sphinx_designdoc.cli import main

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
sys.path.insert(0, str(REPO))
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


#: where the tutorial shows its project, in the paths Sphinx prints
SHOWN_HOME = "/home/you/checkout"


def _shown(after: str) -> list[str]:
    """The lines of the first ``text`` block of the page after ``after``."""
    block = re.search(re.escape(after) + r".*?```text\n(.*?)\n```", PAGE, re.S)
    assert block is not None, after
    return block.group(1).splitlines()


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_step_2_gives_the_one_warning_the_tutorial_shows(tmp_path, markup) -> None:
    """The build as the tutorial runs it, in a folder of its own: Sphinx names the file
    by its full path, and the line is the one shown, with the project's folder in place
    of the tutorial's."""
    src = _project(tmp_path, markup, fixed=False)
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "docs", "docs/_build/html"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        # Sphinx colours its output on CI (CI=true) even into a pipe; the tutorial shows
        # the text a reader sees, so the colour is switched off as a pipe would have it.
        env={**os.environ, "NO_COLOR": "1"},
    )
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    if shutil.which("dot") is None:  # the tutorial shows a machine with Graphviz
        graph = [w for w in warnings if w.endswith("[designdoc.graph]")]
        assert len(graph) == 1 and "traceability" in graph[0]
        warnings.remove(graph[0])
    assert len(warnings) == 1
    line = warnings[0].replace(str(src.resolve().parent), SHOWN_HOME)
    if sphinx.version_info < (8,):  # Sphinx 7.4 shows the kind with show_warning_types
        line += " [designdoc.untraced]"
    (shown,) = _shown("The build succeeds with one warning")
    assert shown.startswith(f"{SHOWN_HOME}/docs/checkout.rst:52: WARNING: ")
    if markup == "md":  # the same requirement, in the Markdown file
        line = re.sub(r"/docs/checkout\.md:\d+:", "/docs/checkout.rst:52:", line)
    assert line == shown


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


def test_the_tutorial_shows_the_committed_files() -> None:
    """Every file (or part of one) the page shows is the committed project's text, put
    into the page by scripts/generate_docs.py, and the page shows no directive that a
    code host would show instead of it."""
    from scripts.generate_docs import BLOCKS, start_marker

    names = [name for name in BLOCKS if name.startswith("tutorial-")]
    assert len(names) == 7
    for name in names:
        assert f"{start_marker(name)}\n\n{BLOCKS[name]()}\n\n<!-- end generated -->" in PAGE
    assert "{literalinclude}" not in PAGE
    conf = (TUTORIAL / "rst" / "conf.py").read_text(encoding="utf-8")
    assert f"```python\n{conf}```" in PAGE


def test_check_builds_where_the_tutorial_and_its_help_say(capsys, monkeypatch, tmp_path) -> None:
    """``designdoc check`` builds into a temporary folder that it removes, as its help and
    the tutorial say: nothing is left in the cache the reading commands build into."""
    from sphinx_designdoc.cli.parser import build_parser

    _project(tmp_path, "rst", fixed=True)
    cache, temp = tmp_path / "cache", tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(tmp_path)
    main(["check", "docs"])
    capsys.readouterr()
    assert not cache.exists() and list(temp.iterdir()) == []
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert "into a temporary folder" in commands.choices["check"].description
    said = re.search(r"`designdoc check docs` builds the project \((.*?)\)", PAGE, re.S)
    assert said is not None and " ".join(said.group(1).split()).startswith(
        "into a temporary folder"
    )
