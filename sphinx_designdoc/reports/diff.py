"""What changed between two reports, and whether it is a regression.  No Sphinx here."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..safety import natural_key
from ..subtypes import SUBTYPES
from ._common import coverage_figures, coverage_of


def _link_key(link: tuple[str, str, str]) -> tuple[Any, ...]:
    source, name, target = link
    return (natural_key(source), name, natural_key(target))


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two reports, as plain data (``--json`` prints it as is)."""
    before = {o["id"]: o for o in old["objects"]}
    after = {o["id"]: o for o in new["objects"]}

    def brief(o: Mapping[str, Any]) -> dict[str, Any]:
        return {k: o.get(k) for k in ("id", "type", "title", "status")}

    def link_set(objs: Mapping[str, Mapping[str, Any]]) -> set[tuple[str, str, str]]:
        return {
            (oid, name, target)
            for oid, o in objs.items()
            for name, targets in (o.get("links") or {}).items()
            for target in targets
        }

    common = sorted(before.keys() & after.keys(), key=natural_key)
    old_findings, new_findings = _findings(old), _findings(new)
    old_links, new_links = link_set(before), link_set(after)
    was_untraced = {i for i, o in before.items() if o.get("traced") is False}
    now_untraced = {i for i, o in after.items() if o.get("traced") is False}
    now_traced = {i for i, o in after.items() if o.get("traced") is True}
    old_cov, new_cov = coverage_figures(old), coverage_figures(new)
    coverage = {
        type_name: _coverage_change(old_cov.get(type_name), new_cov.get(type_name))
        for type_name in sorted(set(old_cov) | set(new_cov))
    }
    return {
        "added": [brief(after[i]) for i in sorted(after.keys() - before.keys(), key=natural_key)],
        "removed": [
            brief(before[i]) for i in sorted(before.keys() - after.keys(), key=natural_key)
        ],
        "retitled": [
            {"id": i, "before": before[i].get("title"), "after": after[i].get("title")}
            for i in common
            if before[i].get("title") != after[i].get("title")
        ],
        "status_changed": [
            {"id": i, "before": before[i].get("status"), "after": after[i].get("status")}
            for i in common
            if before[i].get("status") != after[i].get("status")
        ],
        "links_added": [
            {"source": s, "link": n, "target": t}
            for s, n, t in sorted(new_links - old_links, key=_link_key)
        ],
        "links_removed": [
            {"source": s, "link": n, "target": t}
            for s, n, t in sorted(old_links - new_links, key=_link_key)
        ],
        "newly_untraced": [
            {**brief(after[i]), "new_object": i not in before}
            for i in sorted(now_untraced - was_untraced, key=natural_key)
        ],
        "newly_traced": [
            brief(after[i]) for i in sorted(now_traced & was_untraced, key=natural_key)
        ],
        "findings_added": [
            new_findings[k] for k in sorted(new_findings.keys() - old_findings.keys())
        ],
        "findings_removed": [
            old_findings[k] for k in sorted(old_findings.keys() - new_findings.keys())
        ],
        "coverage": coverage,
    }


def _coverage_change(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A type's coverage before and after (as the reports hold them) and the exact
    change: of the share in percentage points (unrounded: rounding each share first made
    13/14 -> 12/14 a drop of 7.2 points where it is 7.14), and of the counts."""
    change: dict[str, Any] = {"change": None, "traced_change": None, "total_change": None}
    if before is not None and after is not None:
        b, a = coverage_of(before), coverage_of(after)
        change = {
            "change": float(Fraction(100 * a.traced, a.total) - Fraction(100 * b.traced, b.total)),
            "traced_change": a.traced - b.traced,
            "total_change": a.total - b.total,
        }
    return {"before": before, "after": after, **change}


def coverage_text(figures: Mapping[str, Any] | None) -> str:
    """``13/14 (92.9%)``, or ``n/a`` for a type with nothing to trace."""
    return "n/a" if figures is None else coverage_of(figures).fraction


def _findings(report: Mapping[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """The findings that stand (not suppressed), by what identifies one across builds:
    its kind, object, file and message, not its line, which moves with any edit."""
    out = {}
    for f in report.get("findings") or ():
        if f.get("suppressed"):
            continue
        key = tuple(str(f.get(k) or "") for k in ("source", "subtype", "id", "message"))
        out[key] = {k: f.get(k) for k in ("subtype", "rule", "message", "id", "source", "line")}
    return out


#: what makes a diff a regression, for ``--fail-on-regression`` and the docs
REGRESSION_RULES = (
    "the coverage of a type dropped",
    "an object that existed before became untraced",
    "a new finding of a kind the list of warnings marks as a regression "
    f"({', '.join(s.name for s in SUBTYPES.values() if s.regression)})",
)


def regressions(diff: Mapping[str, Any]) -> list[str]:
    """Why the diff is a regression, one line per reason; empty when it is not.

    A new object that is born untraced is listed but is not by itself a regression: it
    lowers coverage when nothing else improves, and that is caught as a drop.
    """
    reasons = [
        f"{name} coverage dropped: {coverage_text(c['before'])} -> {coverage_text(c['after'])}"
        for name, c in diff["coverage"].items()
        if c["change"] is not None and c["change"] < 0
    ]
    reasons += [f"{o['id']} became untraced" for o in diff["newly_untraced"] if not o["new_object"]]
    reasons += [
        f"new {f['rule']}: {f['message']}"
        for f in diff["findings_added"]
        if (kind := SUBTYPES.get(str(f.get("subtype")))) is not None and kind.regression
    ]
    return reasons


def is_regression(diff: Mapping[str, Any]) -> bool:
    return bool(regressions(diff))
