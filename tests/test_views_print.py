"""Views in the print and plain builders: LaTeX, PDF, text, manual pages and EPUB."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import edit, requires_dot, warnings_of, write_project
from sphinx import addnodes

from sphinx_designdoc.views.cells import TableModel
from sphinx_designdoc.views.output import latex_layout


def _matrix_source(src: Path) -> tuple[Path, str, str]:
    """The matrix page of a payments root, and the edit that asks for the grid."""
    if (src / "matrix.md").exists():
        return src / "matrix.md", "```{dd-matrix}\n", "```{dd-matrix}\n:layout: grid\n"
    return src / "matrix.rst", ".. dd-matrix::\n", ".. dd-matrix::\n   :layout: grid\n"


def test_latex_layout_keeps_ids_whole_and_fits_the_line() -> None:
    rows = [
        (
            [
                [("ref", f"REQ-{i}", None)],
                [("text", "A title that wraps over lines " * 2, ())],
                [("text", "accepted", ())],
            ],
            [],
        )
        for i in range(1, 12)
    ]
    model = TableModel(
        [[("text", "ID", ())], [("text", "Title", ())], [("text", "Status", ())]],
        rows,
        [12, 40, 10],
        [],
        None,
        ["l", "", "l"],
    )
    layout = latex_layout(model)
    assert layout.size == "normalsize"
    assert sum(layout.fractions) <= 0.99 + 1e-9
    # the ID and status columns are as wide as "REQ-11" and "accepted" (+ padding)
    assert layout.fractions[0] >= (6 * 0.66 + 1.25) / 46 - 1e-9
    assert layout.fractions[2] >= (8 * 0.66 + 1.25) / 46 - 1e-9
    assert layout.fractions[1] > 0.5  # the title takes the rest
    assert layout.colspec.startswith(r"\Y{0.")
    # many columns: a smaller font size before anything is squeezed
    wide = TableModel(
        [[("text", f"Column {i}", ())] for i in range(12)],
        [([[("text", "unbreakable-ID-12345", ())] for _ in range(12)], [])],
        [10] * 12,
        [],
        None,
        [""] * 12,
    )
    assert latex_layout(wide).size in ("small", "footnotesize", "scriptsize")


def test_latex_tables_get_column_specs_and_the_matrix_fits(make_app, copy_root) -> None:
    app = make_app("latex", srcdir=copy_root("themes"))
    app.build()
    for page in ("matrix", "table"):
        doctree = app.env.get_and_resolve_doctree(page, app.builder)
        specs = list(doctree.findall(addnodes.tabular_col_spec))
        assert len(specs) == 1 and specs[0]["spec"].startswith(r"\Y{")
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    # six decision columns leave the title too little of a printed line: the list
    # layout, where on screen the grid scrolls
    assert "Addressed by (decision)" in tex
    assert r"\begin{sphinxuseclass}{dd-object}" in tex
    assert (app.outdir / "sphinxdesigndoc.sty").is_file()
    assert r"\usepackage{sphinxdesigndoc}" in tex


def _engine_missing(engine: str) -> str | None:
    """What a LaTeX engine lacks for Sphinx's LaTeX (``.ci/run`` installs pdfLaTeX's)."""
    if shutil.which(engine) is None:
        return f"needs {engine}"
    needs = {"lualatex": ["luatex85.sty", "fontspec.sty"], "xelatex": ["fontspec.sty"]}
    for name in needs.get(engine, []):
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout
        if not found.strip():
            return f"{engine} needs {name} (Debian: texlive-luatex, texlive-xetex)"
    if engine == "xelatex":
        if shutil.which("fc-list") is None:
            return "xelatex needs fontconfig's fc-list to find its fonts"
        fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
        if "FreeSerif" not in fonts:
            return "xelatex needs the FreeFont fonts (Debian: fonts-freefont-otf)"
    return None


@pytest.mark.skipif(
    shutil.which("latexmk") is None, reason="needs latexmk and TeX Live (.ci/run installs them)"
)
@pytest.mark.parametrize("engine", ["pdflatex", "lualatex", "xelatex"])
def test_pdf_matrix_shows_the_screens_tick_and_a_legend(make_app, copy_root, engine) -> None:
    """A traced cell is the tick of the screen, not an "X" (read as "no"), with a legend
    under the matrix; every engine has a glyph for both marks."""
    missing = _engine_missing(engine)
    if missing:
        pytest.skip(missing)
    src = copy_root("payments")
    edit(*_matrix_source(src))
    app = make_app("latex", srcdir=src, confoverrides={"latex_engine": engine})
    app.build()
    tex = next(app.outdir.glob("*.tex"))
    text = tex.read_text(encoding="utf-8")
    assert r"\DUrole{dd-mark}{\(\checkmark\)}" in text
    assert "\\DUrole{dd-mark-void}{\u25cb}" in text
    assert "X" not in re.findall(r"\\DUrole\{dd-mark\}\{([^}]*)\}", text)
    assert "addressed by a decision that is accepted or proposed" in text
    flag = {"pdflatex": "-pdf", "lualatex": "-pdflua", "xelatex": "-pdfxe"}[engine]
    run = subprocess.run(
        ["latexmk", flag, "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=app.outdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert tex.with_suffix(".pdf").is_file()
    assert "Missing character" not in log


LATEX_ROOTS = ["themes", "basic", "basic-myst", "views", "views-myst"]


@pytest.mark.skipif(
    shutil.which("latexmk") is None, reason="needs latexmk and TeX Live (.ci/run installs them)"
)
@pytest.mark.parametrize("root", LATEX_ROOTS)
def test_pdf_has_no_overfull_boxes(make_app, copy_root, root: str) -> None:
    app = make_app("latex", srcdir=copy_root(root))
    app.build()
    tex = next(app.outdir.glob("*.tex"))
    run = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=app.outdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert tex.with_suffix(".pdf").is_file()
    overfull = [line for line in log.splitlines() if line.startswith("Overfull")]
    assert overfull == []


@pytest.mark.skipif(
    shutil.which("latexmk") is None, reason="needs latexmk and TeX Live (.ci/run installs them)"
)
def test_hostile_text_does_not_break_latex(make_app, copy_root) -> None:
    """Titles and values made to break markup compile; pdfLaTeX only lacks glyphs for
    some characters (emoji, bidi controls), which XeLaTeX and LuaLaTeX have."""
    app = make_app("latex", srcdir=copy_root("hostile"))
    app.build()
    tex = next(app.outdir.glob("*.tex"))
    subprocess.run(
        ["latexmk", "-pdf", "-f", "-interaction=nonstopmode", tex.name],
        cwd=app.outdir,
        capture_output=True,
        timeout=300,
    )
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    assert errors, "the root is meant to hold characters pdfLaTeX has no glyph for"
    assert all("Unicode character" in line for line in errors), errors


def test_plain_text_keeps_untraced_on_one_line(make_app, copy_root) -> None:
    app = make_app("text", srcdir=copy_root("themes"))
    app.build()
    text = (app.outdir / "matrix.txt").read_text(encoding="utf-8")
    assert "| **untraced** |" in text


def test_manual_page_starts_a_paragraph_for_each_object(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Intro\n=====\n\nA paragraph before.\n\n"
            ".. requirement:: Thing\n   :id: R-1\n\nAfter.\n"
        },
    )
    app = make_app("man", srcdir=src)
    app.build()
    page = next(app.outdir.glob("*.1")).read_text(encoding="utf-8")
    assert "A paragraph before.\n.sp\nRequirement \\fBR\\-1\\fP: Thing" in page


@requires_dot
@requires_dot
def test_epub_graphs_are_well_formed_xhtml(make_app, copy_root) -> None:
    """An EPUB's pages are XHTML, read by an XML parser: the drawings in them too."""
    import defusedxml.ElementTree as SafeET

    app = make_app(
        "epub",
        srcdir=copy_root("themes"),
        confoverrides={"version": "1", "copyright": "2026", "epub_copyright": "2026"},
    )
    app.build()
    page = (app.outdir / "graph.xhtml").read_text(encoding="utf-8")
    tree = SafeET.fromstring(page)
    svgs = [e for e in tree.iter() if e.tag == "{http://www.w3.org/2000/svg}svg"]
    assert len(svgs) == 2
    assert not list((app.outdir / "_images").glob("*.map"))  # no image maps to leave out
    assert not [w for w in warnings_of(app) if ".map" in w or "[designdoc.graph]" in w]
