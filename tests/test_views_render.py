"""dd-matrix, dd-table and dd-graph in RST and MyST, for HTML, text and LaTeX."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from conftest import ROOTS as ROOT_DIR
from conftest import requires_dot
from docutils import nodes
from sphinx import addnodes
from sphinx.ext.graphviz import graphviz
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_designdoc.nodes import designdoc_graph, designdoc_html, designdoc_view
from sphinx_designdoc.views import output

ROOTS = ["views", "views-myst"]


@pytest.fixture(scope="module")
def html_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], SphinxTestApp]:
    """Each root built with ``html`` once for the module, on first use: for the tests
    that only read the pages and the environment."""
    apps: dict[str, SphinxTestApp] = {}

    def build(root: str) -> SphinxTestApp:
        if root not in apps:
            src = tmp_path_factory.mktemp(root) / root
            shutil.copytree(ROOT_DIR / f"test-{root}", src)
            app = SphinxTestApp("html", srcdir=src, status=io.StringIO(), warning=io.StringIO())
            app.build()
            app.cleanup()  # Sphinx's registries as they were, for the next app
            apps[root] = app
        return apps[root]

    return build


def _warnings(app: SphinxTestApp) -> list[str]:
    text = strip_colors(app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line]


def _view_tables(html: str) -> list[str]:
    """The matrix and table views of a page (without Graphviz, graphs are tables too)."""
    return re.findall(r'<table class="dd-table(?![^"]*dd-graph-table)', html)


def _rows(html: str, table_class: str) -> list[str]:
    """The <tr> elements of the first table with ``table_class``."""
    start = html.index(table_class)
    end = html.index("</table>", start)
    return re.findall(r"<tr[^>]*>.*?</tr>", html[start:end], flags=re.S)


@requires_dot
@pytest.mark.parametrize("root", ROOTS)
def test_html_views(html_build, root: str) -> None:
    app = html_build(root)
    warnings = _warnings(app)
    assert all("designdoc.untraced" in w for w in warnings), warnings
    assert len(warnings) == 2
    html = (app.outdir / "views.html").read_text(encoding="utf-8")

    # matrix, grid layout: coverage line, one row per requirement, untraced rows marked
    assert '<p class="dd-coverage dd-coverage-incomplete">1 of 3 traced (33.3%)</p>' in html
    rows = _rows(html, "dd-matrix-table")
    assert len(rows) == 5  # header + 4 requirements, naturally sorted
    assert [re.search(r"#(REQ-\d+)", r).group(1) for r in rows[1:]] == [  # type: ignore[union-attr]
        "REQ-1",
        "REQ-2",
        "REQ-3",
        "REQ-10",
    ]
    assert "dd-traced" in rows[1] and "&#10003;" in rows[1]  # a character reference
    assert "dd-untraced" in rows[2] and "untraced</strong>" in rows[2]
    assert "dd-inactive" in rows[3] and "n/a" in rows[3]
    assert "dd-untraced" in rows[4]
    # every ID links to its object, column headers included
    assert 'href="requirements.html#REQ-1"' in rows[1]
    assert 'href="decisions.html#DEC-1"' in rows[0]
    assert 'href="decisions.html#DEC-2"' in rows[0]
    assert 'title="Use a cache"' in rows[0]
    assert '<div class="dd-scroll docutils container">' in html

    # matrix, list layout with caption
    assert "Requirements by decision" in html
    assert "Addressed by (decision)" in html
    assert "(rejected)" in html  # a non-counting decision is shown but marked

    # table with chosen columns, sort and incoming links
    assert "<p>Addressed by</p>" in html and "<p>Document</p>" in html
    table_start = html.index("<p>Addressed by</p>")
    table_html = html[table_start : html.index("</table>", table_start)]
    order = re.findall(r'href="requirements.html#(REQ-\d+)"', table_html)
    assert order == ["REQ-2", "REQ-1", "REQ-3", "REQ-10"]  # -priority, then id
    assert 'href="requirements.html"' in table_html  # doc column
    assert "security, speed" in table_html

    # graph: drawn in the page as SVG, each box a link to its object
    svgs = re.findall(r'<svg [^>]*class="dd-graph-svg".*?</svg>', html, re.S)
    assert len(svgs) == 2
    assert '<a class="dd-node dd-type-decision' in svgs[0]
    assert 'href="decisions.html#DEC-1"' in svgs[0]
    assert (
        'href="requirements.html#REQ-1" xlink:href="requirements.html#REQ-1" target="_top"'
        in svgs[0]
    )
    assert "<map" not in html and 'class="graphviz"' not in html
    assert ' id="' not in "".join(svgs)  # no ID of the drawing's can clash with the page's


@requires_dot  # asserts on the drawn graphs too
@pytest.mark.parametrize("root", ROOTS)
def test_doctree_is_plain_docutils(make_app, copy_root, root: str) -> None:
    # the text builder keeps the docutils tables (HTML builders get raw HTML, below)
    app = make_app("text", srcdir=copy_root(root))
    app.build()
    doctree = app.env.get_and_resolve_doctree("views", app.builder)
    assert not list(doctree.findall(designdoc_view))
    assert not list(doctree.findall(addnodes.pending_xref))  # views link by themselves
    tables = list(doctree.findall(nodes.table))
    assert len(tables) == 4
    filtered = tables[3]
    refs = [(r.astext(), r["reftitle"]) for r in filtered.findall(nodes.reference)]
    assert refs == [("REQ-1", "Fast startup")]  # "security" in tags and approved
    graphs = list(doctree.findall(graphviz))
    assert len(graphs) == 2
    root_graph = graphs[0]["code"]
    assert '"DEC-1"' in root_graph and '"DEP-1"' in root_graph and '"REQ-1"' in root_graph
    assert '"REQ-2"' not in root_graph
    assert 'fillcolor="#dcfce7"' in root_graph  # decisions coloured by type
    untraced_graph = graphs[1]["code"]
    assert '"REQ-2"' in untraced_graph and '"REQ-1"' not in untraced_graph
    assert 'color="#dc2626"' in untraced_graph  # untraced outlined in red
    assert 'style="rounded,filled,dashed"' in untraced_graph  # DEC-2 is rejected


@requires_dot  # asserts on the drawn graphs too
@pytest.mark.parametrize("root", ROOTS)
def test_html_doctree_has_html_tables(html_build, root: str) -> None:
    app = html_build(root)
    doctree = app.env.get_and_resolve_doctree("views", app.builder)
    assert not list(doctree.findall(nodes.table))
    tables = ["".join(t["writer"]()) for t in doctree.findall(designdoc_html)]
    assert len(tables) == 4 and all(t.startswith('<table class="dd-table') for t in tables)
    assert 'href="requirements.html#REQ-1"' in tables[3]
    assert "REQ-2" not in tables[3]  # "security" in tags and approved
    assert not list(doctree.findall(graphviz))
    assert len(list(doctree.findall(designdoc_graph))) == 2  # drawn when written
    # the page shows the tables ...
    assert (app.outdir / "views.html").read_text(encoding="utf-8").count(tables[3]) == 1


@pytest.mark.parametrize("root", ROOTS)
def test_view_tables_stay_out_of_the_search_index(html_build, root: str) -> None:
    """... but a search for an object finds its own page, not every table listing it
    nor every page whose fields link to it; fields are found by their values."""
    app = html_build(root)
    index = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    docnames = data["docnames"]

    def pages(term: str) -> set[str]:
        found = data["terms"].get(term, [])
        return {docnames[i] for i in ([found] if isinstance(found, int) else found)}

    # "Fast startup", the title of REQ-1: its page, not the four tables that list it
    # nor DEC-1's fields, which link to it
    assert pages("startup") == {"requirements"}
    assert "decisions" in pages("req")  # ... by its ID, in DEC-1's fields
    assert "decisions" in pages("accept")  # DEC-1's status, a field value
    # the labels every object repeats ("Status", "Priority") are not worth a search
    assert pages("status") == set()


class _Events(HTMLParser):
    """Start tags with their attributes, end tags and non-blank text, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *(f"{k}={v}" for k, v in sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append(("text", data))


def _events(html: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(html[html.index('<div class="body"') :])
    return parser.events


def _view_rows(events: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Per table row: its classes, then each cell's text and link targets."""
    rows: list[tuple[str, ...]] = []
    current: list[str] | None = None
    for event in events:
        if event[:2] == ("start", "tr"):
            current = [a for a in event[2:] if a.startswith("class=")]
        elif event[:2] == ("end", "tr") and current is not None:
            rows.append(tuple(current))
            current = None
        elif current is not None and event[0] == "text":
            current.append(event[1])
        elif current is not None and event[:2] == ("start", "a"):
            current.extend(a for a in event[2:] if a.startswith(("href=", "title=")))
    return rows


FAST_PATH_CASES = [
    ("views", "html", "views"),
    ("views-myst", "html", "views"),
    ("views", "html", "deps"),
    ("views", "dirhtml", "views/index"),
    # objects: their fields, links and backlinks
    ("views", "html", "requirements"),
    ("views-myst", "html", "decisions"),
    ("themes", "html", "design"),
    ("themes", "dirhtml", "design/index"),
    # inactive objects' marks: fields, backlinks, the matrix's list, a table
    ("payments", "html", "requirements"),
    ("payments-myst", "html", "decisions"),
    ("payments", "html", "matrix"),
    ("payments", "html", "tables"),
]


def test_singlehtml_keeps_docutils_tables(make_app, copy_root) -> None:
    """singlehtml writes the whole project as one page on every build, and its link
    URIs depend on the Sphinx version's post-processing of reference nodes."""
    app = make_app("singlehtml", srcdir=copy_root("views"))
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert len(_view_tables(html)) == 5
    assert 'title="Fast startup"><span class="dd-ref">REQ-1</span></a>' in html


@pytest.mark.parametrize(("root", "builder", "page"), FAST_PATH_CASES)
def test_html_fast_path_matches_docutils_path(
    make_app, copy_root, monkeypatch, root: str, builder: str, page: str
) -> None:
    """The raw HTML tables and object fields show what Sphinx's writer makes of the
    docutils nodes: the same elements, classes, texts, link targets and titles."""
    fast = make_app(builder, srcdir=copy_root(root, "fast"))
    fast.build()
    monkeypatch.setattr(output, "use_html_fast_path", lambda builder: False)
    slow = make_app(builder, srcdir=copy_root(root, "slow"))
    slow.build()
    fast_html = (fast.outdir / f"{page}.html").read_text(encoding="utf-8")
    slow_html = (slow.outdir / f"{page}.html").read_text(encoding="utf-8")
    fast_events, slow_events = _events(fast_html), _events(slow_html)
    if "<table" in fast_html:
        rows = _view_rows(fast_events)
        assert len(rows) >= 2 and any("href=" in cell for row in rows for cell in row)
        assert rows == _view_rows(slow_events)
    else:
        assert fast_html.count('<dl class="dd-fields field-list simple">') >= 3
    assert fast_events == slow_events


@requires_dot  # asserts on the drawn graphs too
@pytest.mark.parametrize("root", ROOTS)
def test_text_builder(make_app, copy_root, root: str) -> None:
    app = make_app("text", srcdir=copy_root(root))
    app.build()
    text = (app.outdir / "views.txt").read_text(encoding="utf-8")
    assert "1 of 3 traced (33.3%)" in text
    assert "| REQ-10 " in text
    assert "untraced" in text
    assert "Addressed by (decision)" in text
    assert "[graph: Traceability graph of DEC-1]" in text


@requires_dot  # asserts on the drawn graphs too
def test_latex_builder(make_app, copy_root) -> None:
    app = make_app("latex", srcdir=copy_root("views"))
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "1 of 3 traced (33.3\\%)" in tex
    assert "\\hyperref[\\detokenize{requirements:REQ-1}]" in tex
    assert "\\sphinxstylestrong{untraced}" in tex
    # the tick of the screen, drawn by amssymb (Sphinx's LaTeX writer escapes it)
    assert "\u2713" not in tex and "\\DUrole{dd-mark}{\\(\\checkmark\\)}" in tex
    assert "\\sphinxincludegraphics" in tex or "graphviz" in tex


@pytest.mark.parametrize("root", ROOTS)
def test_parallel_build_writes_the_same_view_pages(make_app, copy_root, root: str) -> None:
    """With ``-j 2`` the worker processes write the view tables: same pages as serial."""
    serial = make_app("html", srcdir=copy_root(root))
    serial.build()
    parallel = make_app("html", srcdir=copy_root(root, "parallel"), parallel=2)
    parallel.build()
    assert parallel.is_parallel_allowed("write")
    page = (parallel.outdir / "views.html").read_text(encoding="utf-8")
    assert len(_view_tables(page)) == 4
    assert page == (serial.outdir / "views.html").read_text(encoding="utf-8")


def test_html_tables_are_written_in_ascii(make_app, tmp_path) -> None:
    """A view table holds no character outside ASCII (titles and marks become character
    references): one such character would make Python keep the page's body, copied
    several times on its way to the file, at two bytes a character."""
    from html import unescape

    from conftest import write_project

    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Café\n====\n\n"
            ".. requirement:: Pay in €, ship to Zürich ✓\n   :id: REQ-1\n\n"
            ".. decision:: Use the café's till\n   :id: DEC-1\n   :status: accepted\n"
            "   :addresses: REQ-1\n\n"
            ".. dd-matrix::\n\n.. dd-table::\n   :columns: id, title\n"
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="dd-table.*?</table>', page, flags=re.S)
    assert len(tables) == 2
    for table in tables:
        assert table.isascii()
        assert "Pay in €, ship to Zürich ✓" in unescape(table)
    assert "\u2713" in unescape(tables[0])  # the matrix's mark
