"""Gates that tell the truth on every build: the same findings from ``sphinx-build -W``
on an unchanged tree, from ``designdoc check`` and in ``designdoc.json``; settings,
pyproject.toml and external files are inputs like the sources."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, load_report, touch_later, warnings_of
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


def test_findings_are_reported_by_every_build(make_app, copy_root) -> None:
    src = copy_root("checks")
    first = make_app("html", srcdir=src)
    first.build()
    first.cleanup()
    again = make_app("html", srcdir=src)
    again.build()
    assert sorted(warnings_of(first)) == sorted(warnings_of(again))


def test_pyproject_is_a_build_input(make_app, copy_root) -> None:
    src = copy_root("checks")
    app = make_app("html", srcdir=src)
    app.build()
    app.cleanup()
    missing = [w for w in warnings_of(app) if "(numpy) is missing from" in w]
    assert len(missing) == 1
    # declare numpy in pyproject.toml alone: the finding goes, and one appears for click
    pyproject = src / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('"Click>=8"]', '"Click>=9", "numpy"]')
    pyproject.write_text(text, encoding="utf-8")
    touch_later(pyproject)
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    assert not [w for w in warnings if "(numpy) is missing from" in w]
    assert [w for w in warnings if "declares 'Click>=9'" in w]
    assert "reading sources... [" not in strip_colors(app.status.getvalue())


def test_an_external_file_is_a_build_input(make_app, copy_root, tmp_path: Path) -> None:
    upstream = tmp_path / "upstream.json"

    def write(title: str) -> None:
        upstream.write_text(
            json.dumps({"objects": [{"id": "REQ-9", "type": "requirement", "title": title}]}),
            encoding="utf-8",
        )

    write("Old title")
    src = copy_root("basic")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: Reuse\n   :id: DEC-UP\n   :status: accepted\n   :addresses: UP-REQ-9\n"
        )
    overrides = {"designdoc_external": [{"path": str(upstream), "prefix": "UP-"}]}
    app = make_app("html", srcdir=src, confoverrides=overrides)
    app.build()
    app.cleanup()
    assert "UP-REQ-9</span>: Old title" in (app.outdir / "decisions.html").read_text(
        encoding="utf-8"
    )
    write("New title")
    app = make_app("html", srcdir=src, confoverrides=overrides)
    app.build()
    # the page that shows the external object is written again, though it did not change
    assert "UP-REQ-9</span>: New title" in (app.outdir / "decisions.html").read_text(
        encoding="utf-8"
    )
    assert load_report(app.outdir)["objects"][-1]["title"] == "New title"


def test_settings_problems_are_located_findings(make_app, copy_root) -> None:
    src = copy_root("config")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    conf_lines = (src / "conf.py").read_text(encoding="utf-8").splitlines()

    def line_of(setting: str) -> int:
        return next(i for i, text in enumerate(conf_lines, 1) if text.startswith(setting))

    assert f"conf.py:{line_of('designdoc_min_coverage')}: WARNING: designdoc_min_coverage" in (
        "\n".join(warnings)
    )
    assert any(
        f"conf.py:{line_of('designdoc_types')}: WARNING: designdoc_types['note'] is refused" in w
        for w in warnings
    )
    assert not [w for w in warnings if "conf.py.rst" in w]
    # Sphinx's own type check of the setting does not repeat the warning
    assert not [w for w in warnings if "has type" in w and "designdoc_" in w]
    # the refused type leaves docutils' note alone; the other custom type works
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition note"' in html
    assert 'id="RISK-1"' in html
    report = load_report(app.outdir)
    findings = {(f["subtype"], f["source"], f["line"]) for f in report["findings"]}
    assert ("config", "conf.py", line_of("designdoc_min_coverage")) in findings
    assert ("external", "conf.py", line_of("designdoc_external")) in findings
    assert all(not Path(f["source"]).is_absolute() for f in report["findings"])
    assert report["checks"]["config"] == 3


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
