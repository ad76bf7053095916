"""The ``designdoc`` builder and ``designdoc_exports`` in real builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import load_report
from sphinx.testing.util import SphinxTestApp

from sphinx_designdoc.formats import FORMATS

EXPORT_FILES = {f.filename for f in FORMATS.values()}


def _files(outdir: Path) -> set[str]:
    return {p.name for p in outdir.iterdir() if p.is_file()}


def test_designdoc_builder_writes_only_the_reports(make_app, copy_root) -> None:
    app: SphinxTestApp = make_app("designdoc", srcdir=copy_root("reports"))
    app.build()
    assert _files(app.outdir) == EXPORT_FILES
    assert not (app.outdir / "_static").exists()
    assert not (app.outdir / "index.html").exists()
    report = load_report(app.outdir)
    assert {o["id"] for o in report["objects"]} >= {"REQ-1", "REQ-2", "REQ-4", "DEC-3"}
    # URLs point where an HTML build of the same sources puts the objects
    assert next(o for o in report["objects"] if o["id"] == "REQ-4")["url"] == "other.html#REQ-4"
    # checks run and warn like in any build
    warnings = app.warning.getvalue()
    assert "[designdoc.dangling]" in warnings and "[designdoc.invalid]" in warnings


def test_exports_are_written_by_any_builder_and_match_the_designdoc_builder(
    make_app, copy_root
) -> None:
    html: SphinxTestApp = make_app("html", srcdir=copy_root("reports", "html-src"))
    html.build()
    assert _files(html.outdir) >= EXPORT_FILES
    assert (html.outdir / "index.html").is_file()
    reports: SphinxTestApp = make_app("designdoc", srcdir=copy_root("reports", "dd-src"))
    reports.build()
    for name in sorted(EXPORT_FILES):
        assert (html.outdir / name).read_bytes() == (reports.outdir / name).read_bytes(), name


def test_parallel_designdoc_build_gives_identical_reports(make_app, copy_root) -> None:
    serial: SphinxTestApp = make_app("designdoc", srcdir=copy_root("reports", "serial"))
    serial.build()
    parallel: SphinxTestApp = make_app(
        "designdoc", srcdir=copy_root("reports", "parallel"), parallel=2
    )
    parallel.build()
    for name in sorted(EXPORT_FILES):
        assert (serial.outdir / name).read_bytes() == (parallel.outdir / name).read_bytes(), name


def test_rebuild_without_changes_rewrites_the_same_reports(make_app, copy_root) -> None:
    srcdir = copy_root("reports")
    app: SphinxTestApp = make_app("designdoc", srcdir=srcdir)
    app.build()
    first = {name: (app.outdir / name).read_bytes() for name in EXPORT_FILES}
    (app.outdir / "designdoc.csv").unlink()
    again: SphinxTestApp = make_app("designdoc", srcdir=srcdir)
    again.build()
    assert {name: (again.outdir / name).read_bytes() for name in EXPORT_FILES} == first


def test_sphinx_build_command_line(copy_root, tmp_path: Path) -> None:
    srcdir = copy_root("reports")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "designdoc", "-q", str(srcdir), str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert _files(out) == EXPORT_FILES
