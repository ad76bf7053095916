"""``dd-graph`` and Graphviz: a readable table and one located warning without it; the
package's own SVG in the page (links that land on their objects from any page, every
string escaped, inactive objects marked), what a ``:root:`` graph shows, PNG pictures
with links where Graphviz draws the boxes, and what happens when dot fails."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from conftest import load_report, requires_dot, warnings_of, write_project

from sphinx_designdoc.nodes import designdoc_graph

XLINK = "{http://www.w3.org/1999/xlink}href"


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("root", "page", "line"), [("views", "views.rst", 19), ("views-myst", "views.md", 22)]
)
def test_without_graphviz_a_graph_is_a_table_and_one_located_warning(
    make_app, copy_root, root: str, page: str, line: int
) -> None:
    app = make_app(
        "html", srcdir=copy_root(root), confoverrides={"graphviz_dot": "/nonexistent/dot"}
    )
    app.build()
    warnings = warnings_of(app)
    graph = [w for w in warnings if "[designdoc.graph]" in w]
    # one warning for the two graphs, at the first one, saying how to install Graphviz
    assert len(graph) == 1, warnings
    assert f"{page}:{line}: WARNING: dd-graph (and 1 more) is shown as a table" in graph[0]
    assert "apt-get install graphviz" in graph[0] and "brew install graphviz" in graph[0]
    # Sphinx's own graphviz extension is never asked to run dot
    assert not [w for w in warnings if "dot command" in w]

    html = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "digraph" not in html  # no DOT source shown as text
    tables = re.findall(r'<table class="[^"]*dd-graph-table.*?</table>', html, re.S)
    assert len(tables) == 2
    # the root graph lists DEC-1 with its links, every ID a link to its object
    assert 'href="decisions.html#DEC-1"' in tables[0]
    assert re.search(r"addresses </span>.*REQ-1", tables[0])
    report = load_report(app.outdir)
    assert [f["subtype"] for f in report["findings"]].count("graph") == 1


@pytest.mark.parametrize("builder", ["text", "latex"])
def test_without_graphviz_other_builders_show_the_table(make_app, copy_root, builder) -> None:
    app = make_app(
        builder, srcdir=copy_root("views"), confoverrides={"graphviz_dot": "/nonexistent/dot"}
    )
    app.build()
    if builder == "text":
        text = (app.outdir / "views.txt").read_text(encoding="utf-8")
    else:
        text = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "Graphviz is not installed" in text and "DEC-1" in text


def _svgs(page: Path) -> list[str]:
    """The drawings written into an HTML page (as :func:`hostile_helpers.inline_svgs`)."""
    return re.findall(r"<svg\b.*?</svg>", page.read_text(encoding="utf-8"), re.S)


def _boxes(svg: str) -> dict[str, dict[str, str]]:
    """The boxes of a drawing by the ID their tooltip names: link, classes and the text
    of each line."""
    out = {}
    root = SafeET.fromstring(svg)
    for node in root.iter(f"{SVG}a"):
        title = node.find(f"{SVG}title")
        assert title is not None and title.text
        out[title.text.split(": ", 1)[0]] = {
            "href": node.get("href") or "",
            "xlink": node.get(XLINK) or "",
            "target": node.get("target") or "",
            "class": node.get("class") or "",
            "tooltip": title.text,
            "lines": ["".join(t.itertext()) for t in node.iter(f"{SVG}text")],
            "muted": ["".join(t.itertext()) for t in node.iter(f"{SVG}tspan")],
        }
    return out


@requires_dot
@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml"])
def test_graph_links_land_on_their_objects(make_app, copy_root, builder: str) -> None:
    """Every box links, from the page it is drawn on, to its object: on the same page,
    on another, from a nested page, in dirhtml's folders and in singlehtml's one page."""
    src = copy_root("views")
    (src / "sub").mkdir()
    (src / "sub" / "graphs.rst").write_text(
        "Graphs\n======\n\n"
        ".. requirement:: Local requirement\n   :id: REQ-LOCAL\n\n"
        ".. decision:: Local decision\n   :id: DEC-LOCAL\n   :status: accepted\n"
        "   :addresses: REQ-LOCAL, REQ-1\n\n"
        ".. dd-graph::\n   :root: DEC-LOCAL\n",
        encoding="utf-8",
    )
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   sub/graphs\n", encoding="utf-8")
    app = make_app(builder, srcdir=src)
    app.build()
    pages = sorted(Path(app.outdir).rglob("*.html"))
    checked: set[str] = set()
    for page in pages:
        for svg in _svgs(page):
            for item_id, box in _boxes(svg).items():
                href = box["href"]
                assert href == box["xlink"] and box["target"] == "_top", box
                path, _, fragment = href.partition("#")
                target = Path(posixpath.normpath(posixpath.join(str(page.parent), path)))
                if not path:
                    target = page
                elif target.is_dir():
                    target = target / "index.html"
                assert fragment == item_id, (page.name, href)
                assert target.is_file(), f"{page.name}: {href} leads nowhere"
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (page, href)
                checked.add(fragment)
    # links to the page's own objects and to another page's, from a nested page
    assert {"REQ-LOCAL", "DEC-LOCAL", "REQ-1", "DEC-1"} <= checked


@requires_dot
@pytest.mark.parametrize("project_format", ["png", "svg"])
def test_dd_graph_draws_svg_whatever_the_projects_graphviz_format(
    make_app, copy_root, project_format: str
) -> None:
    """dd-graph is drawn in the page as SVG by default; the project's own graphviz
    directives keep its graphviz_output_format."""
    src = copy_root("views")
    views = src / "views.rst"
    views.write_text(
        views.read_text(encoding="utf-8") + "\n.. graphviz::\n\n   digraph own { a -> b }\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, confoverrides={"graphviz_output_format": project_format})
    app.build()
    html = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert len(_svgs(app.outdir / "views.html")) == 2  # the two dd-graphs
    assert html.count('<div class="graphviz">') == 1  # the project's own graph, as it asked
    if project_format == "png":
        assert '<img src="_images/graphviz-' in html
    else:
        assert '<object data="_images/graphviz-' in html
    images = sorted(p.name for p in (app.outdir / "_images").iterdir())
    assert len(images) == (2 if project_format == "png" else 1), images  # ours are inline


@requires_dot
@pytest.mark.parametrize(
    ("root", "page"),
    [("graph-click", "views/overview.rst"), ("graph-click-myst", "views/overview.md")],
)
def test_svg_is_well_formed_and_escapes_hostile_titles(
    make_app, copy_root, tmp_path: Path, root: str, page: str
) -> None:
    """Titles, IDs and statuses reach the drawing as written, escaped by the package:
    Graphviz would read ``&lt;`` as ``<`` and put the node name for ``\\N``."""
    from hostile_helpers import audit_svg_xml

    src = copy_root(root)
    hostile = "</text><script>alert(1)</script> &lt;b&gt; \\N \\G \"q\" 's' & ]]>"
    decisions = src / ("decisions.rst" if page.endswith(".rst") else "decisions.md")
    text = decisions.read_text(encoding="utf-8")
    assert "Train a fraud model of our own" in text
    decisions.write_text(text.replace("Train a fraud model of our own", hostile), encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    out = app.outdir / "views" / "overview.html"
    svgs = _svgs(out)
    assert len(svgs) == 3
    for number, svg in enumerate(svgs):
        path = tmp_path / f"graph-{number}.svg"
        path.write_text(svg, encoding="utf-8")
        assert audit_svg_xml(path, tmp_path) == []
    boxes = _boxes(svgs[0])
    box = boxes["PG-DEC-7"]
    assert box["tooltip"] == f"PG-DEC-7: {hostile} (decision, rejected)"
    # the title, wrapped over the box's lines, as written
    assert "".join("".join(box["lines"][1:]).split()) == "".join(hostile.split())
    assert "<script>" not in svgs[0]


@requires_dot
@pytest.mark.parametrize("root", ["graph-click", "graph-click-myst"])
def test_inactive_objects_are_marked_in_graphs(make_app, copy_root, root: str) -> None:
    """Rejected, superseded and deprecated objects are drawn dashed with their status
    after the ID, as tables and the list matrix mark them; active ones are not."""
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    boxes = _boxes(_svgs(app.outdir / "views" / "overview.html")[0])
    assert len(boxes) == 35
    inactive = {"PG-DEC-4": "superseded", "PG-DEC-7": "rejected", "PG-DEC-9": "rejected"}
    inactive |= {"PG-DEP-3": "deprecated", "PG-DEP-5": "deprecated"}
    for item_id, box in boxes.items():
        if item_id in inactive:
            assert "dd-inactive" in box["class"].split(), item_id
            assert box["lines"][0] == f"{item_id} ({inactive[item_id]})"
            assert box["muted"] == [f" ({inactive[item_id]})"]
        else:
            assert "dd-inactive" not in box["class"].split(), item_id
            assert box["lines"][0] == item_id and box["muted"] == []
    assert "dd-untraced" in boxes["PG-REQ-15"]["class"].split()
    # the same mark where Graphviz draws (PDF, PNG)
    doctree = app.env.get_and_resolve_doctree("views/overview", app.builder)
    dot = next(iter(doctree.findall(designdoc_graph)))["drawing"].dot
    assert 'label="PG-DEC-7 (rejected)\\n' in dot


@requires_dot
def test_inactive_statuses_of_a_projects_own_type_are_marked(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Risks\n=====\n\n"
            ".. risk:: Outage\n   :id: RISK-1\n\n"
            ".. risk:: Meteor\n   :id: RISK-2\n   :status: dismissed\n\n"
            ".. decision:: Failover\n   :id: DEC-1\n   :status: accepted\n"
            "   :mitigates: RISK-1, RISK-2\n\n"
            ".. dd-graph::\n"
        },
        conf='extensions = ["sphinx_designdoc"]\n'
        "designdoc_types = {'risk': {'statuses': ['open', 'dismissed'],"
        " 'inactive_statuses': ['dismissed'], 'color': '#fee2e2'}}\n"
        "designdoc_links = {'mitigates': {'source': 'decision', 'target': 'risk'}}\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    boxes = _boxes(_svgs(app.outdir / "index.html")[0])
    assert "dd-inactive" in boxes["RISK-2"]["class"] and boxes["RISK-2"]["muted"] == [
        " (dismissed)"
    ]
    assert "dd-inactive" not in boxes["RISK-1"]["class"] and boxes["RISK-1"]["muted"] == []
    assert "dashed, (dismissed) after the ID: inactive" in (app.outdir / "index.html").read_text(
        encoding="utf-8"
    )


@requires_dot
@pytest.mark.parametrize("root", ["graph-click", "graph-click-myst"])
def test_root_graph_shows_what_it_supersedes_and_the_other_decisions(
    make_app, copy_root, root: str
) -> None:
    """A graph centred on a decision shows the decision it supersedes and the other
    decisions, of any status, on the requirements it addresses."""
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    whole, dec10, dec6 = (_boxes(svg) for svg in _svgs(app.outdir / "views" / "overview.html"))
    # PG-DEC-10 supersedes PG-DEC-4, and PG-DEC-3 also addresses PG-REQ-13
    assert {"PG-DEC-10", "PG-REQ-10", "PG-REQ-13", "PG-DEP-7"} <= set(dec10)
    assert {"PG-DEC-4", "PG-DEC-3"} <= set(dec10)
    assert "dd-root" in dec10["PG-DEC-10"]["class"]
    # what a change reaches stays as it was: not the other decisions' dependencies
    assert "PG-DEP-2" not in dec10 and "PG-DEC-1" not in dec10
    # PG-DEC-7, rejected, also addressed PG-REQ-7: shown, and marked
    assert {"PG-DEC-6", "PG-REQ-7", "PG-DEC-7"} <= set(dec6)
    assert "dd-inactive" in dec6["PG-DEC-7"]["class"]
    assert "PG-DEC-2" not in dec6  # shares a dependency, not a requirement
    assert len(whole) == 35


def test_root_context_follows_the_decisions_history_to_the_depth() -> None:
    """The history (supersedes, either way) goes as deep as :depth:; the alternatives
    are the other decisions on the root's own requirements."""
    from sphinx_designdoc.graph import Graph
    from sphinx_designdoc.model import Item
    from sphinx_designdoc.views.graph import root_context
    from sphinx_designdoc.vocabulary_config import build_schema

    schema = build_schema({}, {})

    def item(item_id: str, kind: str, status: str, **links: list[str]) -> Item:
        return Item(
            item_id,
            kind,
            item_id,
            status,
            "d",
            "d.rst",
            1,
            links={name: tuple(targets) for name, targets in links.items()},
        )

    items = [
        item("REQ-1", "requirement", "approved"),
        item("REQ-2", "requirement", "approved"),
        item("DEC-1", "decision", "superseded", addresses=["REQ-1"]),
        item("DEC-2", "decision", "superseded", supersedes=["DEC-1"], addresses=["REQ-1"]),
        item("DEC-3", "decision", "accepted", supersedes=["DEC-2"], addresses=["REQ-1"]),
        item("DEC-4", "decision", "accepted", supersedes=["DEC-3"]),
        item("DEC-5", "decision", "rejected", addresses=["REQ-1"]),
        item("DEC-6", "decision", "accepted", addresses=["REQ-2"]),
    ]
    graph = Graph(items, schema)
    root = graph.by_id["DEC-3"]
    assert {i.id for i in root_context(graph, root, 1)} == {"DEC-2", "DEC-4", "DEC-1", "DEC-5"}
    # at depth 1, DEC-1 is there as another decision on REQ-1, not as history
    assert {i.id for i in root_context(graph, graph.by_id["DEC-4"], 1)} == {"DEC-3"}
    assert {i.id for i in root_context(graph, graph.by_id["DEC-4"], 2)} == {"DEC-3", "DEC-2"}
    assert {i.id for i in root_context(graph, graph.by_id["DEC-6"], 2)} == set()


@requires_dot
def test_png_links_are_where_graphviz_draws_the_boxes(make_app, copy_root) -> None:
    """``designdoc_graph_format = "png"``: a link over each box, placed in percentages of
    the picture (so it scales with it) where Graphviz's own image map of the same
    picture puts the box."""
    import struct

    from sphinx_designdoc.views.drawing import PNG_DPI

    app = make_app(
        "html", srcdir=copy_root("graph-click"), confoverrides={"designdoc_graph_format": "png"}
    )
    app.build()
    html = (app.outdir / "views" / "overview.html").read_text(encoding="utf-8")
    assert "<svg" not in html and "<map" not in html
    figure = html[html.index('<div class="dd-graph-png"') :]
    figure = figure[: figure.index("</div>")]
    src = re.search(r'<img src="([^"]+)"[^>]*width="([\d.]+)"', figure)
    assert src is not None and src.group(1).startswith("../_images/dd-graph-")
    png = (app.outdir / "views" / src.group(1)).resolve()
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert abs(width - float(src.group(2)) * PNG_DPI / 96) <= 2  # sharp: 2 pixels a CSS pixel
    links = re.findall(
        r'<a class="dd-node-link[^"]*" href="([^"]+)" target="_top" title="([^"]+)"[^>]*'
        r'style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%" '
        r'data-px="([\d,]+)">',
        figure,
    )
    assert len(links) == 35
    # Graphviz's own map of the same picture: every node a link to its name
    doctree = app.env.get_and_resolve_doctree("views/overview", app.builder)
    dot = next(iter(doctree.findall(designdoc_graph)))["drawing"].dot
    dot = dot.replace("  node [", '  node [URL="\\N", ', 1)
    cmapx = subprocess.run(
        ["dot", f"-Gdpi={PNG_DPI}", "-Tcmapx"], input=dot.encode(), capture_output=True, check=True
    ).stdout.decode()
    areas = {
        area.get("href"): [int(v) for v in area.get("coords").split(",")]
        for area in SafeET.fromstring(cmapx).iter("area")
    }
    for href, title, left, top, w, h, px in links:
        item_id = title.split(": ", 1)[0]
        assert href.endswith(f"#{item_id}")
        x1, y1, x2, y2 = areas[item_id]
        box = [float(left) * width / 100, float(top) * height / 100]
        box += [box[0] + float(w) * width / 100, box[1] + float(h) * height / 100]
        assert all(abs(a - b) <= 3 for a, b in zip(box, (x1, y1, x2, y2), strict=True)), (
            item_id,
            box,
            (x1, y1, x2, y2),
        )
        assert [int(v) for v in px.split(",")] == [round(v) for v in box] or all(
            abs(a - b) <= 2 for a, b in zip(map(int, px.split(",")), box, strict=True)
        )


@requires_dot
def test_a_bad_graph_format_is_a_located_warning_and_svg_is_drawn(make_app, copy_root) -> None:
    app = make_app(
        "html", srcdir=copy_root("views"), confoverrides={"designdoc_graph_format": "gif"}
    )
    app.build()
    warnings = warnings_of(app)
    assert any(
        "conf.py" in w
        and "designdoc_graph_format must be one of svg, png, not 'gif'" in w
        and w.endswith("[designdoc.config]")
        for w in warnings
    ), warnings
    assert len(_svgs(app.outdir / "views.html")) == 2


@requires_dot
@pytest.mark.parametrize(
    ("root", "page", "line"), [("views", "views.rst", 19), ("views-myst", "views.md", 22)]
)
def test_when_dot_fails_the_graph_is_listed_with_a_located_warning(
    make_app, copy_root, tmp_path: Path, root: str, page: str, line: int
) -> None:
    failing = tmp_path / "dot"
    failing.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    app = make_app("html", srcdir=copy_root(root), confoverrides={"graphviz_dot": str(failing)})
    app.build()
    graph = [w for w in warnings_of(app) if "[designdoc.graph]" in w]
    assert len(graph) == 2, graph
    assert f"{page}:{line}: WARNING: dd-graph cannot be drawn: Graphviz's dot program " in graph[0]
    assert "failed (exit status 3): Error: out of memory" in graph[0]
    html = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "[dd-graph not drawn: Graphviz" in html
    # nothing is lost: each object, with a link to it, and its links
    assert '<li><a href="decisions.html#DEC-1">DEC-1</a>: DEC-1: Use a cache' in html
    assert "addresses REQ-1" in html


@requires_dot
def test_a_graph_laid_out_before_is_not_laid_out_again(make_app, copy_root, monkeypatch) -> None:
    """Layouts are kept in the doctree folder: rewriting an unchanged graph's page runs
    no dot (Graphviz takes seconds on large graphs)."""

    src = copy_root("views")
    app = make_app("html", srcdir=src)
    app.build()
    first = (app.outdir / "views.html").read_text(encoding="utf-8")

    def no_dot(*args, **kwargs):
        raise AssertionError(f"dot was run again: {args}")

    monkeypatch.setattr(subprocess, "run", no_dot)
    again = make_app("html", srcdir=src, freshenv=True)
    again.build()
    assert not [w for w in warnings_of(again) if "[designdoc.graph]" in w]
    assert _svgs(again.outdir / "views.html") == _svgs(app.outdir / "views.html")
    assert len(_svgs(again.outdir / "views.html")) == 2 and first


@requires_dot
def test_a_damaged_layout_cache_is_laid_out_again(tmp_path: Path) -> None:
    """A cache file that is not a layout (another version's, half written, edited) is
    never trusted: the graph is laid out again, and nothing in the file reaches the SVG
    but numbers and an anchor of three."""

    from sphinx_designdoc.views.drawing import Box, Dot, Drawing, write_svg

    drawing = Drawing(
        'digraph g { "A" [shape=box, label="A"]; }\n',
        (Box("A", ((("A", ""),),), (), "#A", "A: a (x, y)"),),
        (),
        "g",
    )
    dot = Dot("dot", (), tmp_path)
    cached = tmp_path / f"{dot.key(drawing)}.json"
    cached.write_text("{not json", encoding="utf-8")
    layout = dot.layout(drawing)
    assert len(layout.nodes) == 1 and json.loads(cached.read_text(encoding="utf-8"))
    data = json.loads(cached.read_text(encoding="utf-8"))
    data[2][0][4][0][2] = '"><script>alert(1)</script>'
    cached.write_text(json.dumps(data), encoding="utf-8")
    svg = write_svg(drawing, dot.layout(drawing))
    assert "<script>" not in svg and 'text-anchor="middle"' in svg


def _html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


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
