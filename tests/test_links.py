"""Links to objects: roles, the inventory, search results and links out of the document."""

from __future__ import annotations

import json
import posixpath
import re
import zlib
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import write_project


def _html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def _search_objects(outdir: Path) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The search index, and per display name (as the search page rebuilds it from its
    prefix and name) the page and the anchor a result links to (rebuilt as
    ``searchtools.js`` does, Sphinx 7.4 to 9.x alike)."""
    index = (outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    results: dict[str, tuple[str, str]] = {}
    for prefix, entries in data["objects"].items():
        for doc, typeindex, _prio, anchor, name in entries:
            fullname = f"{prefix}.{name}" if prefix else name
            if anchor == "":
                anchor = fullname
            elif anchor == "-":
                anchor = data["objnames"][str(typeindex)][1] + "-" + fullname
            results[unescape(fullname)] = (data["docnames"][doc], anchor)
    return data, results


@pytest.mark.parametrize("root", ["payments", "payments-myst"])
def test_search_results_read_id_and_title_and_land_on_the_object(
    make_app, copy_root, root: str
) -> None:
    """A result reads "ID: title" (so a search for words of a title finds the object)
    and links to an element of the object's box: its header."""
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    _data, results = _search_objects(app.outdir)
    page, anchor = results["PG-DEC-7: Build our own payout engine"]
    assert (page, anchor) == ("decisions", "dd-head-PG-DEC-7")
    html = _html(app, "decisions")
    assert html.count(f'id="{anchor}"') == 1
    assert re.search(rf'id="PG-DEC-7">\s*<p class="dd-head" id="{anchor}">', html)  # first line
    assert results["PG-DEC-4: Poll the acquirer for settlement files"][1] == "dd-head-PG-DEC-4"
    # an apostrophe, a page of its own
    assert results["PG-DEC-8: Use the acquirer's 3-D Secure SDK"][0] == "decisions"
    assert results["PG-DEP-9: HTTPX"] == ("dependencies", "dd-head-PG-DEP-9")
    assert len([name for name in results if name.startswith("PG-")]) == 35


def test_search_titles_with_dots_and_markup_stay_whole(make_app, tmp_path: Path) -> None:
    """The search page splits a display name at its last dot and joins it back; markup
    in a title is escaped (Sphinx escapes display names)."""
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": "Design\n======\n\n"
            ".. requirement:: Speak HTTP/1.1 <script>alert(1)</script>\n   :id: REQ.1\n"
        },
    )
    app = make_app("html", srcdir=src)
    app.build()
    data, results = _search_objects(app.outdir)
    assert results["REQ.1: Speak HTTP/1.1 <script>alert(1)</script>"] == ("index", "dd-head-REQ.1")
    assert "<script>" not in json.dumps(data["objects"])


def test_inventory_keeps_ids_for_intersphinx(make_app, copy_root) -> None:
    """Other projects link our objects by ID through intersphinx: the inventory's name
    stays the ID, its display name reads "ID: title" and the anchor is the header's."""
    from sphinx.util.inventory import InventoryFile

    app = make_app("html", srcdir=copy_root("payments"))
    app.build()
    with open(app.outdir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org/pg", posixpath.join)
    entry = inventory["dd:decision"]["PG-DEC-7"]
    # Sphinx 8.2 made the tuple an object with attributes
    uri = entry.uri if hasattr(entry, "uri") else entry[2]
    display = entry.display_name if hasattr(entry, "display_name") else entry[3]
    assert uri == "https://example.org/pg/decisions.html#dd-head-PG-DEC-7"
    assert display == "PG-DEC-7: Build our own payout engine"


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


def _read_inventory(path: Path) -> str:
    data = path.read_bytes()
    body = data.split(b"\n", 4)[4]
    lines = zlib.decompress(body).decode().splitlines()
    return "\n".join(" ".join(line.split()[1:2] + line.split()[0:1]) for line in lines)
