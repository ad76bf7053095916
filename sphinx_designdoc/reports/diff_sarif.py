"""A diff of two reports as SARIF 2.1.0: annotations on the new sources for review.

One result per changed object (``designdoc.changed``, a note saying what changed), one
per new suspect link (``designdoc.suspect``, a warning), and one per new finding, each
at its place in the new report.  Rules, locations and fingerprints are those of
:mod:`.sarif`, so a viewer shows them as it shows ``designdoc check``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..subtypes import rule_name
from ._common import text
from .diff import shorten, suspect_text, value_text
from .sarif import INFORMATION_URI, _location, _rule, directory_prefix, finding_result, sarif_log

CHANGED = "changed"
SUSPECT = "suspect"


def _changed_rule() -> dict[str, Any]:
    summary = "The object's meaning changed: its title, status, fields, links or text."
    return {
        "id": rule_name(CHANGED),
        "name": "Changed",
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{summary} Review what depends on it (designdoc impact ID)."},
        "defaultConfiguration": {"level": "note"},
        "helpUri": INFORMATION_URI,
        "properties": {"tags": ["design", "traceability", "review"]},
    }


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def _change_message(entry: Mapping[str, Any]) -> str:
    said = []
    for change in entry["changes"]:
        if change["field"] == "text":
            said.append("text")
        else:
            said.append(
                f"{change['field']} ({value_text(change['before'])} -> "
                f"{value_text(change['after'])})"
            )
    return shorten(f"{text(entry['id'])} changed: " + "; ".join(said), 2000)


def _suspect_line(suspect: Mapping[str, Any], findings: list[Mapping[str, Any]]) -> Any:
    """The line of the link: that of the object's new ``suspect`` finding naming the
    target, else the object's own."""
    for f in findings:
        if f.get("subtype") == SUSPECT and f.get("id") == suspect["id"]:
            words = {w.strip(",.;:'\"()") for w in str(f.get("message") or "").split()}
            if suspect["target"] in words:
                return f.get("line")
    return suspect.get("line")


def build_sarif(diff: Mapping[str, Any], path_prefix: str = "") -> dict[str, Any]:
    path_prefix = directory_prefix(path_prefix)
    suspects = list(diff["suspects_added"])
    suspect_ids = {s["id"] for s in suspects}
    findings = [
        f
        for f in diff["findings_added"]
        if not (f.get("subtype") == SUSPECT and f.get("id") in suspect_ids)
    ]
    subtypes = sorted(
        {str(f.get("subtype")) for f in findings} | ({SUSPECT} if suspects else set())
    )
    rules = [_changed_rule(), *(_rule(s) for s in subtypes)]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for entry in diff["changed"]:
        results.append(
            {
                "ruleId": rule_name(CHANGED),
                "ruleIndex": index[rule_name(CHANGED)],
                "level": "note",
                "message": {"text": _change_message(entry)},
                "locations": [_location(entry, path_prefix)],
                "partialFingerprints": {
                    "designdocChange/v1": _digest(
                        text(entry["id"]), *(c["field"] for c in entry["changes"])
                    )
                },
            }
        )
    for s in suspects:
        where = {**s, "line": _suspect_line(s, diff["findings_added"])}
        results.append(
            {
                "ruleId": rule_name(SUSPECT),
                "ruleIndex": index[rule_name(SUSPECT)],
                "level": "warning",
                "message": {
                    "text": f"{suspect_text(s)} since the link was reviewed; review "
                    f"{s['id']}, then run: designdoc review accept {s['id']}"
                },
                "locations": [_location(where, path_prefix)],
                "partialFingerprints": {
                    "designdocSuspect/v1": _digest(s["id"], s["link"], s["target"])
                },
            }
        )
    results += [
        finding_result(f, index[rule_name(str(f.get("subtype")))], path_prefix) for f in findings
    ]
    return sarif_log(rules, results, "designdoc-diff/")


def render_sarif(diff: Mapping[str, Any], *, path_prefix: str = "") -> str:
    return json.dumps(build_sarif(diff, path_prefix), indent=2, ensure_ascii=False) + "\n"
