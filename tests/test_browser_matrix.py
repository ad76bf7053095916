"""The views of a real-sized design at the widths readers use, in a real browser.

The payment gateway of ``tests/roots/test-payments`` (15 requirements, 11 decisions of
which 2 rejected and 1 superseded, 9 dependencies) is built with each of the five themes
most projects use and opened in headless Chromium:

- at 1,400 CSS pixels its default matrix needs no sideways scrolling;
- at 390 (a phone) every row's ID and Traced cells are on screen, and the IDs stay on
  screen while the table is scrolled;
- at 390 no ID in an object's links breaks across lines, the lists of links wrap
  between links instead;
- a search for words of an object's title finds the object, reads "ID: title" and lands
  on the object.

Needs Chromium, ChromeDriver and selenium (``.ci/run`` installs them); skipped with the
reason otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import browser as bs

try:
    bs.chromium()
except bs.Unavailable as exc:
    pytest.skip(str(exc), allow_module_level=True)

THEMES = [
    pytest.param(
        theme,
        marks=pytest.mark.skipif(not bs.theme_installed(theme), reason=f"{theme} not installed"),
    )
    for theme in bs.THEMES
]

#: in the page: per matrix, its box's widths, and where each row's ID and Traced cells
#: are against the viewport
MATRIX_JS = r"""
const width = document.documentElement.clientWidth;
const out = [];
for (const box of document.querySelectorAll(".dd-matrix .dd-scroll")) {
  const heads = [...box.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  const traced = heads.indexOf("Traced");
  const cells = [];
  for (const tr of box.querySelectorAll("tbody tr")) {
    const id = tr.children[0].getBoundingClientRect();
    const mark = tr.children[traced].getBoundingClientRect();
    cells.push({id: tr.children[0].textContent.trim(), idLeft: id.left, idRight: id.right,
                tracedLeft: mark.left, tracedRight: mark.right});
  }
  out.push({scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
            layout: box.querySelector("table").className, traced: traced,
            viewport: width, pageScrolls: document.scrollingElement.scrollWidth > width,
            cells: cells});
}
return out;
"""

#: in the page: for each link in an object's fields, how many lines the ID at the start
#: of its text takes, and whether the link sticks out of its object's box
LINKS_JS = r"""
function idRange(link, length) {
  // the first `length` characters of the link's text, across its text nodes
  const range = document.createRange();
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  let seen = 0, started = false;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent;
    if (!started) { range.setStart(n, 0); started = true; }
    if (seen + text.length >= length) { range.setEnd(n, length - seen); return range; }
    seen += text.length;
  }
  return null;
}
const out = [];
for (const link of document.querySelectorAll(".dd-object .dd-links a")) {
  const text = link.textContent;
  const id = text.split(":")[0];
  const range = idRange(link, id.length);
  const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                       .map((r) => Math.round(r.top)));
  const box = link.closest(".dd-object").getBoundingClientRect();
  const r = link.getBoundingClientRect();
  out.push({id: id, lines: tops.size, out: r.right > box.right + 1});
}
const paragraphs = [...document.querySelectorAll(".dd-object .dd-links")].map((p) => {
  const lineHeight = parseFloat(getComputedStyle(p).lineHeight) || 20;
  return p.getBoundingClientRect().height / lineHeight;
});
return {links: out, maxLines: Math.max(...paragraphs)};
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folders by theme, built on first use."""
    return {}


def site(built: dict[str, Path], theme: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if theme not in built:
        out = tmp_path_factory.mktemp(f"payments-{theme}") / "html"
        built[theme] = bs.build(theme, out, root=bs.PAYMENTS)
    return built[theme]


@pytest.fixture(scope="module")
def wide() -> Iterator[Any]:
    with bs.browser(width=1400, height=900) as driver:
        yield driver


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    with bs.browser(width=390, height=844) as driver:
        yield driver


def matrices(driver: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = driver.execute_script(MATRIX_JS)
    assert result, "no matrix on the page"
    return result


@pytest.mark.parametrize("theme", THEMES)
def test_default_matrix_needs_no_sideways_scrolling_at_1400px(
    wide, built, tmp_path_factory, theme
) -> None:
    out = site(built, theme, tmp_path_factory)
    bs.open_page(wide, out, "matrix")
    for matrix in matrices(wide):
        assert matrix["scrollWidth"] <= matrix["clientWidth"], matrix["layout"]
        assert not matrix["pageScrolls"]
        assert len(matrix["cells"]) == 15


@pytest.mark.parametrize("theme", THEMES)
def test_id_and_traced_columns_stay_on_screen_at_390px(
    phone, built, tmp_path_factory, theme
) -> None:
    out = site(built, theme, tmp_path_factory)
    bs.open_page(phone, out, "matrix")
    # nothing of ours widens the page (pydata-sphinx-theme's own navigation bar may, with
    # a long project name)
    assert not bs.layout(phone)["problems"]
    for matrix in matrices(phone):
        width = matrix["viewport"]
        for cell in matrix["cells"]:
            assert cell["idLeft"] >= 0 and cell["idRight"] <= width, cell
            assert cell["tracedLeft"] >= 0 and cell["tracedRight"] <= width, cell
    # scrolled to its far end, the table keeps its IDs in view
    phone.execute_script(
        "for (const b of document.querySelectorAll('.dd-matrix .dd-scroll'))"
        " b.scrollLeft = b.scrollWidth;"
    )
    for matrix in matrices(phone):
        for cell in matrix["cells"]:
            assert cell["idLeft"] >= 0 and cell["idRight"] <= matrix["viewport"], cell


@pytest.mark.parametrize("theme", THEMES)
def test_ids_in_an_objects_links_do_not_break_at_390px(
    phone, built, tmp_path_factory, theme
) -> None:
    out = site(built, theme, tmp_path_factory)
    broken: list[str] = []
    seen = 0
    for page in ("requirements", "decisions", "dependencies"):
        bs.open_page(phone, out, page)
        result = phone.execute_script(LINKS_JS)
        seen += len(result["links"])
        broken += [f"{page}: {link['id']}" for link in result["links"] if link["lines"] != 1]
        assert not [link for link in result["links"] if link["out"]], page
        assert result["maxLines"] > 2  # the lists wrap, between links
    assert seen > 50  # links and backlinks of every object
    assert not broken, broken


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_a_search_for_a_title_lands_on_the_object(wide, built, tmp_path_factory, theme) -> None:
    out = site(built, theme, tmp_path_factory)
    link = bs.search_result(wide, out, "payout+engine", "payout")
    assert link.text == "PG-DEC-7: Build our own payout engine"
    href = link.get_attribute("href")
    assert href.split("?")[0].endswith("decisions.html#dd-head-PG-DEC-7"), href
    assert bs.landed_object(wide, href) == "PG-DEC-7"
