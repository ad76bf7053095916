"""JUnit XML: one test case per object that must be traced, one suite per document.

CI systems (GitLab, Jenkins, GitHub test reporters) already know how to show JUnit: an
untraced requirement appears as a failing test named after it, with the reason.  An
untraced requirement whose ``designdoc.untraced`` warning the project suppresses is
reported as skipped, so the file agrees with the build's own verdict.

With ``include_checks`` (what ``designdoc check --format junit`` writes) a further suite
holds one test case per check: passing when it found nothing, failing once per finding
otherwise, so a CI run that fails on findings also shows them as failed tests.  Untraced
findings stay with their requirements' test cases and are not repeated there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from ..subtypes import SUBTYPES, rule_name
from ._common import Obj, ReportView

UNTRACED = rule_name("untraced")
# characters XML 1.0 cannot carry at all, even escaped
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value: Any) -> str:
    return _INVALID_XML.sub("\ufffd", "" if value is None else str(value))


def _classname(docname: str) -> str:
    return "designdoc." + docname.replace("/", ".")


def _case(view: ReportView, obj: Obj, docname: str) -> tuple[ET.Element, str]:
    """The test case and its outcome: ``passed``, ``failed`` or ``skipped``."""
    case = ET.Element(
        "testcase",
        {
            "classname": clean(_classname(docname)),
            "name": clean(f"{obj['id']}: {obj.get('title', '')}"),
            "time": "0",
        },
    )
    if obj.get("source"):
        case.set("file", clean(obj["source"]))
    if obj.get("line"):
        case.set("line", str(obj["line"]))
    if obj.get("traced") is not False:
        return case, "passed"
    reason = view.untraced_reason(obj)
    finding = view.finding_for("untraced", obj["id"])
    if finding is not None and finding.get("suppressed"):
        ET.SubElement(
            case,
            "skipped",
            {"message": clean(f"{reason} ({UNTRACED} is in suppress_warnings)")},
        )
        return case, "skipped"
    failure = ET.SubElement(case, "failure", {"type": UNTRACED, "message": clean(reason)})
    where = f"{obj.get('source')}:{obj.get('line')}" if obj.get("source") else obj.get("docname")
    failure.text = clean(
        f"{reason}\n{obj.get('type')} {obj['id']} ({obj.get('status')}) at {where}"
    )
    return case, "failed"


def _checks_suite(view: ReportView) -> tuple[ET.Element, dict[str, int]]:
    report = view.report
    findings = [f for f in report.get("findings") or () if f.get("subtype") != "untraced"]
    named = {
        *(s for s in (report.get("checks") or {}) if s != "untraced"),
        *(str(f.get("subtype")) for f in findings),
    }
    # in the order of the one list of warning kinds; unknown ones (a newer report) last
    subtypes = [s for s in SUBTYPES if s in named] + sorted(named - set(SUBTYPES))
    suite = ET.Element("testsuite", {"name": "designdoc checks"})
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for subtype in subtypes:
        mine = [f for f in findings if f.get("subtype") == subtype]
        if not mine:
            suite.append(
                ET.Element(
                    "testcase",
                    {"classname": "designdoc.checks", "name": rule_name(subtype), "time": "0"},
                )
            )
            counts["tests"] += 1
            continue
        for f in mine:
            where = f"{f.get('source')}:{f.get('line')}" if f.get("source") else ""
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": "designdoc.checks",
                    "name": clean(f"{rule_name(subtype)} {where or f.get('id') or ''}".strip()),
                    "time": "0",
                },
            )
            if f.get("source"):
                case.set("file", clean(f["source"]))
            if f.get("line"):
                case.set("line", str(f["line"]))
            counts["tests"] += 1
            if f.get("suppressed"):
                ET.SubElement(
                    case, "skipped", {"message": clean(f"suppressed: {f.get('message')}")}
                )
                counts["skipped"] += 1
            else:
                failure = ET.SubElement(
                    case,
                    "failure",
                    {"type": rule_name(subtype), "message": clean(f.get("message"))},
                )
                failure.text = clean(f"{where}: {f.get('message')}" if where else f.get("message"))
                counts["failures"] += 1
    for key, value in (
        ("tests", counts["tests"]),
        ("failures", counts["failures"]),
        ("errors", 0),
        ("skipped", counts["skipped"]),
        ("time", 0),
    ):
        suite.set(key, str(value))
    return suite, counts


def render(report: Mapping[str, Any], *, include_checks: bool = False, **_: Any) -> str:
    view = ReportView(report)
    by_doc: dict[str, list[Obj]] = {}
    for obj in view.must_be_traced():
        by_doc.setdefault(str(obj.get("docname") or ""), []).append(obj)
    root = ET.Element(
        "testsuites",
        {"name": clean(f"designdoc traceability: {view.project}".rstrip(": "))},
    )
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for docname in sorted(by_doc):
        objs = sorted(by_doc[docname], key=lambda o: (o.get("line") or 0, o["id"]))
        suite = ET.SubElement(root, "testsuite", {"name": clean(docname)})
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for obj in objs:
            case, outcome = _case(view, obj, docname)
            suite.append(case)
            counts[outcome] += 1
        if objs[0].get("source"):
            suite.set("file", clean(objs[0]["source"]))
        suite_counts = {
            "tests": len(objs),
            "failures": counts["failed"],
            "errors": 0,
            "skipped": counts["skipped"],
        }
        for key, value in suite_counts.items():
            suite.set(key, str(value))
        suite.set("time", "0")
        totals["tests"] += len(objs)
        totals["failures"] += counts["failed"]
        totals["skipped"] += counts["skipped"]
    if include_checks:
        suite, counts = _checks_suite(view)
        root.append(suite)
        for key in totals:
            totals[key] += counts[key]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
