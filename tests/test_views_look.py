"""What readers see, in every output: badges on objects, the matrix's marks and legend,
the graph's legend and root, search entries that land on the object, LaTeX tables that
fit the page, and plain-text, manual-page and EPUB outputs without glitches.

The browser checks of the same views (contrast, overflow, dark mode) are in
``test_browser.py``.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import edit, requires_dot, warnings_of, write_project
from sphinx import addnodes

from sphinx_designdoc.nodes import designdoc_graph
from sphinx_designdoc.subtypes import SUBTYPES
from sphinx_designdoc.views.cells import TableModel
from sphinx_designdoc.views.output import latex_layout


def _html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def _badges(html: str) -> dict[str, list[str]]:
    """Object ID -> the badges in its header."""
    out: dict[str, list[str]] = {}
    for box in re.findall(
        r'<div class="dd-object[^"]*" id="([^"]+)">\s*<p class="dd-head"[^>]*>(.*?)</p>', html, re.S
    ):
        item_id, head = box
        out[item_id] = re.findall(r'class="dd-badge dd-badge-(\w+)"', head)
    return out


# -- badges ------------------------------------------------------------------------------


@pytest.mark.parametrize("root", ["views", "views-myst"])
def test_untraced_objects_say_so_on_their_own_box(make_app, copy_root, root: str) -> None:
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    badges = _badges(_html(app, "requirements"))
    assert badges["REQ-2"] == ["untraced"] and badges["REQ-10"] == ["untraced"]
    assert badges["REQ-1"] == [] and badges["REQ-3"] == []  # traced; rejected
    html = _html(app, "requirements")
    link = re.search(
        r'<span class="dd-badge dd-badge-untraced"><a class="([^"]+)" href="([^"]+)" title="([^"]+)"',
        html,
    )
    assert link is not None
    assert "dd-badge-link" in link.group(1)
    assert link.group(2) == SUBTYPES["untraced"].help_url
    assert link.group(2).endswith("checks.html#designdoc-untraced")
    assert link.group(3).startswith(SUBTYPES["untraced"].summary[:30])


def test_badges_name_every_kind_and_respect_suppress_warnings(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": (
                "Design\n======\n\n"
                ".. requirement:: Nobody answers me\n   :id: REQ-1\n\n"
                ".. decision:: Answers nothing\n   :id: DEC-1\n   :status: accepted\n\n"
                ".. dependency:: Nobody uses me\n   :id: DEP-1\n"
            )
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert _badges(_html(app, "index")) == {
        "REQ-1": ["untraced"],
        "DEC-1": ["unjustified"],
        "DEP-1": ["unused"],
    }
    quiet = make_app(
        "html",
        srcdir=src,
        builddir=tmp_path / "quiet",
        confoverrides={"suppress_warnings": ["designdoc.untraced", "designdoc.unused"]},
    )
    quiet.build()
    assert _badges(_html(quiet, "index")) == {"REQ-1": [], "DEC-1": ["unjustified"], "DEP-1": []}


@pytest.mark.parametrize("parallel", [0, 2], ids=["serial", "parallel"])
def test_badges_follow_changes_on_other_pages(make_app, copy_root, parallel: int) -> None:
    """Whether an object is traced is decided on other pages: its page is rewritten when
    that changes, in serial and parallel builds."""
    src = copy_root("views")
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == ["untraced"]
    edit(
        src / "decisions.rst",
        "   :id: DEC-2\n   :status: rejected",
        "   :id: DEC-2\n   :status: accepted",
    )
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == []
    # and back
    edit(
        src / "decisions.rst",
        "   :id: DEC-2\n   :status: accepted",
        "   :id: DEC-2\n   :status: rejected",
    )
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    assert _badges(_html(app, "requirements"))["REQ-2"] == ["untraced"]


def test_badges_in_plain_outputs_carry_no_url(make_app, copy_root) -> None:
    src = copy_root("views")
    for builder in ("text", "man"):
        app = make_app(builder, srcdir=src, builddir=src / "_build" / builder)
        app.build()
        text = "".join(
            p.read_text(encoding="utf-8")
            for p in app.outdir.glob("*.*")
            if p.suffix in (".txt", ".1")
        )
        assert "untraced" in text
        assert "readthedocs" not in text


# -- matrix ------------------------------------------------------------------------------


def _rows(html: str) -> dict[str, list[str]]:
    """Matrix rows by ID: the text of each cell."""
    rows: dict[str, list[str]] = {}
    for row in re.findall(r'<tr class="dd-row[^"]*">(.*?)</tr>', html, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        rows[cells[0]] = cells
    return rows


def _headers(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head is not None
    return [
        unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    ]


def test_matrix_tells_counting_links_from_the_others(make_app, copy_root) -> None:
    src = copy_root("themes")
    edit(
        src / "matrix.rst",
        ":caption: Requirements by decision",
        ":caption: Requirements by decision\n   :layout: grid",
    )
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert _headers(html) == [
        "ID",
        "Requirement",
        "Status",
        "Traced",
        "DEC-1",
        "DEC-2",
        "DEC-3",
        "DEC-4 (superseded)",  # inactive objects are marked wherever they are linked
        "DEC-5",
        "DEC-6 (rejected)",
    ]
    rows = _rows(html)
    # FR-3 is addressed only by a rejected decision: untraced, and no tick under it
    assert rows["FR-3"][3] == "untraced" and rows["FR-3"][9] == "\u25cb"
    # NFR-1: traced by accepted DEC-3 and DEC-5; superseded DEC-4 does not count
    assert rows["NFR-1"][3] == "\u2713"
    assert rows["NFR-1"][6:9] == ["\u2713", "\u25cb", "\u2713"]
    assert rows["FR-4"][3] == "n/a"  # rejected requirements are not counted
    legend = re.search(r'<p class="dd-legend">(.*?)</p>', html, re.S)
    assert legend is not None
    text = re.sub(r"<[^>]+>", "", legend.group(1))
    assert "\u2713 addressed by a decision that is accepted or proposed" in text
    assert "\u25cb addressed by a decision that is not" in text
    assert "Traced: \u2713 when a row has a \u2713 in a column, untraced when it has none" in text
    assert "n/a: a rejected or deprecated requirement, not counted" in text
    assert "(superseded) after an ID: a decision that is rejected, superseded or deprecated" in text
    # the table scrolls in its own box
    assert (
        '<div class="dd-scroll docutils container">\n<table class="dd-table dd-matrix-table dd-matrix-grid'
        in html
    )


def test_matrix_list_layout_keeps_the_traced_column(make_app, copy_root) -> None:
    src = copy_root("themes")
    edit(
        src / "matrix.rst",
        ":caption: Requirements by decision",
        ":caption: Requirements by decision\n   :layout: list",
    )
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert _headers(html) == ["ID", "Requirement", "Status", "Traced", "Addressed by (decision)"]
    rows = _rows(html)
    assert rows["NFR-1"][4] == "DEC-3, DEC-4 (superseded), DEC-5"
    assert re.search(
        r'<a [^>]*href="design.html#DEC-4"[^>]*><span class="dd-ref">DEC-4</span> '
        r'<span class="dd-inactive-mark">\(superseded\)</span></a>',
        html,
    )
    # a legend under every matrix, for the marks of its layout
    legend = re.search(r'<p class="dd-legend">(.*?)</p>', html, re.S)
    assert legend is not None
    text = re.sub(r"<[^>]+>", "", legend.group(1))
    assert text.startswith("\u2713 traced: addressed by a decision that is accepted or proposed")
    assert "untraced: no such decision" in text and "\u25cb" not in text


def _matrix_source(src: Path) -> tuple[Path, str, str]:
    """The matrix page of a payments root, and the edit that asks for the grid."""
    if (src / "matrix.md").exists():
        return src / "matrix.md", "```{dd-matrix}\n", "```{dd-matrix}\n:layout: grid\n"
    return src / "matrix.rst", ".. dd-matrix::\n", ".. dd-matrix::\n   :layout: grid\n"


@pytest.mark.parametrize("root", ["payments", "payments-myst"])
def test_default_matrix_of_eleven_decisions_is_the_list(make_app, copy_root, root: str) -> None:
    """Eleven decision columns do not fit a page (the browser test measures it): the
    default layout is the list; the grid stays an option."""
    src = copy_root(root)
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert "dd-matrix-list" in html and "dd-matrix-grid" not in html
    assert _headers(html) == ["ID", "Requirement", "Status", "Traced", "Addressed by (decision)"]
    edit(*_matrix_source(src))
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert "dd-matrix-grid" in html
    assert len(_headers(html)) == 4 + 11


@pytest.mark.parametrize(("builder", "output"), [("text", "matrix.txt"), ("latex", "*.tex")])
def test_default_matrix_is_the_list_in_other_builders_too(
    make_app, copy_root, builder: str, output: str
) -> None:
    app = make_app(builder, srcdir=copy_root("payments"))
    app.build()
    text = next(app.outdir.glob(output)).read_text(encoding="utf-8")
    assert "Addressed by (decision)" in text and "PG-DEC-11" in text


def test_a_grid_that_fits_stays_the_default(make_app, copy_root) -> None:
    """Two decision columns fit every theme's page: ``auto`` keeps the grid."""
    app = make_app("html", srcdir=copy_root("views"))
    app.build()
    html = _html(app, "views")
    first = html[html.index('<div class="dd-view dd-matrix') :]
    assert first.index("dd-matrix-grid") < first.index("</table>")


#: where each builder writes the matrix page of a payments root
MATRIX_OUTPUTS = {
    "html": "matrix.html",
    "singlehtml": "index.html",
    "text": "matrix.txt",
    "man": "*.1",
    "texinfo": "*.texi",
    "latex": "*.tex",
}


@pytest.mark.parametrize("builder", list(MATRIX_OUTPUTS))
def test_a_legend_under_every_matrix_in_every_builder(make_app, copy_root, builder: str) -> None:
    app = make_app(builder, srcdir=copy_root("payments"))
    app.build()
    out = next(app.outdir.glob(MATRIX_OUTPUTS[builder]))
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))).split())
    assert "traced: addressed by a decision that is accepted or proposed" in text
    assert ": a rejected or deprecated requirement, not counted" in text
    assert "after an ID: a decision that is rejected, superseded or deprecated" in text


def test_statuses_carry_their_tone(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("themes"))
    app.build()
    design, table = _html(app, "design"), _html(app, "table")
    assert '<span class="dd-status dd-status-approved dd-tone-good">approved</span>' in design
    assert '<span class="dd-status dd-status-rejected dd-tone-bad">rejected</span>' in table
    assert (
        'class="dd-object dd-type-requirement dd-status-rejected dd-tone-bad docutils container" id="FR-4"'
        in design
    )


# -- graph -------------------------------------------------------------------------------


@requires_dot
def test_graph_legend_and_root(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("themes"))
    app.build()
    doctree = app.env.get_and_resolve_doctree("graph", app.builder)
    codes = [node["drawing"].dot for node in doctree.findall(designdoc_graph)]
    assert (
        '"DEC-1" [' in codes[1] and "peripheries" in codes[1].split('"DEC-1" [')[1].split("\n")[0]
    )
    assert "peripheries" not in codes[0]  # no root, nothing drawn twice
    html = _html(app, "graph")
    assert len(re.findall(r'<a class="dd-node [^"]*dd-root', html)) == 1
    legends = re.findall(r'<ul class="dd-graph-legend[^"]*">(.*?)</ul>', html, re.S)
    assert len(legends) == 2
    text = re.sub(r"<[^>]+>", "", legends[1])
    assert "Requirement" in text and "Decision" in text and "Dependency" in text
    assert "arrows: addresses, refines, uses" in text
    assert "double outline: DEC-1" in text
    # the swatch of requirements, tinted as their boxes are (by the stylesheet)
    assert '<span class="dd-swatch dd-type-requirement"></span>' in legends[0]
    assert "thick red outline: untraced" in re.sub(r"<[^>]+>", "", legends[0])
    # the inactive statuses a graph shows, as its boxes show them (none in the second)
    whole = re.sub(r"<[^>]+>", "", legends[0])
    assert "dashed, (rejected) or (superseded) after the ID: inactive" in whole
    assert "dashed" not in text


@requires_dot
@pytest.mark.parametrize("graph_format", ["svg", "png"])
def test_legend_swatch_colours_are_plain_colours(make_app, tmp_path: Path, graph_format) -> None:
    """A colour from conf.py reaches a style attribute only when it is a colour."""
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Risks\n=====\n\n.. risk:: Outage\n   :id: RISK-1\n\n"
            ".. risk:: Flood\n   :id: RISK-2\n   :status: closed\n\n"
            ".. decision:: Failover\n   :id: DEC-1\n   :status: accepted\n"
            "   :mitigates: RISK-1, RISK-2\n\n"
            ".. dd-graph::\n"
        },
        conf='extensions = ["sphinx_designdoc"]\n'
        "designdoc_types = {'risk': {'statuses': ['open', 'closed'],"
        " 'color': 'red;background:url(https://evil.example/x)'},"
        " 'hazard': {'statuses': ['open'], 'color': '#fee2e2'}}\n"
        "designdoc_links = {'mitigates': {'source': 'decision', 'target': 'risk'}}\n",
    )
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={"graphviz_dot": "dot", "designdoc_graph_format": graph_format},
    )
    app.build()
    html = _html(app, "index")
    assert 'class="dd-graph-legend' in html and "Risk" in html
    if graph_format == "png":
        assert 'style="background:#dcfce7"' in html  # decisions keep their swatch
    else:
        assert '<span class="dd-swatch dd-type-decision"></span>' in html
    assert "evil.example" not in html


# -- search ------------------------------------------------------------------------------


def _search_objects(outdir: Path) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The search index, and per display name (as the search page rebuilds it from its
    prefix and name) the page and the anchor a result links to (rebuilt as
    ``searchtools.js`` does, Sphinx 7.4 to 9.x alike)."""
    index = (outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    results: dict[str, tuple[str, str]] = {}
    for prefix, entries in data["objects"].items():
        for doc, typeindex, _prio, anchor, name in entries:
            fullname = f"{prefix}.{name}" if prefix else name
            if anchor == "":
                anchor = fullname
            elif anchor == "-":
                anchor = data["objnames"][str(typeindex)][1] + "-" + fullname
            results[unescape(fullname)] = (data["docnames"][doc], anchor)
    return data, results


@pytest.mark.parametrize("root", ["payments", "payments-myst"])
def test_search_results_read_id_and_title_and_land_on_the_object(
    make_app, copy_root, root: str
) -> None:
    """A result reads "ID: title" (so a search for words of a title finds the object)
    and links to an element of the object's box: its header."""
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    _data, results = _search_objects(app.outdir)
    page, anchor = results["PG-DEC-7: Build our own payout engine"]
    assert (page, anchor) == ("decisions", "dd-head-PG-DEC-7")
    html = _html(app, "decisions")
    assert html.count(f'id="{anchor}"') == 1
    assert re.search(rf'id="PG-DEC-7">\s*<p class="dd-head" id="{anchor}">', html)  # first line
    assert results["PG-DEC-4: Poll the acquirer for settlement files"][1] == "dd-head-PG-DEC-4"
    # an apostrophe, a page of its own
    assert results["PG-DEC-8: Use the acquirer's 3-D Secure SDK"][0] == "decisions"
    assert results["PG-DEP-9: HTTPX"] == ("dependencies", "dd-head-PG-DEP-9")
    assert len([name for name in results if name.startswith("PG-")]) == 35


def test_search_titles_with_dots_and_markup_stay_whole(make_app, tmp_path: Path) -> None:
    """The search page splits a display name at its last dot and joins it back; markup
    in a title is escaped (Sphinx escapes display names)."""
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Design\n======\n\n"
            ".. requirement:: Speak HTTP/1.1 <script>alert(1)</script>\n   :id: REQ.1\n"
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    data, results = _search_objects(app.outdir)
    assert results["REQ.1: Speak HTTP/1.1 <script>alert(1)</script>"] == ("index", "dd-head-REQ.1")
    assert "<script>" not in json.dumps(data["objects"])


def test_inventory_keeps_ids_for_intersphinx(make_app, copy_root) -> None:
    """Other projects link our objects by ID through intersphinx: the inventory's name
    stays the ID, its display name reads "ID: title" and the anchor is the header's."""
    from sphinx.util.inventory import InventoryFile

    app = make_app("html", srcdir=copy_root("payments"))
    app.build()
    with open(app.outdir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org/pg", posixpath.join)
    entry = inventory["dd:decision"]["PG-DEC-7"]
    # Sphinx 8.2 made the tuple an object with attributes
    uri = entry.uri if hasattr(entry, "uri") else entry[2]
    display = entry.display_name if hasattr(entry, "display_name") else entry[3]
    assert uri == "https://example.org/pg/decisions.html#dd-head-PG-DEC-7"
    assert display == "PG-DEC-7: Build our own payout engine"


# -- print and plain outputs -------------------------------------------------------------


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


# -- the gallery -------------------------------------------------------------------------


def test_gallery_page_shows_every_screenshot_the_script_takes() -> None:
    import sys

    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    from scripts.gallery import GALLERY, shot_names

    page = (repo / "docs" / "gallery.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\(_static/gallery/([^)]+)\)", page)
    assert shown and sorted(shown) == sorted(shot_names())
    assert all((GALLERY / name).is_file() for name in shown)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert all(
        name in shot_names() for name in re.findall(r"docs/_static/gallery/([^)\s]+)", readme)
    )
