"""designdoc diff: objects and findings matched by meaning, field and text changes,
suspect links, and the four formats (text, JSON, a pull-request comment, SARIF)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run

from sphinx_designdoc.reports.diff import diff_reports, message_identity, regressions

pytestmark = pytest.mark.usefixtures("plain_cli")


def _obj(oid: str, type_: str = "requirement", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": oid,
        "type": type_,
        "title": f"Title of {oid}",
        "status": "proposed",
        "fields": {},
        "docname": "index",
        "source": "index.rst",
        "line": 4,
        "url": f"index.html#{oid}",
        "external": False,
        "links": {},
        "incoming": {},
        "traced": None,
    }
    base.update(extra)
    return base


def _finding(subtype: str, oid: str, message: str, source: str = "index.rst", line: int = 4):
    return {
        "subtype": subtype,
        "rule": f"designdoc.{subtype}",
        "message": message,
        "id": oid,
        "docname": source.rsplit(".", 1)[0],
        "source": source,
        "line": line,
        "suppressed": False,
    }


def _report(objects: list[dict[str, Any]], findings: list[dict[str, Any]] | None = None):
    reqs = [o for o in objects if o["type"] == "requirement" and o.get("traced") is not None]
    traced = sum(1 for o in reqs if o["traced"])
    coverage = (
        {"requirement": {"traced": traced, "total": len(reqs), "percent": 0.0}} if reqs else {}
    )
    return {
        "schema_version": 1,
        "generator": {"name": "sphinx-designdoc", "version": "0"},
        "project": "p",
        "coverage": coverage,
        "objects": objects,
        "findings": findings or [],
    }


def _base() -> dict[str, Any]:
    return _report(
        [
            _obj(
                "REQ-1", traced=True, fields={"priority": "must"}, text="Search is fast.\nAlways."
            ),
            _obj("REQ-2", traced=True, text="Ranking."),
            _obj(
                "DEC-1",
                "decision",
                status="accepted",
                links={"addresses": ["REQ-1", "REQ-2"]},
                content="Body *as written*.",
                text="Body as written.",
            ),
        ],
        [
            _finding("invalid", "REQ-1", "REQ-1: unknown priority 'x'"),
            _finding(
                "duplicate",
                "REQ-2",
                "duplicate ID 'REQ-2': also declared at index.rst:9, which keeps the ID; "
                "give one of them a new ID",
                line=20,
            ),
        ],
    )


def _write(tmp_path: Path, name: str, report: dict[str, Any]) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return str(path)


def _moved(report: dict[str, Any]) -> dict[str, Any]:
    """The same design, written elsewhere: every object and finding in another file at
    another line, the body written in MyST, the duplicate's location moved with it."""
    moved = copy.deepcopy(report)
    for o in moved["objects"]:
        o.update(source="design/spec.md", docname="design/spec", line=o["line"] + 40)
        o["url"] = f"design/spec.html#{o['id']}"
        if "content" in o:
            o["content"] = "Body {emphasis}`as written`."
    for f in moved["findings"]:
        f.update(source="design/spec.md", docname="design/spec", line=f["line"] + 40)
        f["message"] = f["message"].replace("index.rst:9", "design/spec.md:49")
    moved["findings"].reverse()
    return moved


def test_a_moved_design_is_no_change(capsys, tmp_path: Path) -> None:
    """Objects moved to another file and line, their markup changed but not their text,
    findings moved, a duplicate whose message names the moved location: no change, no
    regression."""
    old = _base()
    new = _moved(old)
    diff = diff_reports(old, new)
    assert {k: v for k, v in diff.items() if v and k != "coverage"} == {}
    assert regressions(diff) == []
    code, out, _ = run(
        capsys,
        "diff",
        _write(tmp_path, "old", old),
        _write(tmp_path, "new", new),
        "--fail-on-regression",
    )
    assert code == 0 and "No object, link, tracing or finding changes." in out
    code, out, _ = run(
        capsys,
        "diff",
        str(tmp_path / "old.json"),
        str(tmp_path / "new.json"),
        "--format",
        "markdown",
    )
    assert code == 0 and "No design change" in out


def test_message_identity_drops_known_locations_only() -> None:
    places = frozenset({"a.rst", "sub/b.md", "sub/b"})
    assert message_identity("also declared at a.rst:12, which keeps it", places) == (
        "also declared at <place> which keeps it"
    )
    assert message_identity("(at sub/b.md:3) in page 'sub/b'.", places) == (
        "(at <place> in page <place>"
    )
    # a word that only looks like a location stays: it says something
    assert message_identity("unknown priority 'a.rst:x' REQ-1:2", places) == (
        "unknown priority 'a.rst:x' REQ-1:2"
    )


def test_a_duplicate_that_moved_is_the_same_but_a_second_one_is_new() -> None:
    old = _base()
    new = _moved(old)
    extra = copy.deepcopy(new["findings"][0])
    extra["line"] = 90
    new["findings"].append(extra)
    diff = diff_reports(old, new)
    assert len(diff["findings_added"]) == 1 and diff["findings_removed"] == []
    assert diff["findings_added"][0]["line"] == 90


def test_field_changes_are_listed_per_object(capsys, tmp_path: Path) -> None:
    old = _base()
    new = copy.deepcopy(old)
    req = new["objects"][0]
    req.update(title="Search is very fast", status="accepted")
    req["fields"] = {"priority": "should", "tags": ["perf", "ux"]}
    new["objects"][2]["links"] = {"addresses": ["REQ-1"]}
    diff = diff_reports(old, new)
    (changed_dec, changed_req) = diff["changed"]
    assert changed_req["id"] == "REQ-1"
    assert changed_req["changes"] == [
        {"field": "title", "before": "Title of REQ-1", "after": "Search is very fast"},
        {"field": "status", "before": "proposed", "after": "accepted"},
        {"field": "field priority", "before": "must", "after": "should"},
        {"field": "field tags", "before": None, "after": ["perf", "ux"]},
    ]
    assert changed_dec["changes"] == [
        {"field": "link addresses", "before": ["REQ-1", "REQ-2"], "after": ["REQ-1"]}
    ]
    assert diff["retitled"] == [
        {"id": "REQ-1", "before": "Title of REQ-1", "after": "Search is very fast"}
    ]
    assert diff["status_changed"] == [{"id": "REQ-1", "before": "proposed", "after": "accepted"}]
    assert diff["links_removed"] == [{"source": "DEC-1", "link": "addresses", "target": "REQ-2"}]
    code, out, _ = run(capsys, "diff", _write(tmp_path, "old", old), _write(tmp_path, "new", new))
    assert code == 0
    assert (
        "  REQ-1 requirement 'Search is very fast'\n"
        "      title: Title of REQ-1 -> Search is very fast\n"
        "      status: proposed -> accepted\n"
        "      field priority: must -> should\n"
        "      field tags: none -> perf, ux\n"
    ) in out


def test_a_text_change_is_a_short_unified_diff(capsys, tmp_path: Path) -> None:
    old = _base()
    old["objects"][1]["text"] = "\n".join(f"Paragraph {i}." for i in range(40))
    new = copy.deepcopy(old)
    new["objects"][0]["text"] = "Search is fast.\nNearly always."
    new["objects"][1]["text"] = "\n".join(f"Paragraph {i}!" for i in range(40))
    diff = diff_reports(old, new)
    req1, req2 = diff["changed"]  # DEC-1 is unchanged
    assert req1["text_diff"] == [
        "@@ -1,2 +1,2 @@",
        " Search is fast.",
        "-Always.",
        "+Nearly always.",
    ]
    assert req1["text_diff_more"] == 0
    assert len(req2["text_diff"]) == 12 and req2["text_diff_more"] == 81 - 12
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    out = run(capsys, "diff", old_path, new_path)[1]
    assert "    text changed:\n        @@ -1,2 +1,2 @@\n         Search is fast.\n" in out
    assert "        … 69 more lines\n" in out
    data = json.loads(run(capsys, "diff", old_path, new_path, "--json")[1])
    assert data["changed"][1]["text_diff_more"] == 69
    # an older report has no text: that is an empty body, and the same on both sides
    for o in (*old["objects"], *new["objects"]):
        o.pop("text", None)
    assert diff_reports(old, new)["changed"] == []


def _with_suspect(report: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(report)
    dec = out["objects"][2]
    dec["suspect"] = [{"link": "addresses", "target": "REQ-1", "changed": changed}]
    out["findings"].append(
        _finding(
            "suspect",
            "DEC-1",
            "DEC-1 addresses REQ-1, whose text changed since the link was reviewed; "
            "review DEC-1, then run: designdoc review accept DEC-1",
            line=12,
        )
    )
    return out


def test_a_new_suspect_link_is_a_regression(capsys, tmp_path: Path) -> None:
    old = _base()
    new = _with_suspect(old, ["text"])
    diff = diff_reports(old, new)
    assert [(s["id"], s["link"], s["target"], s["changed"]) for s in diff["suspects_added"]] == [
        ("DEC-1", "addresses", "REQ-1", ["text"])
    ]
    # one reason for the suspect link, not a second one for its finding
    assert regressions(diff) == ["new suspect link: DEC-1 addresses REQ-1 (REQ-1's text changed)"]
    old_path, new_path = _write(tmp_path, "old", old), _write(tmp_path, "new", new)
    code, out, _ = run(capsys, "diff", old_path, new_path, "--fail-on-regression")
    assert code == 1 and "New suspect links (1)\n  DEC-1 addresses REQ-1" in out
    code, out, _ = run(capsys, "diff", new_path, old_path, "--fail-on-regression")
    assert code == 0 and "Suspect links cleared (1)\n  DEC-1 addresses REQ-1\n" in out
    # still suspect, for another reason too: not a new suspect
    again = _write(tmp_path, "again", _with_suspect(old, ["text", "status"]))
    assert run(capsys, "diff", new_path, again, "--fail-on-regression")[0] == 0
