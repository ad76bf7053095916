"""Output that is never stale and never depends on read order: interrupted builds,
page titles, files included twice, ``.. only::``, and links to pages a builder does not
write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import edit, find_warning, load_report, warnings_of


class Interrupt(KeyboardInterrupt):
    pass


def test_an_interrupted_build_leaves_no_page_stale(make_app, copy_root) -> None:
    src = copy_root("views")
    make_app("html", srcdir=src).build()
    edit(src / "requirements.rst", "Fast startup", "Instant startup")

    # Ctrl-C while the pages are written: the views page (which shows REQ-1) is not
    app = make_app("html", srcdir=src)

    def interrupt(app, doctree, docname: str) -> None:
        if docname == "views":
            raise Interrupt

    app.connect("doctree-resolved", interrupt)
    with pytest.raises(Interrupt):
        app.build()
    app.cleanup()

    # the next build writes what the interrupted one did not
    again = make_app("html", srcdir=src)
    again.build()
    views = (again.outdir / "views.html").read_text(encoding="utf-8")
    assert "Instant startup" in views and "Fast startup" not in views


def test_a_changed_page_title_rewrites_the_tables_that_show_it(make_app, copy_root) -> None:
    src = copy_root("views")
    make_app("html", srcdir=src).build()
    edit(src / "requirements.rst", "Requirements\n============", "Needs\n=====")
    app = make_app("html", srcdir=src)
    app.build()
    views = (app.outdir / "views.html").read_text(encoding="utf-8")
    table = views[views.index("<p>Document</p>") :]
    assert ">Needs</span></a>" in table and ">Requirements</span></a>" not in table


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


def test_a_refines_cycle_is_reported(make_app, copy_root) -> None:
    src = copy_root("basic")
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. requirement:: Narrow\n   :id: REQ-A\n   :refines: REQ-B\n"
            "\n.. requirement:: Wide\n   :id: REQ-B\n   :refines: REQ-A\n"
            "\n.. requirement:: Itself\n   :id: REQ-SELF\n   :refines: REQ-SELF\n"
        )
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    find_warning(warnings, "index.rst:", "cycle", "refines cycle: REQ-A -> REQ-B -> REQ-A")
    find_warning(warnings, "index.rst:", "cycle", "refines cycle: REQ-SELF -> REQ-SELF")
    assert len([w for w in warnings if "[designdoc.cycle]" in w]) == 2


@pytest.mark.parametrize("builder", ["latex", "texinfo"])
def test_links_to_pages_outside_the_document_are_text(make_app, copy_root, builder) -> None:
    """An orphan page is not part of a LaTeX or Texinfo document: links to its objects
    stay text, as Sphinx's own resolver leaves them, instead of stopping the build."""
    src = copy_root("basic")
    (src / "orphan.rst").write_text(
        ":orphan:\n\nOrphan\n======\n\n.. requirement:: Kept aside\n   :id: REQ-ORPHAN\n",
        encoding="utf-8",
    )
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: Link aside\n   :id: DEC-ORPHAN\n   :status: accepted\n"
            "   :addresses: REQ-ORPHAN\n\nSee :dd:ref:`REQ-ORPHAN`.\n\n.. dd-matrix::\n"
        )
    app = make_app(builder, srcdir=src)
    app.build()
    output = next(p for p in app.outdir.iterdir() if p.suffix in (".tex", ".texi"))
    text = output.read_text(encoding="utf-8")
    # the link option, the role and the matrix name it, as text
    assert len(re.findall(r"REQ(?:\\sphinxhyphen\{\}|-)ORPHAN", text)) >= 3
    assert "Link aside" in text
