"""What changed between two reports, and whether it is a regression.  No Sphinx here.

Objects are matched by ID and findings by what they say, never by where they are:
moving an object to another file, or a page from reStructuredText to MyST, changes its
``source``, ``line``, ``docname``, ``url`` and ``content`` (the body as written), none of
which is a change of the design.  What is compared is the object's meaning: its type,
title, status, fields, links and ``text`` (its body as plain text, the same in either
markup).  A finding is the same across builds when its rule, object and message are,
the message read without the file locations some messages embed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from ..safety import natural_key
from ..subtypes import SUBTYPES
from ._common import coverage_figures, coverage_of, text

#: the most lines of a text diff shown for one object; the rest is counted
TEXT_DIFF_LINES = 12
#: the most characters of one line of a text diff, or of a field value shown
SHOWN_CHARS = 300

Obj = Mapping[str, Any]


def _link_key(link: tuple[str, str, str]) -> tuple[Any, ...]:
    source, name, target = link
    return (natural_key(source), name, natural_key(target))


def _brief(o: Obj) -> dict[str, Any]:
    """An object as a diff lists it: what it is, and where (in its own report)."""
    out = {k: o.get(k) for k in ("id", "type", "title", "status")}
    out.update({k: o.get(k) for k in ("source", "line", "url")})
    return out


def _text_of(o: Obj) -> str:
    """The object's body as plain text; a report of an earlier version has none."""
    value = o.get("text")
    return value if isinstance(value, str) else ""


def _link_targets(o: Obj) -> dict[str, set[str]]:
    links = o.get("links")
    if not isinstance(links, Mapping):
        return {}
    return {name: set(targets) for name, targets in links.items() if targets}


def _fields_of(o: Obj) -> Mapping[str, Any]:
    fields = o.get("fields")
    return fields if isinstance(fields, Mapping) else {}


def shorten(value: str, limit: int = SHOWN_CHARS) -> str:
    """``value`` cut to ``limit`` characters, saying so."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def text_diff(before: str, after: str, limit: int = TEXT_DIFF_LINES) -> tuple[list[str], int]:
    """A unified diff of two bodies, line by line (a line is a paragraph or block), with
    one line of context and no header: the first ``limit`` lines, and how many more."""
    lines = [
        shorten(line)
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
    ][2:]  # the "---" and "+++" header
    return lines[:limit], max(0, len(lines) - limit)


def _changes(old: Obj, new: Obj) -> list[dict[str, Any]]:
    """What changed in one object's meaning, field by field, in a fixed order."""
    changes: list[dict[str, Any]] = []
    for key in ("type", "title", "status"):
        if (old.get(key) or "") != (new.get(key) or ""):
            changes.append({"field": key, "before": old.get(key), "after": new.get(key)})
    old_fields, new_fields = _fields_of(old), _fields_of(new)
    for name in sorted(old_fields.keys() | new_fields.keys()):
        before, after = old_fields.get(name), new_fields.get(name)
        if before in ("", []):
            before = None
        if after in ("", []):
            after = None
        if before != after:
            changes.append({"field": f"field {name}", "before": before, "after": after})
    old_links, new_links = _link_targets(old), _link_targets(new)
    for name in sorted(old_links.keys() | new_links.keys()):
        before_ids, after_ids = old_links.get(name, set()), new_links.get(name, set())
        if before_ids != after_ids:
            changes.append(
                {
                    "field": f"link {name}",
                    "before": sorted(before_ids, key=natural_key),
                    "after": sorted(after_ids, key=natural_key),
                }
            )
    before_text, after_text = _text_of(old), _text_of(new)
    if before_text != after_text:
        changes.append({"field": "text", "before": before_text, "after": after_text})
    return changes


#: what an object means; what else a report holds of it (where it is, how it is
#: written, what the build derived) is no change of the design
_MEANING = ("type", "title", "status", "fields", "links", "text")


def _changed(old: Obj, new: Obj) -> dict[str, Any] | None:
    if all(old.get(key) == new.get(key) for key in _MEANING):
        return None  # most objects of a diff: compared member by member in C
    changes = _changes(old, new)
    if not changes:
        return None
    entry = {**_brief(new), "changes": changes, "text_diff": [], "text_diff_more": 0}
    if changes[-1]["field"] == "text":
        entry["text_diff"], entry["text_diff_more"] = text_diff(
            changes[-1]["before"], changes[-1]["after"]
        )
    return entry


def _suspects(objs: Mapping[str, Obj]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The links whose target changed since they were reviewed, by (object, link,
    target): the ``suspect`` lists of the objects (``designdoc.lock``)."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for oid, o in objs.items():
        entries = o.get("suspect")
        if not isinstance(entries, list):
            continue
        for s in entries:
            if not isinstance(s, Mapping):
                continue
            link, target = str(s.get("link") or ""), str(s.get("target") or "")
            changed = s.get("changed")
            out[(oid, link, target)] = {
                "id": oid,
                "title": o.get("title"),
                "link": link,
                "target": target,
                "changed": [str(c) for c in changed] if isinstance(changed, list) else [],
                "source": o.get("source"),
                "line": o.get("line"),
                "url": o.get("url"),
            }
    return out


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed between two reports, as plain data (``--format json`` prints it)."""
    before = {o["id"]: o for o in old["objects"]}
    after = {o["id"]: o for o in new["objects"]}

    def link_set(objs: Iterable[Obj]) -> set[tuple[str, str, str]]:
        return {
            (o["id"], name, target)
            for o in objs
            for name, targets in _link_targets(o).items()
            for target in targets
        }

    common = sorted(before.keys() & after.keys(), key=natural_key)
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    changed = [c for i in common if (c := _changed(before[i], after[i])) is not None]
    old_findings, new_findings = _findings(old, new)
    # only the links of objects that came, went or changed can differ
    moved = {c["id"] for c in changed}
    old_links = link_set(before[i] for i in (*moved, *removed))
    new_links = link_set(after[i] for i in (*moved, *added))
    old_suspects, new_suspects = _suspects(before), _suspects(after)
    was_untraced = {i for i, o in before.items() if o.get("traced") is False}
    now_untraced = {i for i, o in after.items() if o.get("traced") is False}
    now_traced = {i for i, o in after.items() if o.get("traced") is True}
    old_cov, new_cov = coverage_figures(old), coverage_figures(new)
    coverage = {
        type_name: _coverage_change(old_cov.get(type_name), new_cov.get(type_name))
        for type_name in sorted(set(old_cov) | set(new_cov))
    }

    def view(field: str) -> list[dict[str, Any]]:
        return [
            {"id": c["id"], "before": ch["before"], "after": ch["after"]}
            for c in changed
            for ch in c["changes"]
            if ch["field"] == field
        ]

    return {
        "added": [_brief(after[i]) for i in sorted(added, key=natural_key)],
        "removed": [_brief(before[i]) for i in sorted(removed, key=natural_key)],
        "changed": changed,
        "retitled": view("title"),
        "status_changed": view("status"),
        "links_added": [
            {"source": s, "link": n, "target": t}
            for s, n, t in sorted(new_links - old_links, key=_link_key)
        ],
        "links_removed": [
            {"source": s, "link": n, "target": t}
            for s, n, t in sorted(old_links - new_links, key=_link_key)
        ],
        "suspects_added": [
            new_suspects[k]
            for k in sorted(new_suspects.keys() - old_suspects.keys(), key=_link_key)
        ],
        "suspects_removed": [
            old_suspects[k]
            for k in sorted(old_suspects.keys() - new_suspects.keys(), key=_link_key)
        ],
        "newly_untraced": [
            {**_brief(after[i]), "new_object": i not in before}
            for i in sorted(now_untraced - was_untraced, key=natural_key)
        ],
        "newly_traced": [
            _brief(after[i]) for i in sorted(now_traced & was_untraced, key=natural_key)
        ],
        "findings_added": _unmatched(new_findings, old_findings),
        "findings_removed": _unmatched(old_findings, new_findings),
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


# -- findings ---------------------------------------------------------------------

#: what may stand around a location in a message: quotes, brackets, punctuation
_AROUND = "'\"()[]{},.;:!?"
#: what a location is replaced with in a finding's identity
PLACE = "<place>"

FindingKey = tuple[str, str, str]


def _places(*reports: Mapping[str, Any]) -> frozenset[str]:
    """The files and pages the reports name: what a message's location may spell."""
    names: set[str] = set()
    for report in reports:
        for rows in (report.get("objects") or (), report.get("findings") or ()):
            names.update(row.get("source") for row in rows)
            names.update(row.get("docname") for row in rows)
    return frozenset(n for n in names if isinstance(n, str) and n)


def message_identity(message: str, places: frozenset[str]) -> str:
    """``message`` without the locations it embeds (``also declared at a.rst:12``):
    each word that is a known file or page, with or without ``:line`` and with the
    punctuation around it, becomes :data:`PLACE`.  One pass over the words, no regex."""
    words = message.split()
    for index, word in enumerate(words):
        core = word.strip(_AROUND)
        if not core:
            continue
        head, colon, digits = core.rpartition(":")
        if core in places or (colon and digits.isdigit() and head in places):
            words[index] = PLACE
    return " ".join(words)


def _findings(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[FindingKey, list[dict[str, Any]]], dict[FindingKey, list[dict[str, Any]]]]:
    """The findings that stand (not suppressed) of each report, grouped by what
    identifies one across builds: its rule, object and message without locations."""
    places = _places(old, new)

    def group(report: Mapping[str, Any]) -> dict[FindingKey, list[dict[str, Any]]]:
        out: dict[FindingKey, list[dict[str, Any]]] = {}
        for f in report.get("findings") or ():
            if f.get("suppressed"):
                continue
            key = (
                str(f.get("subtype") or ""),
                str(f.get("id") or ""),
                message_identity(str(f.get("message") or ""), places),
            )
            out.setdefault(key, []).append(
                {k: f.get(k) for k in ("subtype", "rule", "message", "id", "source", "line")}
            )
        return out

    return group(old), group(new)


def _unmatched(
    these: Mapping[FindingKey, list[dict[str, Any]]],
    others: Mapping[FindingKey, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The findings of ``these`` that ``others`` does not hold as many times."""
    out: list[dict[str, Any]] = []
    for key in sorted(these):
        found = these[key]
        out.extend(found[len(others.get(key, ())) :])
    return out


# -- regressions ------------------------------------------------------------------

#: what makes a diff a regression, for ``--fail-on-regression`` and the docs
REGRESSION_RULES = (
    "the coverage of a type dropped",
    "an object that existed before became untraced",
    "a new finding of a kind the list of warnings marks as a regression "
    f"({', '.join(s.name for s in SUBTYPES.values() if s.regression)})",
    "a link became suspect: its target changed since the link was reviewed",
)


def suspect_text(s: Mapping[str, Any]) -> str:
    """``DEC-1 addresses REQ-1 (REQ-1's text changed)``."""
    what = ", ".join(s.get("changed") or ()) or "it"
    return f"{s['id']} {s['link']} {s['target']} ({s['target']}'s {what} changed)"


def regressions(diff: Mapping[str, Any]) -> list[str]:
    """Why the diff is a regression, one line per reason; empty when it is not.

    A new object that is born untraced is listed but is not by itself a regression: it
    lowers coverage when nothing else improves, and that is caught as a drop.  A new
    suspect link is one reason, whether or not its ``suspect`` finding is new too.
    """
    reasons = [
        f"{name} coverage dropped: {coverage_text(c['before'])} -> {coverage_text(c['after'])}"
        for name, c in diff["coverage"].items()
        if c["change"] is not None and c["change"] < 0
    ]
    reasons += [f"{o['id']} became untraced" for o in diff["newly_untraced"] if not o["new_object"]]
    suspect_ids = {s["id"] for s in diff.get("suspects_added") or ()}
    reasons += [
        f"new {f['rule']}: {f['message']}"
        for f in diff["findings_added"]
        if (kind := SUBTYPES.get(str(f.get("subtype")))) is not None
        and kind.regression
        and not (f.get("subtype") == "suspect" and f.get("id") in suspect_ids)
    ]
    reasons += [f"new suspect link: {suspect_text(s)}" for s in diff.get("suspects_added") or ()]
    return reasons


def is_regression(diff: Mapping[str, Any]) -> bool:
    return bool(regressions(diff))


def change_count(diff: Mapping[str, Any]) -> int:
    """How many changes the diff lists (coverage and the views aside): none is no
    design change."""
    return sum(
        len(diff.get(key) or ())
        for key in (
            "added",
            "removed",
            "changed",
            "links_added",
            "links_removed",
            "suspects_added",
            "suspects_removed",
            "newly_untraced",
            "newly_traced",
            "findings_added",
            "findings_removed",
        )
    )


def value_text(value: Any) -> str:
    """A field's value before or after, as one short line (``none`` when unset)."""
    if value is None or value == "" or value == []:
        return "none"
    return shorten(text(value))
