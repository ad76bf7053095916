"""The dd-matrix view: grid or list layout, the traced column, legends, tones."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from conftest import edit


def _html(app, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def _rows(html: str) -> dict[str, list[str]]:
    """Matrix rows by ID: the text of each cell."""
    rows: dict[str, list[str]] = {}
    for row in re.findall(r'<tr class="dd-row[^"]*">(.*?)</tr>', html, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        rows[cells[0]] = cells
    return rows


def _headers(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head is not None
    return [
        unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    ]


def test_matrix_tells_counting_links_from_the_others(make_app, copy_root) -> None:
    src = copy_root("themes")
    edit(
        src / "matrix.rst",
        ":caption: Requirements by decision",
        ":caption: Requirements by decision\n   :layout: grid",
    )
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert _headers(html) == [
        "ID",
        "Requirement",
        "Status",
        "Traced",
        "DEC-1",
        "DEC-2",
        "DEC-3",
        "DEC-4 (superseded)",  # inactive objects are marked wherever they are linked
        "DEC-5",
        "DEC-6 (rejected)",
    ]
    rows = _rows(html)
    # FR-3 is addressed only by a rejected decision: untraced, and no tick under it
    assert rows["FR-3"][3] == "untraced" and rows["FR-3"][9] == "\u25cb"
    # NFR-1: traced by accepted DEC-3 and DEC-5; superseded DEC-4 does not count
    assert rows["NFR-1"][3] == "\u2713"
    assert rows["NFR-1"][6:9] == ["\u2713", "\u25cb", "\u2713"]
    assert rows["FR-4"][3] == "n/a"  # rejected requirements are not counted
    legend = re.search(r'<p class="dd-legend">(.*?)</p>', html, re.S)
    assert legend is not None
    text = re.sub(r"<[^>]+>", "", legend.group(1))
    assert "\u2713 addressed by a decision that is accepted or proposed" in text
    assert "\u25cb addressed by a decision that is not" in text
    assert "Traced: \u2713 when a row has a \u2713 in a column, untraced when it has none" in text
    assert "n/a: a rejected or deprecated requirement, not counted" in text
    assert "(superseded) after an ID: a decision that is rejected, superseded or deprecated" in text
    # the table scrolls in its own box
    assert (
        '<div class="dd-scroll docutils container">\n<table class="dd-table dd-matrix-table dd-matrix-grid'
        in html
    )


def test_matrix_list_layout_keeps_the_traced_column(make_app, copy_root) -> None:
    src = copy_root("themes")
    edit(
        src / "matrix.rst",
        ":caption: Requirements by decision",
        ":caption: Requirements by decision\n   :layout: list",
    )
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert _headers(html) == ["ID", "Requirement", "Status", "Traced", "Addressed by (decision)"]
    rows = _rows(html)
    assert rows["NFR-1"][4] == "DEC-3, DEC-4 (superseded), DEC-5"
    assert re.search(
        r'<a [^>]*href="design.html#DEC-4"[^>]*><span class="dd-ref">DEC-4</span> '
        r'<span class="dd-inactive-mark">\(superseded\)</span></a>',
        html,
    )
    # a legend under every matrix, for the marks of its layout
    legend = re.search(r'<p class="dd-legend">(.*?)</p>', html, re.S)
    assert legend is not None
    text = re.sub(r"<[^>]+>", "", legend.group(1))
    assert text.startswith("\u2713 traced: addressed by a decision that is accepted or proposed")
    assert "untraced: no such decision" in text and "\u25cb" not in text


def _matrix_source(src: Path) -> tuple[Path, str, str]:
    """The matrix page of a payments root, and the edit that asks for the grid."""
    if (src / "matrix.md").exists():
        return src / "matrix.md", "```{dd-matrix}\n", "```{dd-matrix}\n:layout: grid\n"
    return src / "matrix.rst", ".. dd-matrix::\n", ".. dd-matrix::\n   :layout: grid\n"


@pytest.mark.parametrize("root", ["payments", "payments-myst"])
def test_default_matrix_of_eleven_decisions_is_the_list(make_app, copy_root, root: str) -> None:
    """Eleven decision columns do not fit a page (the browser test measures it): the
    default layout is the list; the grid stays an option."""
    src = copy_root(root)
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert "dd-matrix-list" in html and "dd-matrix-grid" not in html
    assert _headers(html) == ["ID", "Requirement", "Status", "Traced", "Addressed by (decision)"]
    edit(*_matrix_source(src))
    app = make_app("html", srcdir=src)
    app.build()
    html = _html(app, "matrix")
    assert "dd-matrix-grid" in html
    assert len(_headers(html)) == 4 + 11


@pytest.mark.parametrize(("builder", "output"), [("text", "matrix.txt"), ("latex", "*.tex")])
def test_default_matrix_is_the_list_in_other_builders_too(
    make_app, copy_root, builder: str, output: str
) -> None:
    app = make_app(builder, srcdir=copy_root("payments"))
    app.build()
    text = next(app.outdir.glob(output)).read_text(encoding="utf-8")
    assert "Addressed by (decision)" in text and "PG-DEC-11" in text


def test_a_grid_that_fits_stays_the_default(make_app, copy_root) -> None:
    """Two decision columns fit every theme's page: ``auto`` keeps the grid."""
    app = make_app("html", srcdir=copy_root("views"))
    app.build()
    html = _html(app, "views")
    first = html[html.index('<div class="dd-view dd-matrix') :]
    assert first.index("dd-matrix-grid") < first.index("</table>")


#: where each builder writes the matrix page of a payments root
MATRIX_OUTPUTS = {
    "html": "matrix.html",
    "singlehtml": "index.html",
    "text": "matrix.txt",
    "man": "*.1",
    "texinfo": "*.texi",
    "latex": "*.tex",
}


@pytest.mark.parametrize("builder", list(MATRIX_OUTPUTS))
def test_a_legend_under_every_matrix_in_every_builder(make_app, copy_root, builder: str) -> None:
    app = make_app(builder, srcdir=copy_root("payments"))
    app.build()
    out = next(app.outdir.glob(MATRIX_OUTPUTS[builder]))
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))).split())
    assert "traced: addressed by a decision that is accepted or proposed" in text
    assert ": a rejected or deprecated requirement, not counted" in text
    assert "after an ID: a decision that is rejected, superseded or deprecated" in text


def test_statuses_carry_their_tone(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("themes"))
    app.build()
    design, table = _html(app, "design"), _html(app, "table")
    assert '<span class="dd-status dd-status-approved dd-tone-good">approved</span>' in design
    assert '<span class="dd-status dd-status-rejected dd-tone-bad">rejected</span>' in table
    assert (
        'class="dd-object dd-type-requirement dd-status-rejected dd-tone-bad docutils container" id="FR-4"'
        in design
    )
