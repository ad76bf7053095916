"""The standalone HTML report (``designdoc-report.html``) in a real browser: it fits a
desktop window, and on a phone its tables scroll inside their own boxes, not the page.

The report is written from a project with objects of every built-in type and every
field filled (many fields are what made the page wide: a column each), and opened in
headless Chromium at 1,400 and 390 CSS pixels.  Needs Chromium, ChromeDriver and
selenium (``.ci/run`` installs them); skipped with the reason otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import write_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import browser as bs

try:
    bs.chromium()
except bs.Unavailable as exc:
    pytest.skip(str(exc), allow_module_level=True)

#: a payment gateway's design, in brief: every field of every built-in type is used, and
#: the values are as long as real ones (URLs, version specifiers, paths)
PAGE = """Payment gateway
===============

.. designdoc::
   :id: PG-DD
   :status: review
   :authors: Ana Lima, Ben Okafor
   :reviewers: Chen Wei
   :date: 2026-11-02
   :owner: payments-team
   :tags: payments, pci

.. requirement:: Authorise card payments through the acquirer within two seconds
   :id: PG-REQ-1
   :kind: non-functional
   :category: performance
   :priority: must
   :owner: payments-team
   :tags: latency, acquirer, card-present, card-not-present

.. requirement:: Refund a captured payment in part or in full
   :id: PG-REQ-2
   :priority: should

.. requirement:: Settle in the merchant's currency
   :id: PG-REQ-3
   :priority: could

.. decision:: Use the acquirer's hosted payment page for card entry
   :id: PG-DEC-1
   :status: accepted
   :addresses: PG-REQ-1, PG-REQ-2
   :uses: PG-DEP-1, PG-DEP-2
   :alternatives: Card form of our own; Payment SDK in the mobile app; Tokenisation proxy
   :date: 2026-10-20
   :deciders: Ana Lima, Ben Okafor, Chen Wei

.. decision:: Keep card data in our own vault
   :id: PG-DEC-2
   :status: rejected
   :addresses: PG-REQ-1

.. dependency:: Acquirer REST API
   :id: PG-DEP-1
   :scope: service
   :url: https://developer.acquirer.example.org/api/v3/reference/payments/authorisations/card-not-present/three-domain-secure/challenge-flows/frictionless
   :license: proprietary

.. dependency:: HTTP client
   :id: PG-DEP-2
   :package: httpx-with-a-rather-long-distribution-name
   :version: >=0.27.0,<0.28.0,!=0.27.1
   :license: BSD-3-Clause
"""

#: in the page: its width, how wide its content is, and the elements that reach past
#: the window without a scrolling box of their own around them
WIDTH_JS = r"""
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.body.querySelectorAll("*")) {
  const r = el.getBoundingClientRect();
  if (r.right <= width + 1) continue;
  let scroller = null;
  for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.overflowX === "auto" || style.overflowX === "scroll") { scroller = e; break; }
  }
  if (scroller && scroller.getBoundingClientRect().right <= width + 1) continue;
  out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " to " + Math.round(r.right));
}
return {width: width, scrollWidth: document.scrollingElement.scrollWidth, wide: out.slice(0, 10)};
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sphinx_designdoc.build import build_reports

    tmp = tmp_path_factory.mktemp("report")
    src = write_project(
        tmp / "src",
        {"index.rst": PAGE},
        conf='extensions = ["sphinx_designdoc"]\ndesigndoc_exports = ["html"]\n',
    )
    build_reports(src, tmp / "out", tmp / "doctrees")
    return tmp / "out" / "designdoc-report.html"


def _measure(report: Path, width: int) -> dict[str, Any]:
    with bs.browser(width=width, height=900) as driver:
        driver.get(report.resolve().as_uri())
        result: dict[str, Any] = driver.execute_script(WIDTH_JS)
        result["ids"] = driver.execute_script(
            "return Array.from(document.querySelectorAll('td code'))"
            ".filter(c => c.textContent.startsWith('PG-'))"
            ".map(c => c.getClientRects().length);"
        )
    return result


@pytest.mark.parametrize("width", [1400, 390])
def test_the_report_does_not_scroll_sideways(report: Path, width: int) -> None:
    result = _measure(report, width)
    assert result["scrollWidth"] <= result["width"] + 1, result
    assert not result["wide"], result
    # an ID stays on one line, as a reader finds it again
    assert result["ids"] and all(lines == 1 for lines in result["ids"]), result["ids"]
