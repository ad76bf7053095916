"""The views in a real browser, on the themes most projects use, light and dark.

A small design document (``tests/roots/test-themes``) is built once per theme and opened
in headless Chromium at 1,000 CSS pixels wide: every text inside an object box, a view
or a badge must reach 4.5:1 contrast against the background actually behind it (WCAG
AA; a graph's texts against the box they are drawn on), the matrix's Traced column must be in view without scrolling sideways, nothing of
ours may stick out of the content column, and a search for an object must land on it.

Needs Chromium, ChromeDriver and selenium (``.ci/run`` installs them); skipped with the
reason otherwise.  ``scripts/gallery.py`` takes the docs' screenshots from the same
builds.
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
#: the theme's own permalink icons, hidden until hovered, are not ours
NOT_OURS = ("headerlink",)
MIN_CONTRAST = 4.5


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with bs.browser(width=1000, height=900) as d:
        yield d


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folders by theme, built on first use."""
    return {}


def site(built: dict[str, Path], theme: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if theme not in built:
        built[theme] = bs.build(theme, tmp_path_factory.mktemp(theme) / "html")
    return built[theme]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_of_ours_is_readable(driver, built, tmp_path_factory, theme, dark) -> None:
    out = site(built, theme, tmp_path_factory)
    bs.set_dark(driver, dark)
    try:
        failures = []
        seen = 0
        for page in bs.PAGES:
            bs.open_page(driver, out, page)
            texts = bs.contrasts(driver)
            seen += len(texts)
            failures += [
                f"{page}: {t['text']!r} ({t['cls'] or t['tag']}) {t['ratio']}:1, "
                f"{t['color']} on {t['bg']}"
                for t in texts
                if t["ratio"] < MIN_CONTRAST and not set(NOT_OURS) & set(t["cls"].split())
            ]
    finally:
        bs.set_dark(driver, False)
    assert seen > 100  # the pages were read: objects, statuses, badges, tables, legends
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_graphs_are_drawn_in_the_themes_colours(driver, built, tmp_path_factory, theme, dark):
    """A graph's texts are in the page (SVG): each box and arrow label reaches 4.5:1
    against the box or label it is drawn on; in a dark mode the boxes are dark and the
    texts light, as the theme's; the legend's swatches stay visible (3:1)."""
    out = site(built, theme, tmp_path_factory)
    bs.set_dark(driver, dark)
    try:
        bs.open_page(driver, out, "graph")
        texts = [t for t in bs.contrasts(driver) if t["tag"] in ("text", "tspan")]
        swatches = bs.swatches(driver)
    finally:
        bs.set_dark(driver, False)
    assert len(texts) >= 40  # the two graphs' boxes and arrow labels
    low = [t for t in texts if t["ratio"] < MIN_CONTRAST]
    assert not low, low
    backgrounds = [[int(v) for v in t["bg"][4:-1].split(",")] for t in texts]
    dark_boxes = [sum(bg) < 3 * 128 for bg in backgrounds]
    assert all(dark_boxes) if dark and theme in bs.DARK_THEMES else not any(dark_boxes)
    assert swatches and all(s["ratio"] >= 3 and s["width"] > 5 for s in swatches), swatches


@pytest.mark.parametrize("theme", THEMES)
def test_dark_themes_turn_our_views_dark(driver, built, tmp_path_factory, theme) -> None:
    """In a theme with a dark mode our boxes follow it (text light on dark), and in a
    theme without one they stay as light as the page."""
    out = site(built, theme, tmp_path_factory)
    bs.set_dark(driver, True)
    try:
        bs.open_page(driver, out, "design")
        texts = [t for t in bs.contrasts(driver) if "dd-title" in t["cls"]]
    finally:
        bs.set_dark(driver, False)
    assert texts
    background = [int(v) for v in texts[0]["bg"][4:-1].split(",")]
    page_is_dark = sum(background) < 3 * 128
    assert page_is_dark == (theme in bs.DARK_THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_nothing_of_ours_widens_the_page(driver, built, tmp_path_factory, theme) -> None:
    out = site(built, theme, tmp_path_factory)
    for page in bs.PAGES:
        bs.open_page(driver, out, page)
        result = bs.layout(driver)
        assert not result["problems"], f"{page}: {result['problems']}"
        assert not result["pageScrolls"], f"{page} scrolls sideways at 1000px"


@pytest.mark.parametrize("theme", THEMES)
def test_traced_column_in_view_at_1000px(driver, built, tmp_path_factory, theme) -> None:
    out = site(built, theme, tmp_path_factory)
    bs.open_page(driver, out, "matrix")
    headers = bs.traced_headers(driver)
    assert headers, "no matrix with a Traced column"
    for h in headers:
        assert h["boxLeft"] <= h["left"] and h["right"] <= h["boxRight"] + 1, h
        assert h["right"] <= h["width"], h


@pytest.mark.parametrize("theme", THEMES)
def test_search_lands_on_the_object(driver, built, tmp_path_factory, theme) -> None:
    out = site(built, theme, tmp_path_factory)
    href = bs.search_result(driver, out, "FR-3", "FR-3").get_attribute("href")
    # the object's header, the first line of its box
    assert href.split("?")[0].endswith("design.html#dd-head-FR-3"), href
    assert bs.landed_object(driver, href) == "FR-3"
