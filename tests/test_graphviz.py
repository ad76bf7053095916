"""``dd-graph`` and Graphviz: a readable table and one located warning without it, and
graph links that land on their objects in PNG image maps and SVG files alike."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from conftest import load_report, requires_dot, warnings_of

XLINK = "{http://www.w3.org/1999/xlink}href"


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


@requires_dot
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_svg_graph_links_land_on_their_objects(make_app, copy_root, builder: str) -> None:
    """Sphinx rewrites the relative links of an SVG graph for the images folder; each
    link, same page or not, nested page or not, must still reach its object."""
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
    app = make_app(builder, srcdir=src, confoverrides={"graphviz_output_format": "svg"})
    app.build()
    svgs = sorted((app.outdir / "_images").glob("*.svg"))
    assert svgs
    checked: set[str] = set()
    for svg in svgs:
        root = SafeET.parse(svg).getroot()
        for element in root.iter():
            href = element.get(XLINK)
            if not href or "://" in href:
                continue
            path, _, fragment = href.partition("#")
            target = Path(posixpath.normpath(posixpath.join(str(svg.parent), path)))
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{svg.name}: {href} leads nowhere"
            assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (svg.name, href)
            checked.add(fragment)
    # links to the page's own objects and to another page's, from a nested page
    assert {"REQ-LOCAL", "DEC-LOCAL", "REQ-1", "DEC-1"} <= checked
