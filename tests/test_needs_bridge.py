"""The sphinx-needs bridge: designdoc objects as needs in tables, flows and needs.json,
kept exact across incremental and parallel builds."""

from __future__ import annotations

import html
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import edit, load_report, requires_dot, requires_sphinx_needs

requires_sphinx_needs()

ALL_OBJECTS = {"REQ-1", "REQ-2", "RISK-1", "DEC-0", "DEC-1", "DEC-2", "DEP-1"}
ROOTS = [("needs", "rst"), ("needs-myst", "md")]


def _build(make_app, *args: Any, **kwargs: Any):
    """Build, then undo the global docutils registrations, so that the next build of the
    same test starts clean (else Sphinx warns that its nodes are already registered)."""
    app = make_app(*args, **kwargs)
    app.build()
    app.cleanup()
    return app


def _needs_warnings(app) -> list[str]:
    """The bridge's warnings and sphinx-needs' own, without designdoc's design checks."""
    return re.findall(r"^.*\[(?:designdoc\.needs|needs\.\w+)\].*$", app.warning.getvalue(), re.M)


def _needs_json(outdir: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((outdir / "needs.json").read_text(encoding="utf-8"))
    return data["versions"][data["current_version"]]["needs"]


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, flags=re.S)


def _row_ids(table: str) -> set[str]:
    """The IDs a needtable lists (its first column links to each need)."""
    return set(re.findall(r'<a class="reference[^"]*" href="[^"#]*#([^"]+)">\1</a>', table))


def _status(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def _written(app) -> set[str]:
    return set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", _status(app)))


def _links_resolve(outdir: Path, page: str, html: str) -> list[str]:
    """Every ``page.html#ID`` link of a page, checked to land on an element of that ID."""
    checked = []
    for href in re.findall(r'href="([^"#:]+\.html)#([^"]+)"', html):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href[0]))
        text = (outdir / target).read_text(encoding="utf-8")
        assert f'id="{href[1]}"' in text, f"{page}: {href} does not resolve"
        checked.append(f"{target}#{href[1]}")
    return checked


@requires_dot  # needflow draws with Graphviz
@pytest.mark.parametrize("root,ext", ROOTS)
def test_needtable_lists_objects_with_working_links(make_app, copy_root, root, ext) -> None:
    app = _build(make_app, "html", srcdir=copy_root(root))
    assert app.warning.getvalue() == ""
    tables = (app.outdir / "tables.html").read_text(encoding="utf-8")
    every, accepted = _tables(tables)[:2]

    # every object is a need, next to the project's own need
    assert _row_ids(every) == ALL_OBJECTS | {"R_PLAIN"}
    assert "dd_decision" in every and "dd_requirement" in every and "dd_risk" in every
    assert "Use the Stripe API" in every and "accepted" in every
    # the filter on type and status
    assert _row_ids(accepted) == {"DEC-1", "DEC-2"}

    # links point at the objects' own anchors, from any page depth
    assert 'href="decisions.html#DEC-1"' in every
    assert len(_links_resolve(app.outdir, "tables.html", tables)) >= len(ALL_OBJECTS)
    deep = (app.outdir / "sub" / "deep.html").read_text(encoding="utf-8")
    assert _row_ids(_tables(deep)[0]) == {"REQ-1", "REQ-2"}
    assert 'href="../index.html#REQ-1"' in deep
    assert "index.html#REQ-1" in _links_resolve(app.outdir, "sub/deep.html", deep)

    # our directives stay ours: ``requirement`` is not replaced by a need directive
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="dd-object dd-type-requirement[^"]*" id="REQ-1">', index)


@pytest.mark.parametrize("root,ext", ROOTS)
def test_needs_json_and_needflow_show_links(make_app, copy_root, root, ext) -> None:
    app = _build(make_app, "html", srcdir=copy_root(root))
    needs = _needs_json(app.outdir)
    assert set(needs) == ALL_OBJECTS | {"R_PLAIN"}
    dec1, req1, risk = needs["DEC-1"], needs["REQ-1"], needs["RISK-1"]
    assert dec1["type"] == "dd_decision" and dec1["status"] == "accepted"
    assert dec1["docname"] == "decisions" and dec1["doctype"] == f".{ext}"
    assert dec1["addresses"] == ["REQ-1", "REQ-2"] and dec1["uses"] == ["DEP-1"]
    assert dec1["alternatives"] == ["Adyen", "build our own"]
    assert needs["DEC-2"]["supersedes"] == ["DEC-0"]
    assert needs["REQ-2"]["refines"] == ["REQ-1"]
    assert req1["addresses_back"] == ["DEC-0", "DEC-1"]
    assert req1["refines_back"] == ["REQ-2"]
    assert req1["tags"] == ["payments", "cards"] and req1["priority"] == "must"
    # custom types and links; a field named like a sphinx-needs core field is prefixed
    assert risk["type"] == "dd_risk" and risk["mitigates"] == ["REQ-1"]
    assert risk["severity"] == "high" and risk["dd_template"] == "threat-model"
    assert req1["mitigates_back"] == ["RISK-1"]
    # a need of the project links to an object
    assert req1["links_back"] == ["R_PLAIN"]

    # needflow draws the link edges (its :debug: option shows the graph source)
    tables = (app.outdir / "tables.html").read_text(encoding="utf-8")
    source = html.unescape(re.sub(r"<[^>]+>", "", tables))
    edges = set(re.findall(r'"([A-Z]+-\d)" -> "([A-Z]+-\d)"', source))
    assert edges == {
        ("DEC-0", "REQ-1"),
        ("DEC-1", "REQ-1"),
        ("DEC-1", "REQ-2"),
        ("DEC-1", "DEP-1"),
        ("DEC-2", "REQ-2"),
        ("DEC-2", "DEC-0"),
        ("REQ-2", "REQ-1"),
        ("RISK-1", "REQ-1"),
    }


def test_needs_builder_exports_objects(make_app, copy_root) -> None:
    app = _build(make_app, "needs", srcdir=copy_root("needs"))
    assert app.warning.getvalue() == ""
    needs = _needs_json(app.outdir)
    assert set(needs) == ALL_OBJECTS | {"R_PLAIN"}
    assert needs["DEC-1"]["addresses"] == ["REQ-1", "REQ-2"]


@requires_dot  # needflow draws with Graphviz
@pytest.mark.parametrize("root,ext", ROOTS)
def test_incremental_edit_and_delete_leave_no_stale_needs(make_app, copy_root, root, ext) -> None:
    src = copy_root(root)
    _build(make_app, "html", srcdir=src)

    # no change: nothing read, nothing written
    app = _build(make_app, "html", srcdir=src)
    assert _written(app) == set()

    edit(src / f"decisions.{ext}", "Use the Stripe API", "Use the Adyen API")
    app = _build(make_app, "html", srcdir=src)
    assert app.warning.getvalue() == ""
    # the pages with need tables and flows did not change, but show the new title
    assert {"tables", "sub/deep"} <= _written(app)
    tables = (app.outdir / "tables.html").read_text(encoding="utf-8")
    assert "Use the Adyen API" in tables and "Use the Stripe API" not in tables
    assert _needs_json(app.outdir)["DEC-1"]["title"] == "Use the Adyen API"

    (src / f"decisions.{ext}").unlink()
    toctree_entry = "   decisions\n" if ext == "rst" else "decisions\n"
    edit(src / f"index.{ext}", toctree_entry, "")
    app = _build(make_app, "html", srcdir=src)
    # the requirements are untraced now, but no need links to a deleted object
    assert _needs_warnings(app) == []
    tables = (app.outdir / "tables.html").read_text(encoding="utf-8")
    # the table of accepted decisions is empty now: only the table of every need is left
    (every,) = _tables(tables)
    assert _row_ids(every) == {"REQ-1", "REQ-2", "RISK-1", "R_PLAIN"}
    assert "DEC-" not in tables and "DEP-1" not in tables
    needs = _needs_json(app.outdir)
    assert set(needs) == {"REQ-1", "REQ-2", "RISK-1", "R_PLAIN"}
    assert needs["REQ-1"]["addresses_back"] == []


@requires_dot  # needflow draws with Graphviz
def test_needs_are_made_again_when_the_configuration_changes(make_app, copy_root) -> None:
    """Unchanged objects reuse the previous build's needs, but only under the same
    configuration: here a field default that sphinx-needs fills in."""
    src = copy_root("needs")
    _build(make_app, "html", srcdir=src)
    owner = {"owner": {"schema": {"type": "string"}, "default": "nobody"}}
    app = _build(make_app, "html", srcdir=src, confoverrides={"needs_fields": owner})
    assert app.warning.getvalue() == ""
    needs = _needs_json(app.outdir)
    assert needs["REQ-1"]["owner"] == "nobody" and needs["DEC-1"]["owner"] == "nobody"


def test_id_of_a_need_of_the_project_is_reported_not_replaced(make_app, copy_root) -> None:
    src = copy_root("needs")
    with (src / "decisions.rst").open("a", encoding="utf-8") as f:
        f.write("\n.. dependency:: Same ID as a need\n   :id: R_PLAIN\n")
    app = _build(make_app, "html", srcdir=src)
    (warning,) = _needs_warnings(app)
    assert re.search(
        r"decisions\.rst:27: WARNING: R_PLAIN: not added to sphinx-needs, a need with this "
        r"ID already exists \[designdoc\.needs\]",
        warning,
    )
    needs = _needs_json(app.outdir)
    assert needs["R_PLAIN"]["type"] == "req"
    assert needs["R_PLAIN"]["title"] == "A plain sphinx-needs requirement"


def test_object_that_sphinx_needs_refuses_is_a_located_warning(make_app, copy_root) -> None:
    src = copy_root("needs")
    overrides = {"needs_fields": {"priority": {"schema": {"type": "integer"}}}}
    app = _build(make_app, "html", srcdir=src, confoverrides=overrides)
    warnings = app.warning.getvalue()
    assert re.search(
        r"index\.rst:4: WARNING: REQ-1: sphinx-needs refused the object: .*priority.*"
        r"\[designdoc\.needs\]",
        warnings,
    )
    needs = _needs_json(app.outdir)
    assert "REQ-1" not in needs and ALL_OBJECTS - {"REQ-1"} <= set(needs)
    # links to the refused object are left out instead of becoming dead links there
    assert needs["DEC-1"]["addresses"] == ["REQ-2"] and needs["RISK-1"]["mitigates"] == []
    assert "DEC-1" not in warnings and "RISK-1" not in warnings


def test_exported_needs_json_loads_back_as_objects(make_app, copy_root, tmp_path) -> None:
    """A project that reads this one's needs.json through ``designdoc_external`` sees
    our types again, not the ``dd_`` need types."""
    app = _build(make_app, "needs", srcdir=copy_root("needs"))
    other = tmp_path / "other"
    other.mkdir()
    (other / "conf.py").write_text(
        'extensions = ["sphinx_designdoc"]\nshow_warning_types = True\n'
        f"designdoc_external = [{{'path': {str(app.outdir / 'needs.json')!r}, "
        "'prefix': 'PAY-', 'base_url': 'https://pay.example.com'}]\n",
        encoding="utf-8",
    )
    (other / "index.rst").write_text(
        "Other\n=====\n\n.. decision:: Reuse the payment service\n   :id: DEC-9\n"
        "   :status: accepted\n   :addresses: PAY-REQ-1\n   :uses: PAY-DEP-1\n",
        encoding="utf-8",
    )
    app = _build(make_app, "html", srcdir=other)
    assert "link_type" not in app.warning.getvalue()
    objects = {o["id"]: o for o in load_report(app.outdir)["objects"]}
    assert objects["PAY-REQ-1"]["type"] == "requirement"
    assert objects["PAY-DEP-1"]["type"] == "dependency"
    assert objects["PAY-DEC-1"]["type"] == "decision"


def _many_docs(src: Path, docs: int = 8) -> None:
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_needs", "sphinx_designdoc"]\nproject = "par"\n'
        "show_warning_types = True\nneeds_build_json = True\n",
        encoding="utf-8",
    )
    toc = "\n".join(f"   doc{i}" for i in range(docs))
    (src / "index.rst").write_text(
        f"Index\n=====\n\n.. toctree::\n\n   table\n{toc}\n", encoding="utf-8"
    )
    # not the toctree parent of the objects' pages, which Sphinx rewrites anyway
    (src / "table.rst").write_text(
        "Table\n=====\n\n.. needtable::\n   :columns: id, title, addresses\n   :style: table\n",
        encoding="utf-8",
    )
    for i in range(docs):
        nxt = (i + 1) % docs
        (src / f"doc{i}.rst").write_text(
            f"Doc {i}\n======\n\n"
            f".. requirement:: Requirement {i}\n   :id: REQ-{i}\n\n"
            f".. decision:: Decision {i}\n   :id: DEC-{i}\n   :status: accepted\n"
            f"   :addresses: REQ-{i}, REQ-{nxt}\n   :uses: DEP-{i}\n\n"
            f".. dependency:: Package {i}\n   :id: DEP-{i}\n",
            encoding="utf-8",
        )


def test_parallel_build_bridges_every_object(make_app, tmp_path: Path) -> None:
    serial_src, parallel_src = tmp_path / "serial", tmp_path / "parallel"
    _many_docs(serial_src)
    _many_docs(parallel_src)
    serial = _build(make_app, "html", srcdir=serial_src)
    parallel = _build(make_app, "html", srcdir=parallel_src, parallel=2)
    assert parallel.is_parallel_allowed("read") and parallel.is_parallel_allowed("write")
    assert parallel.warning.getvalue() == "" == serial.warning.getvalue()

    needs = _needs_json(parallel.outdir)
    assert needs == _needs_json(serial.outdir)
    assert len(needs) == 8 * 3
    assert needs["REQ-3"]["addresses_back"] == ["DEC-2", "DEC-3"]
    table = (parallel.outdir / "table.html").read_text(encoding="utf-8")
    assert len(_row_ids(_tables(table)[0])) == 8 * 3

    # an incremental parallel build rewrites the page with the table, which did not change
    edit(parallel_src / "doc4.rst", "Decision 4", "Decision four")
    app = _build(make_app, "html", srcdir=parallel_src, parallel=2)
    assert app.warning.getvalue() == ""
    table = (app.outdir / "table.html").read_text(encoding="utf-8")
    assert "Decision four" in table and "Decision 4" not in table
    assert _needs_json(app.outdir)["DEC-4"]["title"] == "Decision four"


def test_without_sphinx_needs_the_bridge_never_imports_it(tmp_path: Path) -> None:
    """Built in a fresh interpreter, so no other test's import can hide one."""
    root = Path(__file__).parent / "roots" / "test-basic"
    code = (
        "import sys\n"
        "from sphinx.cmd.build import build_main\n"
        f"status = build_main(['-q', '-b', 'html', {str(root)!r}, {str(tmp_path / 'out')!r}])\n"
        "assert status == 0, status\n"
        "assert 'sphinx_designdoc.needs_bridge' not in sys.modules\n"
        "assert not [m for m in sys.modules if m.startswith('sphinx_needs')]\n"
        "import sphinx_designdoc\n"
        "print(sphinx_designdoc.__file__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # the package under test, not another installed copy
    assert Path(result.stdout.strip()).parent == Path(__file__).parent.parent / "sphinx_designdoc"


def test_the_bridge_and_the_export_name_every_field_alike(make_app, copy_root) -> None:
    """One sphinx-needs vocabulary: the needs the bridge makes in the project and the
    needs of the ``needs`` export carry the same fields, links and backlinks with the
    same values (a list field is text in the export, joined with its separator)."""
    from sphinx_designdoc import codec
    from sphinx_designdoc.reports import render

    app = _build(make_app, "html", srcdir=copy_root("needs"))
    bridged = _needs_json(app.outdir)
    report = json.loads((app.outdir / codec.FILENAME).read_text(encoding="utf-8"))
    exported = json.loads(render("needs", report))["versions"]["1.0"]["needs"]
    vocabulary = report["vocabulary"]["types"]
    report_types = {o["id"]: o["type"] for o in report["objects"]}
    assert set(exported) == ALL_OBJECTS
    for need_id, need in exported.items():
        ours = bridged[need_id]
        # one need type in both (prefixed: the plain names are our directives), so a
        # filter written for one works on the other
        assert ours["type"] == need["type"] == "dd_" + report_types[need_id]
        fields = vocabulary[report_types[need_id]]["fields"]
        for key, value in need.items():
            if key in ("external_url", "is_need", "is_part"):
                continue  # the export points other projects at the object's page
            assert key in ours, (need_id, key)
            theirs = ours[key]
            if isinstance(theirs, list) and not isinstance(value, list):
                separator = (fields.get(key) or {}).get("separator", ",")
                theirs = f"{separator} ".join(theirs)
            assert theirs == value, (need_id, key)
    assert exported["RISK-1"]["dd_template"] == bridged["RISK-1"]["dd_template"]


def test_the_reserved_names_cover_the_installed_sphinx_needs() -> None:
    from sphinx_needs.data import NeedsCoreFields

    from sphinx_designdoc.needs_names import CORE_FIELDS

    assert set(NeedsCoreFields) <= CORE_FIELDS
