"""Object directives end to end: rendering, links, backlinks, roles, inventory, JSON."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import jsonschema
import pytest
from conftest import load_report
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


def test_any_role_and_inventory(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "extra.rst").write_text(
        "Extra\n=====\n\n:any:`DEP-2` and :any:`REQ-2`\n", encoding="utf-8"
    )
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("   extra\n")
    app = make_app("html", srcdir=src)
    app.build()
    extra = (app.outdir / "extra.html").read_text(encoding="utf-8")
    assert 'href="decisions.html#DEP-2"' in extra and "DEP-2</span>: pytest" in extra
    assert 'href="index.html#REQ-2"' in extra
    inventory = _read_inventory(app.outdir / "objects.inv")
    assert "dd:requirement REQ-1" in inventory
    assert "dd:decision DEC-1" in inventory
    assert "dd:dependency DEP-2" in inventory


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
    if builder == "dirhtml":
        assert req1["url"] == "#REQ-1" or req1["url"].endswith("#REQ-1")
    elif builder in ("html", "text", "latex"):
        assert req1["url"] == "index.html#REQ-1"


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


def _read_inventory(path: Path) -> str:
    data = path.read_bytes()
    body = data.split(b"\n", 4)[4]
    lines = zlib.decompress(body).decode().splitlines()
    return "\n".join(" ".join(line.split()[1:2] + line.split()[0:1]) for line in lines)


def test_designdoc_json_has_one_object_per_line(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("basic"))
    app.build()
    text = (app.outdir / "designdoc.json").read_text(encoding="utf-8")
    report = json.loads(text)
    object_lines = [line for line in text.splitlines() if line.startswith('  {"id": ')]
    assert len(object_lines) == len(report["objects"])
    assert json.loads(object_lines[0].rstrip(",")) == report["objects"][0]
