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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import browser as bs

GALLERY = Path(__file__).resolve().parent.parent / "docs" / "_static" / "gallery"
#: what each page's screenshot shows first: the element scrolled to the top
FOCUS = {
    "design": "#FR-3",
    "matrix": ".dd-matrix",
    "table": ".dd-table",
    "graph": ".dd-graph",
}
#: (theme, page) pairs shot in light and, for themes that have it, dark mode
SHOTS = [
    *((theme, page) for theme in bs.THEMES for page in ("design", "matrix")),
    ("furo", "table"),
    ("furo", "graph"),
]
WIDTH, HEIGHT = 1000, 640


def shot_names() -> list[str]:
    """The files the gallery holds, in order: ``<theme>-<mode>-<page>.png``."""
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
            theme, mode, page = name[: -len(".png")].rsplit("-", 2)
            bs.set_dark(driver, mode == "dark")
            bs.open_page(driver, sites[theme], page)
            driver.execute_script(
                "const el = document.querySelector(arguments[0]);"
                "if (el) { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -80); }",
                FOCUS[page],
            )
            driver.save_screenshot(str(args.out / name))
            print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
