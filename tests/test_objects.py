"""Object directives end to end: rendering, links, backlinks, roles, inventory, JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import find_warning, load_report, warnings_of
from sphinx.testing.util import SphinxTestApp

from sphinx_designdoc.codec import SCHEMA_PATH


def _objects(report: dict) -> dict[str, dict]:
    return {o["id"]: o for o in report["objects"]}


@pytest.mark.parametrize("root", ["basic", "basic-myst"])
def test_objects_render_with_anchor_fields_links_and_backlinks(
    make_app, copy_root, root: str
) -> None:
    app: SphinxTestApp = make_app("html", srcdir=copy_root(root))
    app.build()
    assert app.warning.getvalue() == ""
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    decisions = (app.outdir / "decisions.html").read_text(encoding="utf-8")

    # the ID is the anchor; type, ID and title in the header; status and fields listed
    assert re.search(
        r'<div class="dd-object dd-type-requirement dd-status-proposed[^"]*" id="REQ-1">', index
    )
    assert (
        '<strong class="dd-id">REQ-1</strong>: <span class="dd-title">Accept card payments</span>'
        in index
    )
    assert "must" in index and "payments, cards" in index
    # outgoing links across pages, with the target's title (the ID never breaks)
    assert (
        '<a class="reference internal" href="index.html#REQ-1" title="Accept card payments">'
        '<span class="dd-ref"><span class="dd-ref-id">REQ-1</span>: Accept card payments'
        "</span></a>"
    ) in decisions
    # computed backlinks, across pages
    backlinks = index.split('id="REQ-1"', 1)[1].split("</dl>", 1)[0]
    assert "Addressed by" in backlinks
    assert 'href="decisions.html#DEC-0"' in backlinks and 'href="decisions.html#DEC-1"' in backlinks
    assert "DEC-1</span>: Use the Stripe API</span></a>" in backlinks
    assert "Refined by" in backlinks and 'href="#REQ-2"' in backlinks
    # superseded-by is a backlink of the superseded decision
    dec0 = decisions.split('id="DEC-0"', 1)[1].split("</dl>", 1)[0]
    assert "Superseded by" in dec0 and "DEC-2</span>: Move away from PayPal" in dec0
    # roles: implicit text is "ID: title", explicit text is kept
    assert (
        '<span class="dd-ref"><span class="dd-ref-id">REQ-1</span>: Accept card payments</span>'
        in index
    )
    assert (
        'href="decisions.html#DEC-1" title="Use the Stripe API"><span class="xref dd dd-ref">the decision</span>'
        in index
    )
    # the design-document header takes the page title when it has none of its own
    assert '<span class="dd-title">Payment Service Design</span>' in index
    # the stylesheet ships and is linked
    assert (app.outdir / "_static" / "designdoc.css").is_file()
    assert "_static/designdoc.css" in index


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml", "text", "latex"])
def test_designdoc_json_in_every_builder_matches_schema(make_app, copy_root, builder: str) -> None:
    app = make_app(builder, srcdir=copy_root("basic"))
    app.build()
    report = load_report(app.outdir)
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert report["schema_version"] == 1
    objs = _objects(report)
    assert sorted(objs) == [
        "DD-PAY",
        "DEC-0",
        "DEC-1",
        "DEC-2",
        "DEP-1",
        "DEP-2",
        "REQ-1",
        "REQ-2",
        "REQ-3",
    ]
    req1 = objs["REQ-1"]
    assert req1["source"] == "index.rst" and req1["line"] == 13 and req1["docname"] == "index"
    assert req1["fields"] == {
        "kind": "functional",
        "priority": "must",
        "tags": ["payments", "cards"],
    }
    assert req1["incoming"] == {"addressed by": ["DEC-0", "DEC-1"], "refined by": ["REQ-2"]}
    assert req1["traced"] is True
    assert objs["REQ-3"]["traced"] is None  # rejected: not expected to be traced
    dec1 = objs["DEC-1"]
    assert dec1["links"] == {"addresses": ["REQ-1", "REQ-2"], "uses": ["DEP-1"]}
    assert dec1["fields"]["alternatives"] == ["Adyen", "build our own"]
    assert objs["DEP-1"]["fields"]["version"] == ">=5.3,<6"
    assert report["coverage"]["requirement"] == {"traced": 2, "total": 2, "percent": 100.0}
    # where each builder puts the pages (the index of dirhtml is the folder itself)
    urls = {
        "dirhtml": ("#REQ-1", "decisions/#DEC-1"),
        "singlehtml": ("#REQ-1", "#DEC-1"),
    }.get(builder, ("index.html#REQ-1", "decisions.html#DEC-1"))
    assert (req1["url"], dec1["url"]) == urls


def test_text_and_latex_builders_degrade_to_readable_text(make_app, copy_root) -> None:
    app = make_app("text", srcdir=copy_root("basic"))
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Requirement **REQ-1**: Accept card payments" in text
    # a superseded decision is marked (marks.py)
    assert "Addressed by:\n   DEC-0: Use PayPal (superseded), DEC-1: Use the Stripe API" in text
    assert "See REQ-1: Accept card payments and *the decision*." in text

    latex_app = make_app("latex", srcdir=copy_root("basic", "basic-latex"))
    latex_app.build()
    tex = next(latex_app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\label{\detokenize{index:REQ-1}}" in tex
    assert r"\DUrole{dd-ref-id}{REQ\sphinxhyphen{}1}: Accept card payments" in tex
    # links from another page point at the object's own page (refdoc is kept)
    assert r"\hyperref[\detokenize{index:REQ-1}]" in tex
    assert r"\hyperref[\detokenize{decisions:REQ-1}]" not in tex


def test_rst_and_myst_give_the_same_report(make_app, copy_root) -> None:
    reports = []
    for root in ("basic", "basic-myst"):
        app = make_app("html", srcdir=copy_root(root))
        app.build()
        text = (app.outdir / "designdoc.json").read_text(encoding="utf-8")
        reports.append(re.sub(r'"source": "([^"]+)\.(rst|md)"', r'"source": "\1"', text))
    assert reports[0] == reports[1]


def test_designdoc_json_has_one_object_per_line(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("basic"))
    app.build()
    text = (app.outdir / "designdoc.json").read_text(encoding="utf-8")
    report = json.loads(text)
    object_lines = [line for line in text.splitlines() if line.startswith('  {"id": ')]
    assert len(object_lines) == len(report["objects"])
    assert json.loads(object_lines[0].rstrip(",")) == report["objects"][0]


def test_a_design_document_without_an_id_takes_its_page_name(make_app, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "guides").mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["sphinx_designdoc"]\n', encoding="utf-8")
    (src / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n   guides/payment gateway\n", encoding="utf-8"
    )
    (src / "guides" / "payment gateway.rst").write_text(
        "Payment Gateway\n===============\n\n.. designdoc::\n\nCurrent Context\n---------------\n\nx\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    report = load_report(app.outdir)
    (header,) = [o for o in report["objects"] if o["type"] == "designdoc"]
    assert header["id"] == "guides-payment-gateway" and header["title"] == "Payment Gateway"
    warnings = warnings_of(app)
    # its section check runs: the template's other sections are missing
    assert any("lacks the section 'Requirements'" in w for w in warnings)
    assert not [w for w in warnings if "has no :id:" in w]


@pytest.fixture
def report(answers_report: dict[str, Any]) -> dict[str, Any]:
    return answers_report


def test_a_design_document_header_shows_what_the_author_wrote(make_app, copy_root) -> None:
    src = copy_root("basic")
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: With a comma in an option\n   :id: DEC-ALT\n"
            "   :status: rejected\n   :alternatives: A, with a comma; B\n"
        )
    (src / "design.rst").write_text(
        "Design\n======\n\n.. designdoc::\n   :id: DD-X\n", encoding="utf-8"
    )
    index = src / "index.rst"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("   decisions\n", "   decisions\n   design\n"), encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "A, with a comma; B" in page
    design = (app.outdir / "design.html").read_text(encoding="utf-8")
    assert "Template" not in design


def test_custom_type_and_link_are_first_class(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "risks.rst").write_text(
        "Risks\n=====\n\n"
        ".. risk:: Card data leaks\n   :id: RISK-1\n   :severity: high\n\n"
        ".. dd:risk:: Vendor lock-in\n   :id: RISK-2\n   :severity: extreme\n\n"
        ".. decision:: Tokenise cards\n   :id: DEC-9\n   :status: accepted\n"
        "   :addresses: REQ-1\n   :mitigates: RISK-1\n",
        encoding="utf-8",
    )
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("   risks\n")
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={
            "designdoc_types": {
                "risk": {
                    "statuses": ["open", "mitigated", "accepted"],
                    "fields": {"severity": ["low", "medium", "high"]},
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
        },
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, "risks.rst:10:", "invalid", "unknown severity 'extreme'")
    find_warning(w, "risks.rst:8:", "untraced", "risk RISK-2 is untraced")
    assert len(w) == 2, w
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["RISK-1"]["incoming"] == {"mitigated by": ["DEC-9"]}
    assert objs["RISK-1"]["traced"] is True and objs["RISK-2"]["traced"] is False
    assert report["coverage"]["risk"] == {"traced": 1, "total": 2, "percent": 50.0}
    html = (app.outdir / "risks.html").read_text(encoding="utf-8")
    assert 'id="RISK-1"' in html and "Mitigated by" in html and "Mitigates" in html


ONLY = """
Only
====

.. only:: latex

   .. requirement:: Printed appendix
      :id: REQ-PRINT

.. decision:: Print the appendix
   :id: DEC-PRINT
   :status: accepted
   :addresses: REQ-PRINT, REQ-1

See :dd:ref:`REQ-PRINT`.

.. dd-matrix::
"""


def test_only_blocks_are_respected(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "only.rst").write_text(ONLY, encoding="utf-8")
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   only\n", encoding="utf-8")

    html = make_app("html", srcdir=src)
    html.build()
    html.cleanup()
    # not in this builder's output: not linked, not counted, not reported as dangling
    page = (html.outdir / "only.html").read_text(encoding="utf-8")
    assert "#REQ-PRINT" not in page and 'id="REQ-PRINT"' not in page
    assert "REQ-PRINT" not in {o["id"] for o in load_report(html.outdir)["objects"]}
    assert not [w for w in warnings_of(html) if "REQ-PRINT" in w]

    latex = make_app("latex", srcdir=src)
    latex.build()
    report = load_report(latex.outdir)
    assert "REQ-PRINT" in {o["id"] for o in report["objects"]}
    dec = next(o for o in report["objects"] if o["id"] == "DEC-PRINT")
    assert dec["links"]["addresses"] == ["REQ-PRINT", "REQ-1"]
