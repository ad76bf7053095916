"""Link checks: duplicate ids keep the first declaration, links and roles name known
objects of the right type."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_helpers import context, messages, obj
from conftest import edit, find_warning, load_report, warnings_of

from sphinx_designdoc.checks.links import check_duplicates, check_links, check_refs, check_views
from sphinx_designdoc.config import build_settings
from sphinx_designdoc.model import DocRecord, Ref
from sphinx_designdoc.views import KINDS


def test_the_first_declaration_keeps_a_duplicate_id() -> None:
    first = obj("REQ-1", "requirement", doc="a", line=9)
    later = obj("REQ-1", "requirement", doc="b", line=3)
    ctx = context(later, first)  # whatever order they come in
    assert ctx.graph.get("REQ-1") is first
    ((subtype, message),) = messages(check_duplicates(ctx))
    assert subtype == "duplicate" and "also declared at a.rst:9" in message


def test_a_duplicate_from_a_file_included_twice_names_both_pages() -> None:
    one = obj("REQ-1", "requirement", doc="alpha", source="shared.inc")
    two = obj("REQ-1", "requirement", doc="beta", source="shared.inc")
    ((_, message),) = messages(check_duplicates(context(two, one)))
    assert "included by the pages 'alpha' and 'beta'" in message
    assert "belongs to 'alpha'" in message


def test_links_name_known_objects_of_the_right_type() -> None:
    ctx = context(
        obj("REQ-1", "requirement"),
        obj("DEP-1", "dependency"),
        obj("DEC-1", "decision", addresses="REQ-1 REQ-2 DEP-1", uses="REQ-1 REQ-HIDDEN"),
        hidden=("REQ-HIDDEN",),
    )
    found = messages(check_links(ctx))
    assert (
        "dangling",
        "DEC-1: :addresses: names unknown ID 'REQ-2' (did you mean 'REQ-1'?)",
    ) in found
    assert any(s == "link_type" and "but DEP-1 is a dependency" in m for s, m in found)
    assert any(s == "link_type" and "but REQ-1 is a requirement" in m for s, m in found)
    assert not any("REQ-HIDDEN" in m for _, m in found)  # left out by .. only::


def test_roles_and_graph_roots_name_known_objects() -> None:
    record = DocRecord(refs=[Ref("REQ-9", "x.rst", 4, "x")])
    schema = build_settings({})[0].schema
    record.views.append(KINDS["graph"].read({"root": "REQ-8"}, schema, "x.rst", 7)[0])
    ctx = context(obj("REQ-1", "requirement"), records={"x": record}, graphviz=False)
    assert messages(check_refs(ctx)) == [
        ("dangling", ":dd:ref: to unknown ID 'REQ-9' (did you mean 'REQ-1'?)")
    ]
    found = list(check_views(ctx))
    assert [f.subtype for f in found] == ["dangling", "graph"]
    assert found[1].source == "x.rst" and found[1].line == 7
    assert "apt-get install graphviz" in found[1].message


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


def _two_pages_include(src: Path) -> None:
    (src / "shared.inc").write_text(
        ".. requirement:: Shared requirement\n   :id: REQ-SHARED\n", encoding="utf-8"
    )
    for name in ("alpha", "beta"):
        (src / f"{name}.rst").write_text(
            f"{name.title()}\n=====\n\n.. include:: shared.inc\n", encoding="utf-8"
        )
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   alpha\n   beta\n", encoding="utf-8")


@pytest.mark.parametrize("parallel", [1, 2])
def test_a_file_included_by_two_pages_belongs_to_the_first(
    make_app, copy_root, parallel: int
) -> None:
    src = copy_root("basic")
    _two_pages_include(src)
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    app.cleanup()
    warning = find_warning(
        warnings_of(app), "shared.inc:1:", "duplicate", "included by the pages 'alpha' and 'beta'"
    )
    assert "belongs to 'alpha'" in warning
    assert not [w for w in warnings_of(app) if "also declared at shared.inc" in w]
    obj = next(o for o in load_report(app.outdir)["objects"] if o["id"] == "REQ-SHARED")
    assert obj["docname"] == "alpha"

    # reading beta again (and alone) does not hand the ID over
    edit(src / "beta.rst", "Beta\n", "Beta, edited\n")
    app = make_app("html", srcdir=src, parallel=parallel)
    app.build()
    obj = next(o for o in load_report(app.outdir)["objects"] if o["id"] == "REQ-SHARED")
    assert obj["docname"] == "alpha"
