"""Building the theme showcase and looking at it in a real browser.

Shared by the browser tests (``tests/test_browser.py``) and the gallery script
(``scripts/gallery.py``), so the screenshots in the docs come from the builds the
tests check.  Chromium and its driver are system programs (Debian: ``apt-get install
chromium chromium-driver``); :func:`browser` raises :class:`Unavailable` without them.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOTS = Path(__file__).resolve().parent.parent / "tests" / "roots"
ROOT = ROOTS / "test-themes"
#: a payment gateway's design in the shape of a real one (15 requirements, 11 decisions,
#: 9 dependencies): its default matrix must fit the page (``tests/test_browser_matrix.py``)
PAYMENTS = ROOTS / "test-payments"

#: the themes most projects use; a theme that is not installed is skipped by callers
THEMES = (
    "alabaster",
    "furo",
    "pydata_sphinx_theme",
    "sphinx_rtd_theme",
    "sphinx_book_theme",
)
#: themes with a dark mode of their own (the others stay light whatever the system says)
DARK_THEMES = frozenset({"furo", "pydata_sphinx_theme", "sphinx_book_theme"})
#: the pages of the showcase and what each shows
PAGES = {"design": "objects", "matrix": "dd-matrix", "table": "dd-table", "graph": "dd-graph"}


class Unavailable(RuntimeError):
    """A program or package the browser checks need is not installed."""


def theme_installed(theme: str) -> bool:
    if theme == "alabaster":
        return True
    try:
        __import__(theme)
    except ImportError:
        return False
    return True


def build(
    theme: str,
    outdir: Path,
    builder: str = "html",
    root: Path = ROOT,
    settings: Sequence[str] = (),
) -> Path:
    """Build the showcase (or another test root) with ``theme`` into ``outdir``, with
    ``settings`` (``name=value``, as ``-D`` takes them); return the output folder."""
    from sphinx.cmd.build import build_main

    src = outdir.parent / (f"src-{theme}" if root == ROOT else f"src-{root.name}-{theme}")
    if not src.exists():
        shutil.copytree(root, src)
    args = ["-q", "-b", builder, "-D", f"html_theme={theme}"]
    for setting in settings:
        args += ["-D", setting]
    args += [str(src), str(outdir)]
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = build_main(args)
    if code:
        raise RuntimeError(f"building {root.name} with {theme} failed:\n{err.getvalue()}")
    return outdir


def chromium() -> tuple[str, str]:
    """Paths of Chromium and its driver, or :class:`Unavailable`."""
    browser = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver:
        raise Unavailable(
            "needs Chromium and ChromeDriver (apt-get install chromium chromium-driver); "
            ".ci/run installs them"
        )
    try:
        import selenium  # noqa: F401
    except ImportError as exc:
        raise Unavailable("needs selenium (pip install selenium)") from exc
    return browser, driver


@contextlib.contextmanager
def browser(width: int = 1000, height: int = 900) -> Iterator[Any]:
    """A headless Chromium driven by Selenium, ``width`` x ``height`` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.set_window_size(width, height)
        yield driver
    finally:
        driver.quit()


def set_dark(driver: Any, dark: bool) -> None:
    """Ask for the dark (or light) colour scheme, as an operating system would: every
    theme with a dark mode of its own follows it (their default mode is "auto")."""
    value = "dark" if dark else "light"
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": value}]},
    )


def open_page(driver: Any, outdir: Path, page: str, fragment: str = "") -> None:
    url = (outdir / f"{page}.html").resolve().as_uri() + (f"#{fragment}" if fragment else "")
    driver.get(url)
    # every file:// page shares one origin, and pydata-sphinx-theme and the book theme
    # remember the mode in localStorage["theme"], which furo reads too: forget it, so
    # each page follows the emulated colour scheme rather than the last theme's choice
    if driver.execute_script("const n = localStorage.length; localStorage.clear(); return n;"):
        driver.get(url)
    driver.execute_script("return document.fonts ? document.fonts.ready : null")


#: the elements of ours whose texts must be readable
OURS = ".dd-object, .dd-view, .dd-badge"

#: computes, in the page, the contrast of every text inside our elements against the
#: background actually behind it (the first opaque one up the tree, translucent ones
#: blended in), as WCAG 2 defines contrast
CONTRAST_JS = r"""
const selector = arguments[0];
function parse(c) {
  // computed colours come as rgb()/rgba(), or as color(srgb r g b / a) for mixes
  let m = c.match(/color\(srgb ([^)]+)\)/);
  if (m) {
    const p = m[1].split(/[ \/]+/).filter(Boolean).map(Number);
    return {r: p[0] * 255, g: p[1] * 255, b: p[2] * 255, a: p.length > 3 ? p[3] : 1};
  }
  m = c.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
}
function blend(top, bottom) {
  const a = top.a + bottom.a * (1 - top.a);
  if (a === 0) return {r: 0, g: 0, b: 0, a: 0};
  const mix = (x, y) => (x * top.a + y * bottom.a * (1 - top.a)) / a;
  return {r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: a};
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (let i = layers.length - 1; i >= 0; i--) bg = blend(layers[i], bg);
  return bg;
}
function svgText(el) {
  const text = el.closest("text") || el;
  let bg = background(text.closest("svg"));
  for (let s = text.previousElementSibling; s; s = s.previousElementSibling) {
    if (s.tagName.toLowerCase() !== "rect") continue;
    const fill = parse(getComputedStyle(s).fill);
    if (fill && fill.a > 0) { bg = blend(fill, bg); break; }
  }
  return bg;
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}
const out = [];
const seen = new Set();
for (const root of document.querySelectorAll(selector)) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity || 1);
    // in a drawing (SVG) a text is painted with its fill, over the shape drawn just
    // before it (a graph's box or an arrow label's chip), over the page
    const drawn = el.closest("svg") ? svgText(el) : null;
    let fg = parse(drawn ? style.fill : style.color);
    const bg = drawn ? drawn : background(el);
    fg = blend({r: fg.r, g: fg.g, b: fg.b, a: fg.a * opacity}, bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    out.push({text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100,
              tag: el.tagName, cls: el.className, color: style.color,
              bg: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`});
  }
}
return out;
"""


def contrasts(driver: Any) -> list[dict[str, Any]]:
    """Every text inside our elements, with its contrast ratio against its background."""
    result: list[dict[str, Any]] = driver.execute_script(CONTRAST_JS, OURS)
    return result


#: in the page: every colour swatch of a graph legend, with the contrast of its outline
#: against the background behind it (a swatch must stay visible: 3:1, WCAG's measure
#: for the parts of a graphic one must see)
SWATCH_JS = (
    CONTRAST_JS.split("const out = [];", 1)[0]
    + r"""
const out = [];
for (const swatch of document.querySelectorAll(".dd-graph-legend .dd-swatch")) {
  const style = getComputedStyle(swatch);
  const bg = background(swatch.parentElement);
  const edge = blend(parse(style.borderTopColor), bg);
  const l1 = lum(edge), l2 = lum(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  out.push({cls: swatch.className, ratio: Math.round(ratio * 100) / 100,
            width: swatch.getBoundingClientRect().width});
}
return out;
"""
)


def swatches(driver: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = driver.execute_script(SWATCH_JS)
    return result


#: in the page: whether the page scrolls sideways, and every element of ours that
#: sticks out of the column it is in (or a descendant out of our box; a table's own
#: scrolling box may hold a wider table, that is what it is for)
LAYOUT_JS = r"""
const width = document.documentElement.clientWidth;
const problems = [];
function describe(el) {
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
         (el.className && el.className.baseVal === undefined ? "." + el.className.split(" ").join(".") : "");
}
for (const box of document.querySelectorAll(".dd-object, .dd-view")) {
  const b = box.getBoundingClientRect();
  const column = box.parentElement.getBoundingClientRect();
  if (b.right > column.right + 1 || b.left < column.left - 1 || b.right > width + 1) {
    problems.push(describe(box) + " sticks out of its column");
  }
  const reported = new Set();
  for (const el of box.querySelectorAll("*")) {
    const scroller = el.parentElement.closest(".dd-scroll, .dd-graph-figure");
    if (scroller && box.contains(scroller)) continue;
    if (reported.has(el.parentElement)) { reported.add(el); continue; }
    const r = el.getBoundingClientRect();
    if (r.width && r.right > b.right + 1) {
      reported.add(el);
      problems.push(describe(el) + " sticks out of " + describe(box));
    }
  }
}
return {pageScrolls: document.scrollingElement.scrollWidth > width + 1, problems: problems};
"""

#: in the page: where the header cell "Traced" of each matrix is, and the part of the
#: page one sees without scrolling sideways
TRACED_JS = r"""
const out = [];
for (const th of document.querySelectorAll(".dd-matrix-table th")) {
  if (th.textContent.trim() !== "Traced") continue;
  const r = th.getBoundingClientRect();
  const box = th.closest(".dd-scroll").getBoundingClientRect();
  out.push({left: r.left, right: r.right, boxLeft: box.left, boxRight: box.right,
            width: document.documentElement.clientWidth});
}
return out;
"""


def layout(driver: Any) -> dict[str, Any]:
    result: dict[str, Any] = driver.execute_script(LAYOUT_JS)
    return result


def traced_headers(driver: Any) -> list[dict[str, float]]:
    result: list[dict[str, float]] = driver.execute_script(TRACED_JS)
    return result


def search_result(driver: Any, outdir: Path, query: str, needle: str) -> Any:
    """Run Sphinx's search page for ``query`` and wait for the result link whose text
    holds ``needle`` (the index loads after the page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get((outdir / "search.html").resolve().as_uri() + "?q=" + query)

    def result_link(d: Any) -> Any:
        for link in d.find_elements(By.CSS_SELECTOR, "#search-results a"):
            if needle in link.text:
                return link
        return None

    return WebDriverWait(driver, 20).until(result_link)


def landed_object(driver: Any, href: str) -> str | None:
    """Follow ``href`` and return the ID of the object box that holds its target, once
    the target is scrolled into the window (some themes scroll smoothly, after the page
    has loaded); None when the fragment names no element."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(href)

    def target(d: Any) -> Any:
        return d.execute_script(
            "const el = document.getElementById(location.hash.slice(1));"
            "if (!el) return null;"
            "const r = el.getBoundingClientRect();"
            "return {id: el.closest('.dd-object').id, top: r.top, height: innerHeight};"
        )

    if target(driver) is None:
        return None
    WebDriverWait(driver, 10).until(lambda d: 0 <= target(d)["top"] < target(d)["height"])
    return str(target(driver)["id"])
