"""Take the screenshots of the documentation's gallery: the theme showcase
(``tests/roots/test-themes``) built with each popular theme, light and dark, in headless
Chromium, from the same builds the browser tests check.

    python scripts/gallery.py            # writes docs/_static/gallery/*.png
    python scripts/gallery.py --out DIR  # somewhere else

Needs Chromium, ChromeDriver, selenium and the themes (``pip install -e .[test]``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import browser as bs

GALLERY = Path(__file__).resolve().parent.parent / "docs" / "_static" / "gallery"
#: per shot: the page it is taken on and the element scrolled to the top (the last that
#: matches: the graph page's second graph is the one with a root)
FOCUS = {
    "design": ("design", "#FR-3"),  # an untraced requirement's badge, a rejected one
    "decisions": ("design", "#DEC-1"),
    "dependencies": ("design", "#DEP-PSP"),
    "matrix": ("matrix", ".dd-matrix"),
    "table": ("table", ".dd-table"),
    "graph": ("graph", ".dd-graph"),
}
#: (theme, shot) pairs taken in light and, for themes that have it, dark mode
SHOTS = [
    *((theme, shot) for theme in bs.THEMES for shot in ("design", "matrix")),
    *(("furo", shot) for shot in ("decisions", "dependencies", "table", "graph")),
]
WIDTH, HEIGHT = 1000, 640
#: room above the focused element for a theme's sticky header, in pixels
TOP_OFFSET = {"pydata_sphinx_theme": 150, "sphinx_book_theme": 90}


def shot_names() -> list[str]:
    """The files the gallery holds, in order: ``<theme>-<mode>-<shot>.png``."""
    names = []
    for theme, page in SHOTS:
        for mode in ("light", "dark"):
            if mode == "light" or theme in bs.DARK_THEMES:
                names.append(f"{theme}-{mode}-{page}.png")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=GALLERY, help="where the PNGs go")
    args = parser.parse_args(argv)
    try:
        bs.chromium()
    except bs.Unavailable as exc:
        print(f"gallery: {exc}", file=sys.stderr)
        return 2
    missing = [t for t in bs.THEMES if not bs.theme_installed(t)]
    if missing:
        print(f"gallery: install the themes first: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, bs.browser(WIDTH, HEIGHT) as driver:
        sites = {theme: bs.build(theme, Path(tmp) / theme / "html") for theme in bs.THEMES}
        for name in shot_names():
            theme, mode, shot = name[: -len(".png")].rsplit("-", 2)
            page, selector = FOCUS[shot]
            bs.set_dark(driver, mode == "dark")
            bs.open_page(driver, sites[theme], page)
            # "instant": themes that scroll smoothly (furo) would still be at the top
            # when the screenshot is taken; the offset keeps sticky headers off the view
            driver.execute_script(
                "const el = [...document.querySelectorAll(arguments[0])].pop();"
                "if (el) { el.scrollIntoView({block: 'start', behavior: 'instant'});"
                " window.scrollBy({top: -arguments[1], behavior: 'instant'}); }",
                selector,
                TOP_OFFSET.get(theme, 80),
            )
            # two frames and a moment for the theme's colour transitions: a screenshot
            # taken at once can show the previous page's colour scheme
            driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "requestAnimationFrame(() => requestAnimationFrame(done));"
            )
            time.sleep(0.5)
            driver.save_screenshot(str(args.out / name))
            print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
