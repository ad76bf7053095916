"""A graph's boxes open their objects, clicked in a real browser.

A payment gateway's design (``tests/roots/test-graph-click``: 15 requirements, 11
decisions of which 2 rejected and 1 superseded, 9 dependencies, on pages at two depths)
is built once per theme.  In headless Chromium at 1,400 and 390 CSS pixels wide, the
centre of every box drawn in its whole-project graph is clicked, as a reader would, and
the browser must land on that box's object: the URL's fragment is its ID and the
object is in view.  Where the box is drawn is read from the drawing itself (an SVG
box's rectangle on screen; for a picture, the box's place in the picture, scaled as the
picture is shown), never from the link meant to cover it.

Needs Chromium, ChromeDriver and selenium (``.ci/run`` installs them), and Graphviz;
skipped with the reason otherwise.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import browser as bs
from sphinx_designdoc.views.drawing import MIN_SCALE

try:
    bs.chromium()
except bs.Unavailable as exc:
    pytest.skip(str(exc), allow_module_level=True)
if shutil.which("dot") is None:
    pytest.skip("needs Graphviz's dot program to draw the graphs", allow_module_level=True)

ROOT = Path(__file__).resolve().parent / "roots" / "test-graph-click"
ROOT_MYST = ROOT.parent / "test-graph-click-myst"
PAGE = "views/overview"
THEMES = [
    pytest.param(
        theme,
        marks=pytest.mark.skipif(not bs.theme_installed(theme), reason=f"{theme} not installed"),
    )
    for theme in bs.THEMES
]
WIDTHS = [1400, 390]
#: every object of the design: the whole-project graph draws each one
OBJECTS = 15 + 11 + 9

#: in the page: every box the first graph draws, with the ID its tooltip names and the
#: viewport point at the centre of where it is drawn.  ``index`` picks one box (then it
#: is scrolled into view first, in its figure and in the page).
BOXES_JS = r"""
const index = arguments[0];
const figure = document.querySelector(".dd-graph");
const out = [];
function named(title) { return (title || "").split(": ")[0]; }
function centre(r) { return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }
// the package's SVG: each box is a rectangle of its own
for (const node of figure.querySelectorAll("svg .dd-node")) {
  const box = node.querySelector(".dd-box");
  out.push({id: named(node.querySelector("title").textContent), el: box});
}
// a picture: where the image map (or the links laid over it) say the box is drawn, in
// the picture's own pixels, scaled as the picture is shown
const img = figure.querySelector("img");
if (img && !out.length) {
  const map = img.useMap ? document.querySelector(`map[name="${img.useMap.slice(1)}"]`) : null;
  const areas = map ? [...map.querySelectorAll("area")] : [];
  for (const area of areas) {
    const c = area.coords.split(",").map(Number);
    const xs = c.filter((_, i) => i % 2 === 0), ys = c.filter((_, i) => i % 2 === 1);
    out.push({id: named(area.title), px: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]});
  }
  for (const link of figure.querySelectorAll("a[data-px]")) {
    out.push({id: named(link.title), px: link.dataset.px.split(",").map(Number)});
  }
}
function point(box) {
  if (box.el) return centre(box.el.getBoundingClientRect());
  const r = img.getBoundingClientRect();
  const scale = r.width / img.naturalWidth;
  return {x: r.left + scale * (box.px[0] + box.px[2]) / 2, y: r.top + scale * (box.px[1] + box.px[3]) / 2};
}
if (index === null) return out.map(b => b.id);
const box = out[index];
if (box.el) {
  box.el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
} else {
  const p = point(box);
  figure.querySelector(".graphviz, .dd-graph-figure").scrollLeft += p.x - innerWidth / 2;
  window.scrollBy({top: point(box).y - innerHeight / 2, behavior: "instant"});
}
const p = point(box);
return {id: box.id, x: p.x, y: p.y, width: innerWidth, height: innerHeight};
"""

#: in the page: from now on a click on a link is recorded instead of followed (the
#: address it would open, resolved as the browser resolves it, and the window it would
#: open in), so that every box is clicked without loading a page each time
RECORD_JS = r"""
window.ddClicks = [];
document.addEventListener("click", (event) => {
  const link = event.target.closest("a, area");
  let href = null, target = null;
  if (link) {
    const raw = link.getAttribute("href") ??
      link.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    href = raw === null ? null : new URL(raw, document.baseURI).href;
    target = link.getAttribute("target");
  }
  window.ddClicks.push({href: href, target: target});
  event.preventDefault();
}, true);
"""

#: in the page: whether the first graph's figure sticks out of the page (and so makes
#: it scroll sideways), the share of its natural size its drawing is shown at, and
#: whether the drawing scrolls in the figure
FIT_JS = r"""
const figure = document.querySelector(".dd-graph .dd-graph-figure");
if (!figure) return null;
const drawing = figure.querySelector(".dd-graph-svg, .dd-graph-png > img");
const natural = parseFloat(drawing.getAttribute("width"));
// the figure stays in the page (a theme's own header may be wider than a phone)
return {outside: figure.getBoundingClientRect().right > document.documentElement.clientWidth + 1,
        scale: drawing.getBoundingClientRect().width / natural,
        figureScrolls: figure.scrollWidth > figure.clientWidth + 1};
"""

#: in the page: the object the URL's fragment names, and where it is
LANDED_JS = r"""
const id = decodeURIComponent(location.hash.slice(1));
const el = id ? document.getElementById(id) : null;
if (!el) return {id: id, found: false};
const r = el.getBoundingClientRect();
return {id: id, found: true, top: r.top, bottom: r.bottom, height: innerHeight,
        ready: document.readyState};
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with bs.browser(width=1400, height=900) as d:
        yield d


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folders by theme, each built once, on first use."""
    return {}


def site(
    built: dict[str, Path],
    theme: str,
    factory: pytest.TempPathFactory,
    root: Path = ROOT,
    settings: tuple[str, ...] = (),
) -> Path:
    key = f"{theme}-{root.name}-{'-'.join(settings)}"
    if key not in built:
        out = factory.mktemp(f"graph-{theme}") / "html"
        built[key] = bs.build(theme, out, root=root, settings=settings)
    return built[key]


def click_every_box(driver: Any, out: Path, width: int) -> list[tuple[str, dict[str, Any]]]:
    """Click the centre of every box of the page's first graph: per box, the ID it
    names and the link the click activated."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.set_window_size(width, 900)
    bs.open_page(driver, out, PAGE)
    # the whole project on a phone: shrunk no further than readable, it scrolls
    # sideways in its own box, never the page
    fit = driver.execute_script(FIT_JS)
    assert fit is not None, "the graph is not drawn in a figure of its own"
    assert not fit["outside"], f"the graph widens the page at {width}px"
    assert MIN_SCALE - 0.01 <= fit["scale"] <= 1.001, fit
    assert fit["figureScrolls"] or width >= 1000, fit
    driver.execute_script(RECORD_JS)
    ids = driver.execute_script(BOXES_JS, None)
    clicked = []
    for index, expected in enumerate(ids):
        box = driver.execute_script(BOXES_JS, index)
        if not (0 <= box["x"] < box["width"] and 0 <= box["y"] < box["height"]):
            clicked.append((expected, {"href": None, "why": f"not brought into view: {box}"}))
            continue
        actions = ActionChains(driver, duration=0)
        actions.w3c_actions.pointer_action.move_to_location(int(box["x"]), int(box["y"]))
        actions.w3c_actions.pointer_action.click()
        actions.perform()
        record = driver.execute_script("return window.ddClicks.pop() || {href: null};")
        clicked.append((expected, record))
    return clicked


def land(driver: Any, href: str) -> dict[str, Any]:
    """Follow ``href`` and say where the browser landed, once the object it names is in
    view.  On the page shown it is a move within the page, as a click makes it; should
    a theme's own scrolling on load swallow that move, the page is loaded again."""
    from selenium.webdriver.support.ui import WebDriverWait

    def landed(d: Any) -> Any:
        where = d.execute_script(LANDED_JS)
        shown = where["found"] and where["ready"] == "complete"
        # in view: at the top (to a fraction of a pixel) or below it, above the bottom
        return where if shown and -2 < where["top"] < where["height"] else None

    if driver.current_url.split("#", 1)[0] == href.split("#", 1)[0]:
        driver.execute_script("location.href = arguments[0];", href)
        try:
            found: dict[str, Any] = WebDriverWait(driver, 1.5, poll_frequency=0.02).until(landed)
            return found
        except Exception:
            pass
    driver.get(href)
    try:
        found = WebDriverWait(driver, 5, poll_frequency=0.02).until(landed)
    except Exception:
        found = driver.execute_script(LANDED_JS)
        found["in_view"] = False
    return found


def check_every_box(driver: Any, out: Path) -> None:
    """At each width every box's centre activates a link to its own object, in the top
    window; each of those links lands on its object (URL fragment and object in view)."""
    failures = []
    hrefs: dict[str, set[str]] = {}
    for width in WIDTHS:
        clicked = click_every_box(driver, out, width)
        assert len(clicked) == OBJECTS, (width, [expected for expected, _ in clicked])
        for expected, record in clicked:
            href = record.get("href")
            if not href or href.split("#", 1)[-1] != expected:
                failures.append(f"{width}px: the centre of {expected}'s box opens {href!r}")
            elif record.get("target") not in (None, "_top"):
                failures.append(f"{width}px: {expected}'s link opens in {record['target']!r}")
            else:
                hrefs.setdefault(expected, set()).add(href)
    assert not failures, f"{len(failures)} clicks of {2 * OBJECTS}:\n" + "\n".join(failures)
    driver.set_window_size(1400, 900)
    # each link followed, one page load per page: the others are moves within the page
    for expected, links in sorted(hrefs.items(), key=lambda pair: sorted(pair[1])):
        for href in sorted(links):
            where = land(driver, href)
            if where.get("id") != expected or where.get("in_view") is False:
                failures.append(f"{href}: landed on {where}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("theme", THEMES)
def test_every_box_opens_its_object(driver, built, tmp_path_factory, theme) -> None:
    check_every_box(driver, site(built, theme, tmp_path_factory))


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_every_box_of_a_png_graph_opens_its_object(driver, built, tmp_path_factory, theme):
    """``designdoc_graph_format = "png"``: the links laid over the picture scale with it
    (the MyST twin of the design)."""
    out = site(built, theme, tmp_path_factory, ROOT_MYST, ("designdoc_graph_format=png",))
    assert list((out / "_images").glob("dd-graph-*.png"))
    check_every_box(driver, out)


def test_a_types_colour_and_a_projects_rule_for_it(driver, tmp_path: Path) -> None:
    """A project's own type is tinted with the hue of its ``color``; a rule for its
    class in the project's stylesheet wins over that, as it does for object boxes."""
    root = tmp_path / "src"
    (root / "_static").mkdir(parents=True)
    (root / "_static" / "custom.css").write_text(
        ".dd-type-hazard { --dd-accent: rgb(190, 18, 60); }\n", encoding="utf-8"
    )
    (root / "conf.py").write_text(
        'extensions = ["sphinx_designdoc"]\n'
        'html_static_path = ["_static"]\nhtml_css_files = ["custom.css"]\n'
        "designdoc_types = {'risk': {'statuses': ['open'], 'color': '#fee2e2'},"
        " 'hazard': {'statuses': ['open'], 'color': '#dbeafe'}}\n"
        "designdoc_links = {'mitigates': {'source': 'decision', 'target': ['risk', 'hazard']}}\n",
        encoding="utf-8",
    )
    (root / "index.rst").write_text(
        "Risks\n=====\n\n.. risk:: Outage\n   :id: RISK-1\n\n"
        ".. hazard:: Flood\n   :id: HAZ-1\n\n"
        ".. decision:: Failover\n   :id: DEC-1\n   :status: accepted\n"
        "   :mitigates: RISK-1, HAZ-1\n\n.. dd-graph::\n",
        encoding="utf-8",
    )
    out = bs.build("alabaster", tmp_path / "out" / "html", root=root)
    driver.set_window_size(1400, 900)
    bs.open_page(driver, out, "index")
    accents = driver.execute_script(
        "const out = {};"
        "for (const el of document.querySelectorAll('.dd-graph-svg .dd-node, .dd-swatch')) {"
        "  const key = el.tagName + ' ' + [...el.classList].find(c => c.startsWith('dd-type-'));"
        "  out[key] = getComputedStyle(el).getPropertyValue('--dd-accent').trim(); }"
        "return out;"
    )
    assert accents["a dd-type-risk"] == accents["SPAN dd-type-risk"]
    assert accents["a dd-type-risk"].lower() not in ("", "#64748b", "#fee2e2")  # its own hue
    assert accents["a dd-type-hazard"] == accents["SPAN dd-type-hazard"] == "rgb(190, 18, 60)"
    assert accents["a dd-type-decision"] == "#16a34a"  # the package's, for a built-in type
