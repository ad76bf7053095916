"""Incremental builds: a page whose view shows a changed object is rewritten; a
no-change build rewrites nothing; a view that cannot show the object is left alone."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from sphinx.testing.util import SphinxTestApp

from sphinx_designdoc.nodes import designdoc_html


def _build(make_app, src: Path) -> tuple[SphinxTestApp, list[str]]:
    app: SphinxTestApp = make_app("html", srcdir=src)
    written: list[str] = []
    app.connect(
        "html-page-context",
        lambda app, pagename, *args: written.append(pagename),
    )
    app.build()
    return app, sorted(p for p in written if p in app.env.found_docs)


def test_view_pages_follow_object_changes(make_app, copy_root) -> None:
    src = copy_root("views")
    app, written = _build(make_app, src)
    assert written == ["decisions", "deps", "index", "requirements", "views"]
    assert "Fast startup" in (app.outdir / "views.html").read_text(encoding="utf-8")

    # nothing changed: nothing is rewritten
    app, written = _build(make_app, src)
    assert written == []

    # a requirement's title changes in another file: the views page shows it, the
    # dependency table cannot (it shows dependencies and their decisions only)
    edit(src / "requirements.rst", "Fast startup", "Instant startup")
    app, written = _build(make_app, src)
    # (Sphinx itself rewrites index, whose toctree holds the changed page)
    assert "views" in written and "deps" not in written
    html = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "Instant startup" in html and "Fast startup" not in html
    # the tables of the page are written by the HTML fast path: the matrix row and the
    # table rows show the new title and link to the object with it
    doctree = app.env.get_and_resolve_doctree("views", app.builder)
    raw = "".join("".join(t["writer"]()) for t in doctree.findall(designdoc_html))
    assert "<td><p>Instant startup</p></td>" in raw
    assert 'href="requirements.html#REQ-1" title="Instant startup"' in raw

    # an added object appears in the views; a decision change reaches the dependency table
    with (src / "requirements.rst").open("a", encoding="utf-8") as fh:
        fh.write("\n.. requirement:: Audit log\n   :id: REQ-20\n")
    edit(src / "decisions.rst", ":uses: DEP-1", ":uses: DEP-1\n   :owner: platform")
    app, written = _build(make_app, src)
    assert "views" in written and "deps" in written
    assert "REQ-20" in (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "1 of 4 traced (25%)" in (app.outdir / "views.html").read_text(encoding="utf-8")

    # a deleted object disappears from the views
    edit(src / "requirements.rst", ".. requirement:: Audit log\n   :id: REQ-20\n", "")
    app, written = _build(make_app, src)
    assert "views" in written
    assert "REQ-20" not in (app.outdir / "views.html").read_text(encoding="utf-8")

    app, written = _build(make_app, src)
    assert written == []
