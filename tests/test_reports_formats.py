"""Each export format, checked against its consumer's rules: spreadsheets, Markdown,
browsers, strict XML parsers, the SARIF 2.1.0 schema and sphinx-needs itself."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import jsonschema
import pytest
from conftest import requires_sphinx_needs
from sphinx.testing.util import SphinxTestApp

from sphinx_designdoc.formats import FORMATS
from sphinx_designdoc.reports import get_writer, render
from sphinx_designdoc.reports.csv_ import neutralise
from sphinx_designdoc.reports.load import load_report
from sphinx_designdoc.reports.sarif import repository_prefix

DATA = Path(__file__).parent / "data"
ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def report(built: Path) -> dict[str, Any]:
    return load_report(built / "designdoc.json")


def test_every_format_is_a_pure_function_of_the_report(built: Path, report: dict) -> None:
    """What a build writes is what ``designdoc export`` renders from its designdoc.json."""
    for fmt, spec in FORMATS.items():
        text = render(fmt, report)
        assert text == (built / spec.filename).read_bytes().decode("utf-8"), fmt
        assert render(fmt, copy.deepcopy(report)) == text  # deterministic, no mutation
        assert callable(get_writer(fmt))


# -- csv ------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_formula_cells(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise("a" + cell) == "a" + cell


def test_csv_has_one_row_per_object_and_no_live_formulas(report: dict) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", report), newline="")))
    assert [r["id"] for r in rows] == [o["id"] for o in report["objects"]]
    by_id = {r["id"]: r for r in rows}
    assert by_id["REQ-2"]["title"].startswith("'=HYPERLINK(")
    assert by_id["REQ-2"]["priority"] == "'-1"
    assert by_id["REQ-4"]["owner"] == "'@team"
    assert by_id["REQ-4"]["title"] == "Ränking überall"
    assert by_id["DEC-1"]["addresses"] == "REQ-1; REQ-4"
    assert by_id["REQ-1"]["addressed by"] == "DEC-1; DEC-3"
    assert by_id["REQ-1"]["traced"] == "yes" and by_id["REQ-2"]["traced"] == "no"
    assert by_id["DEP-1"]["version"] == ">=2.7,<3"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


# -- markdown -------------------------------------------------------------------------


def test_markdown_report_sections_matrix_untraced_and_findings(report: dict) -> None:
    md = render("md", report)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == [
        "# Traceability report: reports",
        "## Coverage",
        "## Traceability matrix: Requirement",
        "## What a change affects: Dependency",
        "## Untraced",
        "## Findings",
    ]
    assert "2 of 3 traced (66.7%)" in md
    matrix_row = next(line for line in md.splitlines() if line.startswith("| [REQ-1]"))
    # a live decision is a plain link; an inactive one carries its mark in the link
    assert "[DEC-1](<index.html#DEC-1>), [DEC-3]" in matrix_row and "accepted" not in matrix_row
    req2_row = next(line for line in md.splitlines() if line.startswith("| [REQ-2]"))
    assert "[DEC-2 *(rejected)*](<index.html#DEC-2>)" in req2_row
    assert "uses [DEP-1](<index.html#DEP-1>)" in matrix_row
    untraced = md.split("## Untraced")[1].split("## Findings")[0]
    assert "REQ-2" in untraced and "DEC-2 (rejected)" in untraced
    assert "REQ-1" not in untraced and "REQ-3" not in untraced
    # authored text cannot break tables or inject HTML
    assert "<script>" not in md and r"\<script\>" in md and r"\| pipe" in md
    for line in md.splitlines():
        if line.startswith("| [REQ-2]"):
            assert line.count(" | ") == 5  # 6 cells: nothing split the row
    assert "`designdoc.dangling`" in md and "`designdoc.invalid`" in md


# -- html -----------------------------------------------------------------------------


class _Collector(HTMLParser):
    VOID = {"meta", "input", "br", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.scripts = 0
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.filters: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "a":
            self.links.append(a.get("href") or "")
        if "id" in a:
            self.ids.add(a["id"] or "")
        if tag == "input" and a.get("data-table"):
            self.filters.append(a["data-table"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_standalone_well_formed_and_escaped(report: dict) -> None:
    page = render("html", report)
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert parser.scripts == 1  # the sorter/filter; no authored text became a script
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in page
    assert 'href="http' not in page and "<link" not in page and "src=" not in page
    assert set(parser.filters) <= parser.ids and parser.filters
    assert page.count('class="dd-sortable"') == len(parser.filters) + 1  # coverage table
    text = "".join(parser.text)
    assert "Ränking überall" in text and "2 of 3 traced (66.7%)" in text


def test_html_report_keeps_to_the_page_width(report: dict) -> None:
    """The table of all objects has one column of fields, however many field names the
    project uses (a column each made it several pages wide), every table sits in a box
    that scrolls on a narrow screen, and a location may wrap only after a ``/``.  The
    browser test (tests/test_browser_report.py) measures the page."""
    report = copy.deepcopy(report)
    obj = report["objects"][0]
    obj["fields"] = {f"field-{n}": f"value {n}" for n in range(30)}
    obj["source"] = "design/payments/gateway.rst"
    page = render("html", report)
    objects = page.split('<h2 id="objects">', 1)[1]
    header = re.search(r"<thead><tr>(.*?)</tr></thead>", objects).group(1)
    assert re.findall(r">([^<]+)</th>", header) == [
        "ID", "Type", "Title", "Status", "Traced", "Location", "Links", "Backlinks", "Fields"
    ]  # fmt: skip
    assert "field-0: value 0<br>field-1: value 1<br>" in objects
    assert page.count('<div class="dd-scroll">') == page.count("<table") > 1
    assert "<code>design/<wbr>payments/<wbr>gateway.rst:" in page


def test_html_links_only_safe_urls() -> None:
    report = {
        "project": "x",
        "objects": [
            {"id": "A", "type": "t", "title": "a", "url": "javascript:alert(1)"},
            {"id": "B", "type": "t", "title": "b", "url": "https://example.org/b"},
            {"id": "C", "type": "t", "title": "c", "url": "c.html#C"},
        ],
    }
    page = render("html", report)
    assert "javascript:" not in page
    assert 'href="https://example.org/b"' in page and 'href="c.html#C"' in page
    assert "javascript:" not in render("md", report)


# -- junit ----------------------------------------------------------------------------


def test_junit_one_case_per_traced_requirement_grouped_by_document(report: dict) -> None:
    root = SafeET.fromstring(render("junit", report).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"index", "other"}
    cases = {c.get("name").split(":")[0]: c for c in root.iter("testcase")}
    assert set(cases) == {"REQ-1", "REQ-2", "REQ-4"}  # REQ-3 is rejected: not traced
    failure = cases["REQ-2"].find("failure")
    assert failure is not None and failure.get("type") == "designdoc.untraced"
    assert "DEC-2 (rejected)" in failure.get("message", "")
    assert cases["REQ-1"].find("failure") is None and cases["REQ-4"].get("file") == "other.rst"
    assert cases["REQ-2"].get("line") == "11"
    for suite in [*suites.values(), root]:
        tcs = list(suite.iter("testcase"))
        assert int(suite.get("tests")) == len(tcs)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in tcs)
        assert int(suite.get("skipped")) == sum(c.find("skipped") is not None for c in tcs)
        assert suite.get("errors") == "0"


def test_junit_with_checks_suite_and_suppressed_untraced(report: dict) -> None:
    data = copy.deepcopy(report)
    untraced = [f for f in data["findings"] if f["subtype"] == "untraced"]
    if not untraced:  # a core without the untraced check: add its finding
        untraced = [{"subtype": "untraced", "rule": "designdoc.untraced", "id": "REQ-2"}]
        data["findings"].extend(untraced)
    for f in untraced:
        f.update(suppressed=True, message="REQ-2 untraced \x01")
    others = [f for f in data["findings"] if f["subtype"] != "untraced"]
    root = SafeET.fromstring(render("junit", data, include_checks=True).encode("utf-8"))
    req2 = next(c for c in root.iter("testcase") if c.get("name", "").startswith("REQ-2"))
    assert req2.find("skipped") is not None and req2.find("failure") is None
    checks = next(s for s in root.findall("testsuite") if s.get("name") == "designdoc checks")
    failed = [c.find("failure").get("type") for c in checks if c.find("failure") is not None]
    assert sorted(failed) == sorted(f"designdoc.{f['subtype']}" for f in others)
    assert {"designdoc.dangling", "designdoc.invalid"} <= set(failed)
    assert not any("untraced" in (c.get("name") or "") for c in checks)
    assert root.get("failures") == str(len(others)) and root.get("skipped") == "1"


def test_junit_cleans_characters_xml_cannot_hold(report: dict) -> None:
    data = copy.deepcopy(report)
    for obj in data["objects"]:
        obj["title"] = "bell\x07 nul\x00 ok"
    root = SafeET.fromstring(render("junit", data).encode("utf-8"))
    # each character XML cannot hold is one replacement character; the rest is kept
    names = sorted(c.get("name") for c in root.iter("testcase"))
    assert names == [f"REQ-{n}: bell\ufffd nul\ufffd ok" for n in (1, 2, 4)]
    assert root.get("tests") == "3" and root.get("failures") == "1"


# -- sarif ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_the_sarif_2_1_0_schema(report: dict, sarif_schema: dict) -> None:
    log = json.loads(render("sarif", report, path_prefix="docs"))
    jsonschema.Draft4Validator.check_schema(sarif_schema)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    results = run["results"]
    assert len(results) == len(report["findings"])
    for result, finding in zip(results, report["findings"], strict=True):
        assert result["ruleId"] == f"designdoc.{finding['subtype']}"
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == f"docs/{finding['source']}"
        assert physical["region"]["startLine"] == finding["line"]
        assert result["partialFingerprints"]
    # GitHub code scanning: relative URIs, a driver name, a message on every result
    assert run["tool"]["driver"]["name"] == "sphinx-designdoc"
    assert all(
        not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
        for r in results
    )


def test_sarif_marks_suppressed_findings_and_locates_fileless_ones(
    report: dict, sarif_schema: dict
) -> None:
    data = copy.deepcopy(report)
    data["findings"][0]["suppressed"] = True
    data["findings"].append({"subtype": "coverage", "message": "low", "suppressed": False})
    log = json.loads(render("sarif", data))
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    results = log["runs"][0]["results"]
    assert results[0]["suppressions"][0]["kind"] == "external"
    assert results[-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "conf.py"
    assert "region" not in results[-1]["locations"][0]["physicalLocation"]


def test_repository_prefix(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs" / "src").mkdir(parents=True)
    assert repository_prefix(tmp_path / "docs" / "src") == "docs/src/"
    assert repository_prefix(tmp_path) == ""


# -- needs.json -----------------------------------------------------------------------


def test_needs_json_matches_the_needs_file_schema_and_exchange_reader(report: dict) -> None:
    requires_sphinx_needs()
    from sphinx_needs.needsfile import check_needs_data

    data = json.loads(render("needs", report))
    assert check_needs_data(data).schema == []
    ub_needs_exchange = pytest.importorskip("ub_needs_exchange")
    version = ub_needs_exchange.parse(json.dumps(data)).select_version(None)
    records = version.records()
    assert not version.diagnostics and not any(r.diagnostics for r in records)
    needs = {r.key: r.fields for r in records}
    assert set(needs) == {o["id"] for o in report["objects"]}
    assert needs["DEC-1"]["addresses"] == ["REQ-1", "REQ-4"]
    assert needs["REQ-1"]["tags"] == ["search", "speed"]
    assert needs["DEC-1"]["alternatives"] == "Whoosh; Elastic"
    assert needs["REQ-1"]["addresses_back"] == ["DEC-1", "DEC-3"]


def test_needs_json_is_accepted_by_needimport_and_external_needs(
    make_app, tmp_path: Path, report: dict
) -> None:
    requires_sphinx_needs()
    srcdir = tmp_path / "importer"
    shutil.copytree(ROOTS / "test-needs-import", srcdir)
    (srcdir / "designdoc-needs.json").write_text(render("needs", report), encoding="utf-8")
    app: SphinxTestApp = make_app("html", srcdir=srcdir)
    app.build()
    assert app.warning.getvalue() == ""
    from sphinx_needs.data import SphinxNeedsData

    needs = SphinxNeedsData(app.env).get_needs_view()
    for obj in report["objects"]:
        imported, external = needs[f"IMP-{obj['id']}"], needs[f"EXT-{obj['id']}"]
        assert imported["title"] == obj["title"] and imported["type"] == f"dd_{obj['type']}"
        assert imported["status"] == obj["status"] and external["is_external"]
    assert needs["IMP-DEC-1"]["addresses"] == ["IMP-REQ-1", "IMP-REQ-4"]
    assert needs["IMP-REQ-1"]["addresses_back"] == ["IMP-DEC-1", "IMP-DEC-3"]
    assert needs["IMP-REQ-1"]["kind"] == "non-functional"
    assert needs["EXT-REQ-4"]["external_url"] == "https://docs.example.org/reports/other.html#REQ-4"
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "IMP-REQ-2" in page
    # the table's filter names the type as in the design project's own needs.json
    start = page.index('<table class="NEEDS_DATATABLES')
    rows = re.findall(r'data-need-id="([^"]+)"', page[start : page.index("</table>", start)])
    assert sorted(rows) == [f"{p}-REQ-{n}" for p in ("EXT", "IMP") for n in range(1, 5)]


def test_matrix_lists_a_shared_dependency_once() -> None:
    from sphinx_designdoc import codec
    from sphinx_designdoc.config import build_settings
    from sphinx_designdoc.graph import Graph
    from sphinx_designdoc.model import Item
    from sphinx_designdoc.reports._common import ReportView
    from sphinx_designdoc.vocabulary_config import build_schema

    def obj(item_id: str, type_: str, status: str = "accepted", **links: str) -> Item:
        return Item(
            item_id,
            type_,
            item_id,
            status,
            "d",
            "d.rst",
            1,
            links={k: tuple(v.split()) for k, v in links.items()},
        )

    schema = build_schema()
    graph = Graph(
        [
            obj("REQ-1", "requirement", "proposed"),
            obj("DEC-1", "decision", addresses="REQ-1", uses="DEP-1"),
            obj("DEC-2", "decision", addresses="REQ-1", uses="DEP-1"),
            obj("DEP-1", "dependency", "approved"),
        ],
        schema,
    )
    settings = build_settings({})[0]
    report = codec.build_report(graph, [], settings.schema, settings.tracing_statuses)
    (row,) = ReportView(report).matrix("requirement")
    assert [r.id for r in row.tracers] == ["DEC-1", "DEC-2"]
    assert [(r.relation, r.id) for r in row.through] == [("uses", "DEP-1")]
