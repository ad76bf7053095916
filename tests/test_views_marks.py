"""A mark means one thing everywhere: a link to an object in an inactive status (a
rejected or superseded decision, a project type's own inactive statuses) says so, the
same way, wherever the object is linked: an object's links and backlinks, ``:dd:ref:``
(with and without its own text), matrix and table cells, in HTML (both paths), plain
text and LaTeX, and in the reports.  An ID in a link never breaks across lines.

The payment gateway of ``tests/roots/test-payments`` (and its MyST twin): PG-DEC-7 and
PG-DEC-9 are rejected, PG-DEC-4 is superseded by PG-DEC-10.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from conftest import load_report, write_project

from sphinx_designdoc.marks import InactiveMark, inactive_mark, mark_of, marked_text
from sphinx_designdoc.model import Item
from sphinx_designdoc.reports import csv_, html, junit, markdown
from sphinx_designdoc.vocabulary_config import build_schema

ROOTS = ["payments", "payments-myst"]

MARK_REJECTED = '<span class="dd-inactive-mark">(rejected)</span>'
MARK_SUPERSEDED = '<span class="dd-inactive-mark">(superseded)</span>'


def _page(app, name: str, suffix: str = ".html") -> str:
    return (app.outdir / f"{name}{suffix}").read_text(encoding="utf-8")


def _text(html_text: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html_text))


# -- the rule ----------------------------------------------------------------------------


def _item(item_id: str, type_name: str, status: str) -> Item:
    return Item(item_id, type_name, "A title", status, "index", "index.rst", 1)


def test_one_rule_decides_the_mark() -> None:
    schema = build_schema(
        {
            "risk": {
                "label": "Risk",
                "statuses": ["open", "retired"],
                "inactive_statuses": ["retired"],
            }
        }
    )
    assert inactive_mark("rejected", ("rejected", "superseded")) == InactiveMark("rejected")
    assert inactive_mark("accepted", ("rejected",)) is None
    assert inactive_mark(None, ("rejected",)) is None  # a report of another version
    mark = mark_of(_item("R-1", "risk", "retired"), schema)
    assert mark is not None and mark.text == "(retired)"
    assert mark.classes == ("dd-inactive-mark",)
    assert mark_of(_item("R-2", "risk", "open"), schema) is None
    assert mark_of(_item("X-1", "unknown", "retired"), schema) is None
    assert marked_text("PG-DEC-7", InactiveMark("rejected")) == "PG-DEC-7 (rejected)"
    assert marked_text("PG-DEC-1", None) == "PG-DEC-1"


# -- HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("root", ROOTS)
def test_html_marks_inactive_objects_wherever_they_are_linked(
    make_app, copy_root, root: str
) -> None:
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    requirements = _page(app, "requirements")
    # a requirement's own box: "Addressed by PG-DEC-7" says PG-DEC-7 is rejected, inside
    # the link (its accessible name says it too), the ID in a span that never breaks
    box = requirements[requirements.index('id="PG-REQ-12"') :]
    box = box[: box.index("</dl>")]
    assert (
        '<a class="reference internal" href="decisions.html#PG-DEC-7" '
        'title="Build our own payout engine"><span class="dd-ref">'
        '<span class="dd-ref-id">PG-DEC-7</span>: Build our own payout engine</span> '
        f"{MARK_REJECTED}</a>"
    ) in box
    # a live decision is not marked
    box = requirements[requirements.index('id="PG-REQ-10"') :]
    box = box[: box.index("</dl>")]
    assert _text(box).count("(rejected)") == 1  # PG-DEC-9, not PG-DEC-11
    assert "PG-DEC-11</span>: Deliver webhooks" in box
    decisions = _page(app, "decisions")
    # the backlink of a superseded decision, and :dd:ref: with and without its own text
    box = decisions[decisions.index('id="PG-DEC-10"') :]
    box = box[: box.index("</dl>")]
    assert f"Poll the acquirer for settlement files</span> {MARK_SUPERSEDED}</a>" in box
    prose = decisions[decisions.index("Payouts stay manual") :]
    prose = prose[: prose.index("</p>")]
    assert f"PG-DEC-7</span>: Build our own payout engine</span> {MARK_REJECTED}</a>" in prose
    assert f"the polling design</span> {MARK_SUPERSEDED}</a>" in prose
    assert "PG-DEC-10</span>: Receive settlement files by SFTP push</span></a>" in prose
    # the matrix's list and the table's links
    matrix = _page(app, "matrix")
    assert f'<span class="dd-ref">PG-DEC-7</span> {MARK_REJECTED}</a>' in matrix
    assert f'<span class="dd-ref">PG-DEC-4</span> {MARK_SUPERSEDED}</a>' in matrix
    tables = _page(app, "tables")
    assert f'<span class="dd-ref">PG-DEC-9</span> {MARK_REJECTED}</a>' in tables
    # a row's own ID beside its status column is not marked twice
    assert 'dd-ref">PG-REQ-15</span></a>' in matrix and 'dd-ref">PG-REQ-15</span></a>' in tables


def test_grid_headers_and_table_ids_without_a_status_column_are_marked(
    make_app, tmp_path: Path
) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Design\n======\n\n"
            ".. requirement:: Pay\n   :id: REQ-1\n\n"
            ".. decision:: Yes\n   :id: DEC-1\n   :status: accepted\n   :addresses: REQ-1\n\n"
            ".. decision:: No\n   :id: DEC-2\n   :status: rejected\n   :addresses: REQ-1\n\n"
            ".. dd-matrix::\n   :layout: grid\n\n"
            ".. dd-table::\n   :type: decision\n   :columns: id, title\n"
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    page = _page(app, "index")
    head = re.search(r"<thead>(.*?)</thead>", page, re.S)
    assert head is not None and f"DEC-2</span> {MARK_REJECTED}</a>" in head.group(1)
    table = page[page.rindex('<table class="dd-table') :]
    assert f"DEC-2</span> {MARK_REJECTED}</a>" in table
    assert "DEC-1</span></a>" in table


def test_a_custom_types_inactive_status_is_marked(make_app, tmp_path: Path) -> None:
    conf = (
        'extensions = ["sphinx_designdoc"]\n'
        "designdoc_types = {'risk': {'label': 'Risk', 'statuses': ['open', 'retired'],"
        " 'inactive_statuses': ['retired']}}\n"
    )
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Risks\n=====\n\n"
            ".. risk:: Fraud\n   :id: RSK-1\n   :status: retired\n\n"
            ".. risk:: Outage\n   :id: RSK-2\n\n"
            "See :dd:ref:`RSK-1` and :dd:ref:`RSK-2`.\n"
        },
        conf,
    )
    app = make_app("html", srcdir=src)
    app.build()
    page = _page(app, "index")
    assert (
        '<span class="dd-ref-id">RSK-1</span>: Fraud</span> '
        '<span class="dd-inactive-mark">(retired)</span></a>'
    ) in page
    assert '<span class="dd-ref-id">RSK-2</span>: Outage</span></a>' in page


def test_a_status_made_to_break_markup_is_escaped_in_its_mark(make_app, tmp_path: Path) -> None:
    conf = (
        'extensions = ["sphinx_designdoc"]\n'
        "designdoc_types = {'risk': {'label': 'Risk', 'statuses': ['open', '<i>gone</i>'],"
        " 'inactive_statuses': ['<i>gone</i>']}}\n"
    )
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Risks\n=====\n\n"
            ".. risk:: Fraud\n   :id: RSK-1\n   :status: <i>gone</i>\n\n"
            "See :dd:ref:`RSK-1`.\n\n.. dd-table::\n   :type: risk\n   :columns: id\n"
        },
        conf,
    )
    app = make_app("html", srcdir=src)
    app.build()
    page = _page(app, "index")
    assert "<i>gone</i>" not in page
    assert page.count('<span class="dd-inactive-mark">(&lt;i&gt;gone&lt;/i&gt;)</span>') == 2
    report = html.render(load_report(app.outdir))
    assert "<i>gone</i>" not in report


# -- other builders ------------------------------------------------------------------------


@pytest.mark.parametrize("root", ROOTS)
def test_plain_text_marks_the_same_links(make_app, copy_root, root: str) -> None:
    app = make_app("text", srcdir=copy_root(root))
    app.build()
    requirements = _page(app, "requirements", ".txt")
    assert "PG-DEC-7: Build our own payout engine (rejected)" in requirements
    decisions = " ".join(_page(app, "decisions", ".txt").split())
    assert "see PG-DEC-7: Build our own payout engine (rejected)." in decisions
    assert "replaces *the polling design* (superseded)." in decisions
    assert "PG-DEC-10: Receive settlement files by SFTP push," in decisions
    matrix = _page(app, "matrix", ".txt")
    assert "PG-DEC-7 (rejected)" in matrix and "PG-DEC-9 (rejected), PG-DEC-11" in matrix


@pytest.mark.parametrize("root", ROOTS)
def test_latex_marks_the_same_links(make_app, copy_root, root: str) -> None:
    app = make_app("latex", srcdir=copy_root(root))
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    # one class: Sphinx 7.4 styles an inline of several classes only all at once
    rejected = r"\DUrole{dd-inactive-mark}{(rejected)}"
    superseded = r"\DUrole{dd-inactive-mark}{(superseded)}"
    # "Addressed by" of PG-REQ-12, the prose reference, the matrix and the table
    assert tex.count(rejected) >= 4
    assert tex.count(superseded) >= 3
    sty = (app.outdir / "sphinxdesigndoc.sty").read_text(encoding="utf-8")
    assert r"\csname DUroledd-inactive-mark\endcsname" in sty


# -- reports -------------------------------------------------------------------------------


def test_reports_mark_the_same_links(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("payments"))
    app.build()
    report = load_report(app.outdir)
    md = markdown.render(report)
    row = next(line for line in md.splitlines() if line.startswith("| [PG-REQ-12]"))
    assert "[PG-DEC-7 *(rejected)*](<decisions.html#PG-DEC-7>)" in row
    row = next(line for line in md.splitlines() if line.startswith("| [PG-REQ-5]"))
    assert "[PG-DEC-4 *(superseded)*]" in row and "[PG-DEC-10](" in row
    page = html.render(report)
    assert (
        f'<a href="decisions.html#PG-DEC-7"><code class="dd-id">PG-DEC-7</code> {MARK_REJECTED}</a>'
    ) in page
    assert "(accepted)" not in page  # a status in brackets after an ID means inactive
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(csv_.render(report)))}
    assert rows["PG-REQ-12"]["addressed by"] == "PG-DEC-7 (rejected)"
    assert rows["PG-REQ-10"]["addressed by"] == "PG-DEC-11; PG-DEC-9 (rejected)"
    assert rows["PG-DEC-10"]["supersedes"] == "PG-DEC-4 (superseded)"
    assert rows["PG-DEC-1"]["addresses"] == "PG-REQ-1; PG-REQ-2; PG-REQ-8"
    suites = ET.fromstring(junit.render(report))
    failure = next(
        case.find("failure")
        for case in suites.iter("testcase")
        if case.get("name", "").startswith("PG-REQ-12:")
    )
    assert failure is not None and "PG-DEC-7 (rejected)" in failure.get("message", "")
