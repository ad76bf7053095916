"""Answers a user can act on: lookups, reports and messages that mean what they say."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOTS, find_warning, load_report, warnings_of, write_project

from sphinx_designdoc.cli import main
from sphinx_designdoc.reports import render

README = Path(__file__).resolve().parent.parent / "README.md"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- lookups -------------------------------------------------------------------------


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


def test_the_first_declaration_keeps_a_duplicate_id_everywhere(make_app, copy_root) -> None:
    src = copy_root("views")
    (src / "zz-later.rst").write_text(
        "Later\n=====\n\n.. requirement:: A later copy\n   :id: REQ-1\n", encoding="utf-8"
    )
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   zz-later\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    warning = find_warning(warnings_of(app), "zz-later.rst:4:", "duplicate", "duplicate ID 'REQ-1'")
    assert "also declared at requirements.rst" in warning
    views = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "A later copy" not in views and "Fast startup" in views
    assert 'href="zz-later.html#REQ-1"' not in views
    obj = next(o for o in load_report(app.outdir)["objects"] if o["id"] == "REQ-1")
    assert obj["title"] == "Fast startup" and obj["docname"] == "requirements"


def test_reading_verbs_say_which_report_they_found(capsys, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "docs" / "_build" / "html"
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    assert main(["check", str(src), "--format", "json", "-q"]) == 0
    capsys.readouterr()
    from sphinx_designdoc.build import build_reports

    build_reports(src, out, tmp_path / "doctrees")
    monkeypatch.chdir(tmp_path)
    for verb in (["trace", "REQ-1"], ["impact", "REQ-1"], ["export", "--format", "csv"]):
        code, _, err = run(capsys, *verb)
        assert code == 0
        assert err.startswith("designdoc: reading docs/_build/html/designdoc.json (written ")
        code, _, err = run(capsys, *verb, "-q")
        assert err == ""
    # a file named on the command line is not announced
    code, _, err = run(capsys, "trace", "REQ-1", "--data", str(out / "designdoc.json"))
    assert err == ""


# -- reports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from sphinx_designdoc.build import build_reports

    tmp = tmp_path_factory.mktemp("answers")
    src = tmp / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        for number in (20, 3, 100):
            fh.write(f"\n.. requirement:: Number {number}\n   :id: REQ-{number}\n")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. dependency:: requests\n   :id: DEP-URL\n   :url: https://example.org/requests\n"
        )
    path = build_reports(src, tmp / "out", tmp / "doctrees")
    return json.loads(path.read_text(encoding="utf-8"))


def test_ids_sort_naturally_in_every_report(report: dict[str, Any]) -> None:
    ids = [o["id"] for o in report["objects"] if o["id"].startswith("REQ-")]
    assert ids == sorted(ids, key=lambda i: int(i.split("-")[1]))
    rows = list(csv.DictReader(io.StringIO(render("csv", report))))
    csv_ids = [r["id"] for r in rows if r["id"].startswith("REQ-")]
    assert csv_ids == ids
    md = render("md", report)
    positions = [md.index(f"[{i}](") for i in ids]
    assert positions == sorted(positions)


def test_csv_column_names_are_unique(report: dict[str, Any]) -> None:
    text = render("csv", report)
    header = next(csv.reader(io.StringIO(text)))
    assert len(header) == len(set(header))
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "DEP-URL")
    assert row["url"].endswith("#DEP-URL")  # the object's own page
    assert row["field_url"] == "https://example.org/requests"  # the dependency's :url:


def test_coverage_reads_the_same_everywhere(make_app, copy_root, capsys) -> None:
    src = copy_root("views")
    app = make_app("html", srcdir=src)
    app.build()
    view = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "1 of 3 traced (33.3%)" in view
    report = load_report(app.outdir)
    assert report["coverage"]["requirement"]["percent"] == 33.3
    assert "1 of 3 traced (33.3%)" in render("md", report)
    assert "33.3%" in render("html", report)
    _, out, _ = run(capsys, "check", str(app.outdir / "designdoc.json"))
    assert "1 of 3 traced (33.3%)" in out


def test_diff_reports_new_findings_of_every_kind(capsys, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    from sphinx_designdoc.build import build_reports

    old = build_reports(src, tmp_path / "old", tmp_path / "d1")
    text = (src / "decisions.rst").read_text(encoding="utf-8")
    (src / "decisions.rst").write_text(text.replace("   :uses: DEP-1\n", ""), encoding="utf-8")
    new = build_reports(src, tmp_path / "new", tmp_path / "d2")
    code, out, _ = run(capsys, "diff", str(old), str(new), "--json")
    diff = json.loads(out)
    added = {f["subtype"] for f in diff["findings_added"]}
    assert "unused" in added
    assert diff["regression"] is True
    assert any(r.startswith("new designdoc.unused") for r in diff["regressions"])
    code, out, _ = run(capsys, "diff", str(old), str(new), "--fail-on-regression")
    assert code == 1 and "New findings (1)" in out and "Regression:" in out
    # the other way round, the finding is gone: no regression
    code, out, _ = run(capsys, "diff", str(new), str(old), "--fail-on-regression")
    assert code == 0 and "Findings gone (1)" in out


def test_the_report_base_url_setting(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("reports"),
        confoverrides={"designdoc_report_base_url": "https://docs.example.org/search/"},
    )
    app.build()
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "(<https://docs.example.org/search/index.html#REQ-1>)" in md
    html = (app.outdir / "designdoc-report.html").read_text(encoding="utf-8")
    assert 'href="https://docs.example.org/search/index.html#REQ-1"' in html


def test_check_text_names_the_kind_once(capsys, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    _, out, _ = run(capsys, "check", str(src))
    line = next(line for line in out.splitlines() if "[designdoc.dangling]" in line)
    assert line.count("dangling") == 1


# -- messages --------------------------------------------------------------------------


def test_closed_vocabularies_suggest_the_likely_name(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": (
                "Index\n=====\n\n"
                ".. requirement:: A\n   :id: REQ-1\n   :status: aproved\n   :priorty: must\n"
                "   :kind: functionnal\n\n"
                ".. dd-table::\n   :columns: id, titel\n   :sort: statsu\n   :tpye: requirement\n\n"
                ".. dd-matrix::\n   :rows: requirment\n\n"
                ".. dd-matrix::\n   :layout: gird\n\n"
                ".. dd-graph::\n   :root: REQ-2\n   :direction: dwon\n"
            )
        },
    )
    app = make_app("html", srcdir=src, confoverrides={"graphviz_dot": "/nonexistent/dot"})
    app.build()
    text = "\n".join(warnings_of(app))
    for hint in (
        "unknown status 'aproved' for a requirement (did you mean 'approved'?)",
        "unknown option :priorty: for a requirement (did you mean 'priority'?)",
        "unknown kind 'functionnal' (did you mean 'functional'?)",
        "unknown column 'titel' in :columns: (did you mean 'title'?)",
        "unknown column 'statsu' in :sort: (did you mean 'status'?)",
        "unknown option :tpye: (did you mean 'type'?)",
        "unknown type 'requirment' in :rows: (did you mean 'requirement'?)",
        "unknown :layout: 'gird' (did you mean 'grid'?)",
        ":root: names unknown ID 'REQ-2' (did you mean 'REQ-1'?)",
        "unknown :direction: 'dwon' (did you mean 'down'?)",
    ):
        assert hint in text, hint


def test_myst_options_are_read_as_written(make_app, tmp_path: Path) -> None:
    """MyST would read ``:version: >=8.0,<9`` as YAML and drop every option of the
    object; the options of an object are read as written, in both option forms."""
    src = write_project(
        tmp_path / "src",
        {
            "index.md": "# Index\n\n```{dependency} sphinx\n:id: DEP-1\n:version: >=8.0,<9\n"
            "```\n\n```{dependency} docutils\n---\nid: DEP-2\n"
            "version: '>=0.20'\ntags: [parsing, markup]\n---\nThe parser.\n```\n"
        },
        conf='extensions = ["myst_parser", "sphinx_designdoc"]\nshow_warning_types = True\n',
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert not [w for w in warnings_of(app) if "[designdoc.invalid]" in w or "[myst" in w]
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["DEP-1"]["fields"]["version"] == ">=8.0,<9"
    assert objects["DEP-2"]["fields"]["version"] == ">=0.20"
    assert objects["DEP-2"]["fields"]["tags"] == ["parsing", "markup"]
    assert objects["DEP-2"]["content"] == "The parser."


def test_new_says_what_to_do_next_in_neutral_words(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text("extensions = []\n", encoding="utf-8")
    (tmp_path / "docs" / "index.rst").write_text("Index\n=====\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "new", "Billing", "-o", "docs/billing.rst")
    assert code == 0 and out == ""
    assert "add 'billing' to a toctree (in docs/index.rst, say)" in err
    assert "add 'sphinx_designdoc' to extensions in conf.py" in err
    assert "python -m sphinx -b html docs docs/_build/html" in err
    text = (tmp_path / "docs" / "billing.rst").read_text(encoding="utf-8")
    for product in ("httpx", "pytest", "Stripe", "pypi.org"):
        assert product not in text


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


def test_the_readme_example_builds_without_warnings_in_a_new_project(tmp_path: Path) -> None:
    from sphinx.cmd.build import build_main
    from sphinx.cmd.quickstart import generate

    src = tmp_path / "project"
    generate(
        {
            "path": str(src),
            "sep": False,
            "dot": "_",
            "project": "Example",
            "author": "Someone",
            "version": "1.0",
            "release": "1.0",
            "language": "en",
            "suffix": ".rst",
            "master": "index",
            "extensions": ["sphinx_designdoc"],
            "makefile": False,
            "batchfile": False,
            "quiet": True,
        },
        overwrite=True,
        silent=True,
    )
    readme = README.read_text(encoding="utf-8")
    example = re.search(r"```rst\n(.*?)```", readme, re.S)
    assert example is not None
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("\n" + example.group(1))
    code = build_main(["-W", "-q", "-b", "html", str(src), str(tmp_path / "out")])
    assert code == 0
