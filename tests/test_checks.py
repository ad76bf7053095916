"""The checks as a whole: the registry of check families, the warnings a build gives
for the check roots, where they are located, and suppressing them."""

from __future__ import annotations

import pytest
from checks_helpers import context, obj
from conftest import find_warning, load_report, warnings_of

from sphinx_designdoc.checks import CHECKS, checked_subtypes, run_checks
from sphinx_designdoc.model import DocRecord
from sphinx_designdoc.views import View

ROOTS = {"checks": "rst", "checks-myst": "md"}


def _count(warnings: list[str], subtype: str) -> int:
    return sum(1 for w in warnings if w.endswith(f"[designdoc.{subtype}]"))


def test_every_design_check_is_registered() -> None:
    names = set(checked_subtypes())
    assert {
        "untraced",
        "unused",
        "unjustified",
        "supersession",
        "section",
        "coverage",
        "pyproject",
    } <= names
    assert all(callable(c.run) for c in CHECKS)


@pytest.mark.parametrize("root", list(ROOTS))
def test_design_checks(make_app, copy_root, root: str) -> None:
    ext = ROOTS[root]
    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    design, adr, other = f"design.{ext}:", f"adr.{ext}:", f"other.{ext}:"

    # untraced: active requirements without a counting decision (rejected ones exempt)
    find_warning(w, design, "untraced", "requirement REQ-2 is untraced")
    find_warning(w, design, "untraced", "add ':addresses: REQ-4' to a decision")
    assert _count(w, "untraced") == 2
    # unused: a dependency only a rejected decision uses
    find_warning(w, design, "unused", "dependency DEP-6 is unused")
    assert _count(w, "unused") == 1
    # unjustified: a proposed decision that addresses nothing
    find_warning(w, design, "unjustified", "decision DEC-2 (proposed) addresses no requirement")
    assert _count(w, "unjustified") == 1
    # supersession: orphan superseded, superseding a live decision, one cycle reported once
    find_warning(w, design, "supersession", "DEC-4 has status superseded but nothing supersedes it")
    find_warning(w, design, "supersession", "DEC-5 supersedes DEC-1, whose status is 'accepted'")
    find_warning(w, design, "supersession", "supersession cycle: DEC-6 -> DEC-7 -> DEC-6")
    assert _count(w, "supersession") == 3
    # section: default template (case-insensitive titles), a configured one with aliases
    find_warning(
        w, design, "section", "lacks the section 'Observability' required by template 'default'"
    )
    assert not [x for x in w if "'Technical Design'" in x]  # "technical design" matches
    assert not [x for x in w if "'Current Context'" in x]
    assert _count(w, "section") == 7
    find_warning(w, adr, "section", "ADR-1 lacks the section 'Consequences'")
    assert not [x for x in w if "'Decision'" in x]  # matched through its alias "Outcome"
    find_warning(w, other, "invalid", "DD-2: unknown :template: 'nope' (known: adr, default)")
    # coverage: 1 of 3 active requirements, located at the first design document
    find_warning(w, adr, "coverage", "requirement coverage is 33.3% (1 of 3 traced)")
    # pyproject: specifier sets compared as sets; names canonicalised; groups searched
    find_warning(w, design, "pyproject", "DEP-2 (click) has :version: '>=7'")
    find_warning(w, design, "pyproject", "DEP-4 (ruff) has :version: '>=0.6'")
    find_warning(w, design, "pyproject", "runtime dependency DEP-5 (numpy) is missing")
    assert not [x for x in w if "DEP-1" in x or "DEP-3" in x or "DEP-7" in x]
    assert _count(w, "pyproject") == 4  # DEP-2, DEP-4, DEP-5 and the unused DEP-6

    report = load_report(app.outdir)
    findings = report["findings"]
    assert len(findings) == len(w)
    by_id = {(f["subtype"], f["id"]) for f in findings}
    assert ("untraced", "REQ-2") in by_id and ("unjustified", "DEC-2") in by_id
    assert ("supersession", "DEC-6") in by_id and ("supersession", "DEC-7") not in by_id
    untraced = next(f for f in findings if f["id"] == "REQ-2")
    assert untraced["source"] == f"design.{ext}" and untraced["line"]
    assert report["checks"]["untraced"] == 2 and report["checks"]["pyproject"] == 4
    assert report["coverage"]["requirement"]["percent"] == 33.3


def test_exact_locations_in_rst(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("checks"))
    app.build()
    w = warnings_of(app)
    find_warning(w, "design.rst:18:", "untraced", "REQ-2")
    find_warning(w, "design.rst:37:", "unjustified", "DEC-2")
    find_warning(w, "design.rst:58:", "supersession", "cycle")
    find_warning(w, "design.rst:4:", "section", "DD-1")
    find_warning(w, "adr.rst:4:", "coverage", "below designdoc_min_coverage 80%")


def test_checks_can_be_suppressed_and_coverage_is_off_by_default(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("checks"),
        confoverrides={
            "designdoc_min_coverage": 0,
            "designdoc_pyproject": None,
            "suppress_warnings": ["designdoc.untraced", "designdoc.section"],
        },
    )
    app.build()
    w = warnings_of(app)
    assert _count(w, "coverage") == _count(w, "pyproject") == 0
    assert _count(w, "untraced") == _count(w, "section") == 0
    assert _count(w, "unused") == 1
    flags = {f["subtype"]: f["suppressed"] for f in load_report(app.outdir)["findings"]}
    assert flags["untraced"] is True and flags["unused"] is False


def test_suppress_warnings_silences_one_subtype(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("invalid"),
        confoverrides={"suppress_warnings": ["designdoc.invalid"]},
    )
    app.build()
    w = warnings_of(app)
    assert not [line for line in w if "[designdoc.invalid]" in line]
    assert [line for line in w if "[designdoc.dangling]" in line]
    report = load_report(app.outdir)
    flags = {f["subtype"]: f["suppressed"] for f in report["findings"]}
    assert flags["invalid"] is True and flags["dangling"] is False


@pytest.mark.parametrize("subtype", ["duplicate", "dangling", "untraced", "cycle", "graph"])
def test_the_registry_runs_every_family(subtype: str) -> None:
    assert subtype in checked_subtypes()
    ctx = context(
        obj("REQ-1", "requirement", refines="REQ-1"),
        obj("REQ-1", "requirement", doc="z"),
        obj("DEC-1", "decision", addresses="REQ-404"),
        records={"v": DocRecord(views=[View("graph", None, (), "v.rst", 1, drawn=True)])},
        graphviz=False,
    )
    assert subtype in {f.subtype for f in run_checks(ctx)}
