"""View options: located warnings for bad ones (RST and MyST), custom vocabulary in
every view, matrix direction and layouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import find_warning, load_report, requires_dot, warnings_of

from sphinx_designdoc.nodes import designdoc_graph


@pytest.mark.parametrize(
    ("root", "lines"),
    [
        ("views-bad", {"filter": 12, "syntax": 15, "hostile": 18, "type": 21, "graph": 30}),
        ("views-bad-myst", {"filter": 13, "syntax": 17, "hostile": 21, "type": 25, "graph": 36}),
    ],
)
def test_bad_view_options_are_located_warnings(
    make_app, copy_root, root: str, lines: dict[str, int]
) -> None:
    app = make_app("html", srcdir=copy_root(root))
    app.build()  # never raises
    # (without Graphviz, the graphs add a designdoc.graph warning of their own)
    w = [x for x in warnings_of(app) if "[designdoc.graph]" not in x]
    ext = "md" if root.endswith("myst") else "rst"
    at = {key: f"index.{ext}:{line}:" for key, line in lines.items()}
    find_warning(
        w,
        at["filter"],
        "invalid",
        "dd-matrix: invalid :filter: 'statuss == \"approved\"': unknown field 'statuss'; "
        "did you mean 'status'?",
    )
    find_warning(w, at["syntax"], "invalid", "compare with '=='")
    find_warning(w, at["hostile"], "invalid", "__import__('os').system('true')")
    find_warning(w, at["type"], "invalid", "unknown type 'widget' in :rows:")
    find_warning(w, "", "invalid", "unknown column 'colour' in :columns:")
    find_warning(w, "", "invalid", "unknown column 'weight' in :sort:")
    find_warning(w, "", "invalid", "unknown option :bogus:")
    find_warning(w, at["graph"], "dangling", "dd-graph: :root: names unknown ID 'NOPE-1'")
    find_warning(w, at["graph"], "invalid", ":depth: must be a whole number")
    find_warning(
        w, "", "invalid", "no link type connects 'requirement' rows and 'dependency' columns"
    )
    assert len(w) == 10, w
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert html.count("not shown") == 6  # three filters, the matrices and the graph
    # the table with an unknown column still shows what it can
    assert 'href="#REQ-1"' in html
    findings = load_report(app.outdir)["findings"]
    assert sum(1 for f in findings if f["subtype"] == "invalid") == 9


CUSTOM = {
    "designdoc_types": {
        "risk": {
            "label": "Risk",
            "statuses": ["open", "mitigated", "accepted", "closed"],
            "inactive_statuses": ["closed"],
            "fields": {"severity": ["low", "medium", "high"]},
            "color": "#fee2e2",
        }
    },
    "designdoc_links": {
        "mitigates": {
            "incoming": "mitigated by",
            "source": "decision",
            "target": "risk",
            "traces": True,
        }
    },
}

RISKS = """\
Risks
=====

.. risk:: Card data leaks
   :id: RISK-1
   :severity: high

.. risk:: Vendor lock-in
   :id: RISK-2
   :severity: medium

.. risk:: Old risk
   :id: RISK-3
   :status: closed

.. decision:: Tokenise cards
   :id: DEC-9
   :status: accepted
   :addresses: REQ-1
   :mitigates: RISK-1

.. dd-matrix::
   :rows: risk
   :columns: decision

.. dd-table::
   :type: risk
   :columns: id, title, severity, mitigated by, traced
   :filter: severity == "high" or untraced

.. dd-graph::
   :types: risk, decision
   :filter: not inactive

.. dd-matrix::
   :rows: decision
   :columns: risk
   :layout: list
"""


def _build_risks(make_app, copy_root) -> Any:
    src: Path = copy_root("views")
    (src / "risks.rst").write_text(RISKS, encoding="utf-8")
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("   risks\n")
    app = make_app("html", srcdir=src, confoverrides=CUSTOM)
    app.build()
    return app


@requires_dot
def test_custom_vocabulary_in_graphs(make_app, copy_root) -> None:
    app = _build_risks(make_app, copy_root)
    # graph: custom type coloured by its own colour
    resolved = app.env.get_and_resolve_doctree("risks", app.builder)
    code = next(iter(resolved.findall(designdoc_graph)))["drawing"].dot
    assert 'fillcolor="#fee2e2"' in code and '"RISK-3"' not in code
    assert '"DEC-9" -> "RISK-1" [label=<' in code and ">mitigates</font>" in code
    # in the page's drawing, the type's colour is its boxes' accent (dark enough to tint
    # a box on a light page and on a dark one)
    html = (app.outdir / "risks.html").read_text(encoding="utf-8")
    risk_box = re.search(r'<a class="dd-node dd-type-risk[^"]*"[^>]*>', html)
    assert risk_box is not None and "dd-accent-own" in risk_box.group(0)
    assert 'style="--dd-type-color:#' in risk_box.group(0)


def test_custom_vocabulary_in_views_checks_and_report(make_app, copy_root) -> None:
    app = _build_risks(make_app, copy_root)
    w = warnings_of(app)
    find_warning(w, "risks.rst:8:", "untraced", "risk RISK-2 is untraced")
    assert not [x for x in w if "RISK-1" in x or "RISK-3" in x], w
    html = (app.outdir / "risks.html").read_text(encoding="utf-8")
    # matrix found the custom link by itself: risks by the decisions that mitigate them
    assert "1 of 2 traced (50%)" in html
    assert re.search(r'<tr class="dd-row dd-untraced[^"]*">.*?#RISK-2', html, re.S)
    # table: custom field and custom incoming name as columns, filter on custom field
    table = html[html.index("<p>Mitigated by</p>") :]
    table = table[: table.index("</table>")]
    assert "high" in table and "RISK-1" in table and "RISK-2" in table
    assert "RISK-3" not in table
    # outgoing direction: decisions as rows, the risks they mitigate listed
    assert "Mitigates (risk)" in html
    report = load_report(app.outdir)
    assert report["coverage"]["risk"] == {"traced": 1, "total": 2, "percent": 50.0}
