"""Evidence in the build: test results verify objects through a ``verifies`` property
(the pytest marker's, or any runner's) and through ``:verified-by:`` patterns, in
reStructuredText and MyST; the verification shows on objects, in the matrix, the
table, the filters, ``designdoc.json`` and the reports; failing, missing and unknown
tests are located findings; a rerun of the tests alone rewrites the pages that show
what changed; serial and parallel builds agree."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run
from code_helpers import git
from conftest import CONF, find_warning, load_report, touch_later, warnings_of, write_project

from sphinx_designdoc.reports import csv_, html, markdown

# the requirement these tests verify, written into their JUnit results by our own
# pytest plugin (docs/design.rst shows the outcome)
pytestmark = pytest.mark.verifies("REQ-EVIDENCE")

RESULTS_CONF = CONF + 'designdoc_test_results = ["results/*.xml"]\n'
MYST_CONF = (
    RESULTS_CONF + 'extensions += ["myst_parser"]\nmyst_enable_extensions = ["colon_fence"]\n'
)

REQS_RST = """\
Requirements
============

.. requirement:: Refunds
   :id: REQ-1
   :status: verified

   Refund a payment.

.. requirement:: Exports
   :id: REQ-2
   :status: approved
   :verified-by: ledger.TestExport

   Export the ledger.

.. requirement:: Audit
   :id: REQ-3
   :status: approved
   :verified-by: tests/test_audit.py::test_log*,
                 nothing.here

   Audit every refund.

.. requirement:: Archive
   :id: REQ-4
   :status: verified

   Archive after a year.
"""

REQS_MD = """\
# Requirements

:::{requirement} Refunds
:id: REQ-1
:status: verified

Refund a payment.
:::

:::{requirement} Exports
:id: REQ-2
:status: approved
:verified-by: ledger.TestExport

Export the ledger.
:::

:::{requirement} Audit
:id: REQ-3
:status: approved
:verified-by: tests/test_audit.py::test_log*,
  nothing.here

Audit every refund.
:::

:::{requirement} Archive
:id: REQ-4
:status: verified

Archive after a year.
:::
"""

DECS = """\
Decisions
=========

.. decision:: Use a queue
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1, REQ-2, REQ-3, REQ-4

.. dd-matrix::
"""

OTHER = """\
Other
=====

Nothing about tests here.
"""


def junit(*cases: str) -> str:
    """A pytest-shaped JUnit file (xunit2: no file or line) of ``cases``."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        '<testsuite name="pytest" tests="1">' + "".join(cases) + "</testsuite></testsuites>"
    )


def case(classname: str, name: str, body: str = "", verifies: tuple[str, ...] = ()) -> str:
    props = "".join(f'<property name="verifies" value="{v}"/>' for v in verifies)
    props = f"<properties>{props}</properties>" if props else ""
    return f'<testcase classname="{classname}" name="{name}" time="0.01">{props}{body}</testcase>'


FAIL = '<failure message="assert 1 == 2">trace</failure>'
SKIP = '<skipped type="pytest.skip" message="no network"/>'


def results(*, refund: str = "", audit: str = FAIL) -> str:
    return junit(
        case("tests.test_pay", "test_refund", refund, verifies=("REQ-1",)),
        case("tests.test_pay", "test_unknown", verifies=("REQ-99",)),
        case("tests.test_audit", "test_log[a]", audit),
        case("tests.test_audit", "test_log[b]"),
        case("ledger.TestExport", "test_csv"),
    )


def project(tmp: Path, markup: str = "rst", name: str = "src", conf: str = "") -> Path:
    if markup == "rst":
        files = {"reqs.rst": REQS_RST}
        conf = conf or RESULTS_CONF
    else:
        files = {"reqs.md": REQS_MD}
        conf = conf or MYST_CONF
    files |= {
        "decs.rst": DECS,
        "other.rst": OTHER,
        "index.rst": "Pay\n===\n\n.. toctree::\n\n   reqs\n   decs\n   other\n",
    }
    src = write_project(tmp / name, files, conf)
    (src / "results").mkdir()
    (src / "results" / "pytest.xml").write_text(results(), encoding="utf-8")
    return src


def objects(outdir: Path) -> dict[str, Any]:
    return {o["id"]: o for o in load_report(outdir)["objects"]}


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_properties_and_patterns_set_each_state(make_app, tmp_path: Path, markup: str) -> None:
    src = project(tmp_path, markup)
    app = make_app("html", srcdir=src)
    app.build()
    by_id = objects(app.outdir)
    # a verifies property (what the pytest marker writes)
    assert by_id["REQ-1"]["verification"] == {
        "state": "passed",
        "tests": [
            {
                "id": "tests.test_pay.test_refund",
                "outcome": "passed",
                "file": "",
                "line": 0,
                "message": "",
            }
        ],
    }
    # a class named by :verified-by: is every test of it
    assert by_id["REQ-2"]["verification"]["state"] == "passed"
    assert [t["id"] for t in by_id["REQ-2"]["verification"]["tests"]] == [
        "ledger.TestExport.test_csv"
    ]
    # a pytest node-ID glob matches the JUnit spelling; one parameter failed
    audit = by_id["REQ-3"]["verification"]
    assert audit["state"] == "failed"
    assert [(t["id"], t["outcome"], t["message"]) for t in audit["tests"]] == [
        ("tests.test_audit.test_log[a]", "failed", "assert 1 == 2"),
        ("tests.test_audit.test_log[b]", "passed", ""),
    ]
    assert by_id["REQ-4"]["verification"] == {"state": "missing", "tests": []}
    # a decision is not verified by tests unless a test names it
    assert "verification" not in by_id["DEC-1"]
    assert by_id["REQ-3"]["fields"]["verified-by"] == [
        "tests/test_audit.py::test_log*",
        "nothing.here",
    ]

    source = f"reqs.{markup}"
    warnings = warnings_of(app)
    line = {"rst": 17, "md": 18}[markup]
    find_warning(
        warnings,
        f"{source}:{line}:",
        "failing",
        "REQ-3 is not verified: 1 of its 2 tests failed: tests.test_audit.test_log[a] (assert 1 == 2)",
    )
    option_line = {"rst": 20, "md": 21}[markup]
    find_warning(
        warnings,
        f"{source}:{option_line}:",
        "evidence",
        "REQ-3 :verified-by: 'nothing.here' names no test of the 5 in results/pytest.xml",
    )
    find_warning(
        warnings, f"{source}:", "unverified", "REQ-4 has status 'verified', but no test verifies it"
    )
    find_warning(
        warnings,
        "results/pytest.xml:",
        "dangling",
        "test tests.test_pay.test_unknown verifies 'REQ-99', which is no object",
    )
    # nothing else speaks of evidence
    evidence = [
        w
        for w in warnings
        if any(s in w for s in ("failing]", "unverified]", "evidence]", "dangling]"))
    ]
    assert len(evidence) == 4, evidence


def test_the_object_shows_its_verification_and_badge(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "reqs.html").read_text(encoding="utf-8")
    audit = page[page.index('id="REQ-3"') :]
    audit = audit[: audit.index('id="REQ-4"')]
    assert '<span class="dd-badge dd-badge-failing">' in audit
    assert (
        '<span class="dd-status dd-verified-failed dd-tone-bad">failed (1 of 2 tests)</span>'
        in audit
    )
    assert "tests.test_audit.test_log[a] (failed), tests.test_audit.test_log[b]" in audit
    assert '<dt class="dd-field-verified-by field-odd">Verified by<span class="colon">' in audit
    archive = page[page.index('id="REQ-4"') :]
    assert '<span class="dd-badge dd-badge-unverified">' in archive
    assert '<span class="dd-status dd-verified-missing dd-tone-pending">missing</span>' in archive


def test_matrix_shows_verified_once_results_are_set(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "decs.html").read_text(encoding="utf-8")
    assert "dd-matrix-verified" in page
    assert '<th class="head"><p>Verified</p></th>' in page
    table = page[page.index("dd-matrix-table") :]
    row = table[table.index('href="reqs.html#REQ-3"') :]
    row = row[: row.index("</tr>")]
    assert "dd-verified-failed" in row

    # without test results: no column
    plain = write_project(
        tmp_path / "plain", {"index.rst": REQS_RST + "\n" + DECS.split("\n", 3)[3]}
    )
    app = make_app("html", srcdir=plain)
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "dd-matrix-table" in page and "Verified</p></th>" not in page
    assert "verification" not in json.dumps(load_report(app.outdir)["objects"])


def test_matrix_verified_option(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    (src / "decs.rst").write_text(DECS + "   :verified: no\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert "Verified</p></th>" not in (app.outdir / "decs.html").read_text(encoding="utf-8")
    (src / "decs.rst").write_text(DECS + "   :verified: maybe\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    find_warning(warnings_of(app), "decs.rst:", "invalid", "unknown :verified: 'maybe'")


def test_table_column_and_filter(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    (src / "other.rst").write_text(
        OTHER + "\n.. dd-table::\n   :type: requirement\n   :columns: id, verified\n"
        '   :filter: verified != "passed"\n',
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "other.html").read_text(encoding="utf-8")
    table = page[page.index("<table") : page.index("</table>")]
    assert "REQ-3" in table and "REQ-4" in table
    assert "REQ-1" not in table and "REQ-2" not in table
    assert "dd-verified-missing" in table and "dd-verified-failed" in table


def test_rerun_of_the_tests_rewrites_the_pages_that_show_it(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    written: list[str] = []

    def build() -> Any:
        written.clear()
        app = make_app("html", srcdir=src)
        app.connect("html-page-context", lambda app, pagename, *args: written.append(pagename))
        app.build()
        return app

    build()
    app = build()
    assert [p for p in written if p in app.env.found_docs] == []
    # the failing test passes now: no source changed
    results_file = src / "results" / "pytest.xml"
    results_file.write_text(results(audit=""), encoding="utf-8")
    touch_later(results_file)
    app = build()
    # the object's page and the matrix's page (Sphinx adds index, whose toctree holds
    # them); not the page that shows neither
    rewritten = {p for p in written if p in app.env.found_docs}
    assert {"decs", "reqs"} <= rewritten and "other" not in rewritten
    assert objects(app.outdir)["REQ-3"]["verification"]["state"] == "passed"
    assert not any("failing]" in w for w in warnings_of(app))
    assert "dd-verified-failed" not in (app.outdir / "reqs.html").read_text(encoding="utf-8")
    # and a failure of another test: REQ-1 fails
    results_file.write_text(results(refund=FAIL, audit=""), encoding="utf-8")
    touch_later(results_file)
    app = build()
    find_warning(warnings_of(app), "reqs.rst:4:", "failing", "REQ-1 is not verified")


def test_parallel_and_serial_builds_agree(make_app, tmp_path: Path) -> None:
    reports = []
    for parallel in (1, 2):
        src = project(tmp_path, name=f"p{parallel}")
        for n in range(5, 11):  # enough pages for parallel reading
            (src / f"extra{n}.rst").write_text(
                f"Extra {n}\n========\n\n.. requirement:: R{n}\n   :id: REQ-{n}\n"
                f"   :verified-by: tests/test_pay.py::test_refund\n",
                encoding="utf-8",
            )
        app = make_app("html", srcdir=src, parallel=parallel)
        app.build()
        reports.append((app.outdir / "designdoc.json").read_bytes())
        assert objects(app.outdir)["REQ-7"]["verification"]["state"] == "passed"
    assert reports[0] == reports[1]


def test_missing_and_hostile_results_are_one_warning_each(make_app, tmp_path: Path) -> None:
    conf = CONF + 'designdoc_test_results = ["results/*.xml", "nowhere/*.xml"]\n'
    src = project(tmp_path, conf=conf)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<testsuites><testsuite><testcase name='x'>&lol2;</testcase></testsuite></testsuites>"
    )
    (src / "results" / "bomb.xml").write_text(bomb, encoding="utf-8")
    (src / "results" / "empty.xml").write_text("", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    find_warning(warnings, "results/bomb.xml:1:", "evidence", "declares an XML entity")
    find_warning(warnings, "results/empty.xml:", "evidence", "is empty")
    find_warning(warnings, "conf.py:3:", "evidence", "'nowhere/*.xml' matches no file")
    # the good file is still read
    assert objects(app.outdir)["REQ-1"]["verification"]["state"] == "passed"


def test_hostile_test_text_stays_text(make_app, tmp_path: Path) -> None:
    src = project(tmp_path)
    hostile = junit(
        case(
            "tests.test_pay",
            "test_refund",
            '<failure message="&lt;script&gt;alert(1)&lt;/script&gt; | =cmd `x`">t</failure>',
            verifies=("REQ-1",),
        )
    )
    (src / "results" / "pytest.xml").write_text(hostile, encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    page = (app.outdir / "reqs.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    report = load_report(app.outdir)
    assert "<script>alert(1)</script> | =cmd `x`" in json.dumps(report)
    assert "<script>alert(1)" not in html.render(report)
    assert "&lt;script&gt;alert(1)" in html.render(report)
    md = markdown.render(report)
    assert "<script>" not in md and "\\|" in md
    rows = list(csv.DictReader(io.StringIO(csv_.render(report))))
    assert {r["id"]: r["verified"] for r in rows}["REQ-1"] == "failed"


def test_reports_and_command_line(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src = project(tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    report = load_report(app.outdir)
    md = markdown.render(report)
    assert "## Verification" in md
    assert "| Requirement | 1 | 0 | 1 | 2 |" in md
    assert "REQ-3" in md.split("## Verification")[1].split("##")[0]
    code, out, _ = run(capsys, "trace", "REQ-3", "--data", str(app.outdir / "designdoc.json"))
    assert code == 0
    assert "Verified: failed" in out
    assert "tests.test_audit.test_log[a]" in out and "assert 1 == 2" in out
    code, out, err = run(capsys, "check", str(src))
    assert code == 1 and "designdoc.failing" in out, (out, err)


# -- code tags ---------------------------------------------------------------------------

CODE_CONF = (
    RESULTS_CONF
    + 'designdoc_code = [{"paths": ["../code/**/*.py"], '
    + '"url": "https://example.org/pay/blob/{commit}/{path}#L{line}"}]\n'
)


def code_project(tmp: Path, *, require: bool = False) -> tuple[Path, Path]:
    """A project in ``tmp/docs`` whose code is in ``tmp/code``, one git repository."""
    conf = CODE_CONF + ("designdoc_require_implemented = True\n" if require else "")
    src = project(tmp, name="docs", conf=conf)
    (src / "decs.rst").write_text(
        DECS + "\n.. decision:: Keep a ledger\n   :id: DEC-2\n   :status: accepted\n"
        "   :addresses: REQ-1\n",
        encoding="utf-8",
    )
    code = tmp / "code" / "pay"
    code.mkdir(parents=True)
    (code / "refund.py").write_text(
        "# implements: DEC-1\ndef refund():\n    '''satisfies: REQ-1, REQ-404'''\n",
        encoding="utf-8",
    )
    git(tmp, "init", "-q")
    git(tmp, "add", ".")
    git(tmp, "commit", "-q", "-m", "start")
    return src, code / "refund.py"


requires_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@requires_git
def test_code_tags_link_objects_to_their_lines(make_app, tmp_path: Path, capsys, plain_cli) -> None:
    src, _ = code_project(tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    commit = git(tmp_path, "rev-parse", "HEAD")
    by_id = objects(app.outdir)
    url = f"https://example.org/pay/blob/{commit}/code/pay/refund.py#L"
    assert by_id["DEC-1"]["code"] == [
        {"path": "../code/pay/refund.py", "line": 1, "url": url + "1"}
    ]
    assert by_id["REQ-1"]["code"] == [
        {"path": "../code/pay/refund.py", "line": 3, "url": url + "3"}
    ]
    assert "code" not in by_id["DEC-2"]
    # the unknown ID is located in the code file
    find_warning(
        warnings_of(app), "code/pay/refund.py:3:", "dangling", "satisfies tag names 'REQ-404'"
    )
    # not asked for: no unimplemented warning
    assert not any("unimplemented]" in w for w in warnings_of(app))
    page = (app.outdir / "decs.html").read_text(encoding="utf-8")
    assert (
        f'<a class="reference external" href="{url}1"><code class="docutils literal notranslate">'
        "../code/pay/refund.py:1</code></a>"
    ) in page
    # trace and impact name the code
    data = str(app.outdir / "designdoc.json")
    code, out, _ = run(capsys, "trace", "DEC-1", "--data", data)
    assert code == 0 and "../code/pay/refund.py:1" in out
    code, out, _ = run(capsys, "impact", "REQ-1", "--data", data)
    assert "Code that implements them (2 tags):" in out
    assert f"../code/pay/refund.py:3  {url}3  (REQ-1)" in out
    assert f"../code/pay/refund.py:1  {url}1  (DEC-1)" in out


@requires_git
def test_unimplemented_decisions_and_an_edit_of_the_code(make_app, tmp_path: Path) -> None:
    src, code_file = code_project(tmp_path, require=True)
    written: list[str] = []

    def build() -> Any:
        written.clear()
        app = make_app("html", srcdir=src)
        app.connect("html-page-context", lambda app, pagename, *args: written.append(pagename))
        app.build()
        return app

    app = build()
    find_warning(
        warnings_of(app),
        "decs.rst:",
        "unimplemented",
        "DEC-2 is accepted, but no code tag names it",
    )
    assert sum("unimplemented]" in w for w in warnings_of(app)) == 1
    # the code now implements DEC-2 too: no source of the docs changed
    code_file.write_text(
        code_file.read_text(encoding="utf-8") + "# implements: DEC-2\n", encoding="utf-8"
    )
    touch_later(code_file)
    app = build()
    assert not any("unimplemented]" in w for w in warnings_of(app))
    assert [t["line"] for t in objects(app.outdir)["DEC-2"]["code"]] == [4]
    rewritten = {p for p in written if p in app.env.found_docs}
    assert "decs" in rewritten and "other" not in rewritten


def test_a_bad_code_setting_is_one_config_warning(make_app, tmp_path: Path) -> None:
    conf = RESULTS_CONF + 'designdoc_code = [{"paths": ["x/*.py"], "pattern": "no id group"}]\n'
    src = project(tmp_path, conf=conf)
    app = make_app("html", srcdir=src)
    app.build()
    find_warning(warnings_of(app), "conf.py:4:", "config", "designdoc_code[0]: 'pattern' needs")
    assert "code" not in json.dumps(load_report(app.outdir)["objects"])


GOTESTSUM = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="0" errors="0" time="0.010000" name="test">
	<testsuite tests="2" failures="0" time="0.010000" name="example.com/pay" timestamp="0001-01-01T00:00:00Z">
		<properties>
			<property name="go.version" value="go1.25.0 linux/amd64"></property>
			<property name="verifies" value="REQ-3"></property>
		</properties>
		<testcase classname="example.com/pay" name="TestArchive" time="0.000000">
			<properties>
				<property name="verifies" value="REQ-4"></property>
			</properties>
		</testcase>
		<testcase classname="example.com/pay" name="TestArchive/old" time="0.000000"></testcase>
	</testsuite>
</testsuites>
"""

SUREFIRE = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0.2" name="org.acme.ExportTest" time="0.01" tests="1" errors="0" skipped="1" failures="0">
  <properties><property name="verifies" value="REQ-1"/></properties>
  <testcase name="exportsCsv" classname="org.acme.ExportTest" time="0.001">
    <skipped message="no database"/>
  </testcase>
</testsuite>
"""


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_go_properties_and_java_patterns_verify_too(make_app, tmp_path: Path, markup: str) -> None:
    """A ``verifies`` property of another runner (gotestsum, from Go's ``t.Attr``) and a
    ``:verified-by:`` pattern in Surefire's spelling set a requirement's state; a suite
    property is no test's (Surefire writes JVM properties there)."""
    src = project(tmp_path, markup)
    (src / "results" / "go.xml").write_text(GOTESTSUM, encoding="utf-8")
    (src / "results" / "TEST-org.acme.ExportTest.xml").write_text(SUREFIRE, encoding="utf-8")
    reqs = src / f"reqs.{markup}"
    reqs.write_text(
        reqs.read_text(encoding="utf-8").replace(
            "ledger.TestExport", "ledger.TestExport, org.acme.ExportTest#exportsCsv"
        ),
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    by_id = objects(app.outdir)
    archive = by_id["REQ-4"]["verification"]
    assert archive == {
        "state": "passed",
        "tests": [
            {
                "id": "example.com/pay.TestArchive",
                "outcome": "passed",
                "file": "",
                "line": 0,
                "message": "",
            }
        ],
    }
    export = by_id["REQ-2"]["verification"]
    assert [(t["id"], t["outcome"]) for t in export["tests"]] == [
        ("ledger.TestExport.test_csv", "passed"),
        ("org.acme.ExportTest.exportsCsv", "skipped"),
    ]
    assert export["state"] == "passed"
    # the suite property named REQ-3 and REQ-1 for no test
    assert [t["id"] for t in by_id["REQ-1"]["verification"]["tests"]] == [
        "tests.test_pay.test_refund"
    ]
    assert not any("REQ-4 has status 'verified'" in w for w in warnings_of(app))
