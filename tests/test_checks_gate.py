"""The checks as a gate: -W fails a build with findings and again on an unchanged
tree, every build reports them, and sphinx-build and designdoc check agree."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, load_report, warnings_of
from sphinx.cmd.build import build_main
from sphinx.util.console import strip_colors

from sphinx_designdoc.cli import main as designdoc

WARNING = re.compile(
    r"^(?P<path>.+?):(?:(?P<line>\d+):)? WARNING: (?P<message>.*) \[designdoc\.(?P<subtype>\w+)\]$"
)


def _sphinx(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = build_main(["--no-color", *args])
    return code, strip_colors(out.getvalue()), strip_colors(err.getvalue())


def _designdoc_warnings(stderr: str, srcdir: Path) -> set[tuple[str, int | None, str, str]]:
    found = set()
    for line in stderr.splitlines():
        match = WARNING.match(line)
        if match:
            path = os.path.relpath(match["path"], srcdir).replace(os.sep, "/")
            line_no = int(match["line"]) if match["line"] else None
            found.add((path, line_no, match["subtype"], match["message"]))
    return found


def test_an_unchanged_tree_fails_w_again(tmp_path: Path) -> None:
    """A CI retry on a cached _build must not go green while the findings stand."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-checks", src)
    out = tmp_path / "out"
    # --keep-going: Sphinx 7.4 stops at the first warning without it (later: a no-op)
    first = _sphinx("-W", "--keep-going", "-b", "html", str(src), str(out))
    second = _sphinx("-W", "--keep-going", "-b", "html", str(src), str(out))
    assert first[0] == second[0] == 1
    assert _designdoc_warnings(first[2], src) == _designdoc_warnings(second[2], src)
    assert len(_designdoc_warnings(second[2], src)) > 5
    # ... and the second build still read and wrote nothing
    assert "reading sources... [" not in second[1] and "writing output... [" not in second[1]


#: the findings of ``test-checks``, by kind (every check family reports in it)
CHECKS_FINDINGS = {
    "coverage": 1,
    "section": 7,
    "untraced": 2,
    "unjustified": 1,
    "supersession": 3,
    "pyproject": 4,
    "unused": 1,
    "invalid": 1,
}


def test_findings_are_reported_by_every_build(make_app, copy_root) -> None:
    src = copy_root("checks")
    first = make_app("html", srcdir=src)
    first.build()
    first.cleanup()
    again = make_app("html", srcdir=src)
    again.build()
    kinds = Counter(line.rsplit("[designdoc.", 1)[-1].rstrip("]") for line in warnings_of(first))
    assert kinds == CHECKS_FINDINGS, warnings_of(first)
    # the second build read nothing, and still reports every finding of the first
    assert "0 added, 0 changed, 0 removed" in strip_colors(again.status.getvalue())
    assert sorted(warnings_of(first)) == sorted(warnings_of(again))


def _check_roots() -> list[str]:
    names = []
    for root in sorted(ROOTS.glob("test-*")):
        conf = (root / "conf.py").read_text(encoding="utf-8")
        extensions = re.search(r"^extensions = \[(.*)\]", conf, re.M)
        if extensions is None or "sphinx_designdoc" not in extensions.group(1):
            continue
        if "sphinx_needs" in extensions.group(1):
            try:
                import sphinx_needs  # noqa: F401
            except ImportError:
                continue
        names.append(root.name)
    return names


@pytest.mark.parametrize("root", _check_roots())
def test_sphinx_build_and_designdoc_check_agree(root: str, tmp_path: Path, capsys: Any) -> None:
    """For every test root: the set of ``[designdoc.*]`` warnings of ``sphinx-build`` is
    the set of findings of ``designdoc check`` (file, line, subtype and message)."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / root, src)
    _, _, stderr = _sphinx("-b", "html", "-q", str(src), str(tmp_path / "out"))
    warned = _designdoc_warnings(stderr, src)
    code = designdoc(["check", str(src), "--format", "json", "-q"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    checked = {
        (f["source"], f["line"], f["subtype"], f["message"])
        for f in findings
        if not f["suppressed"]
    }
    assert warned == checked
    assert code == (1 if checked else 0)
    # and designdoc.json of the build holds the same findings
    report = load_report(tmp_path / "out")
    recorded = {
        (f["source"], f["line"], f["subtype"], f["message"])
        for f in report["findings"]
        if not f["suppressed"]
    }
    assert recorded == warned


def test_dash_w_fails_the_build_and_a_clean_project_passes(copy_root, tmp_path) -> None:
    assert (
        build_main(["-q", "-W", "-b", "html", str(copy_root("invalid")), str(tmp_path / "a")]) != 0
    )
    assert build_main(["-q", "-W", "-b", "html", str(copy_root("basic")), str(tmp_path / "b")]) == 0
