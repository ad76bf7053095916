"""designdoc trace and impact: what they print, in colour or not, and the fast path."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cli_helpers import run

from sphinx_designdoc.cli.terminal import Style
from sphinx_designdoc.reports._common import ReportView
from sphinx_designdoc.reports.load import load_for_trace, load_report

SCHEMA = Path(__file__).parent.parent / "sphinx_designdoc" / "schema" / "designdoc.schema.json"

pytestmark = pytest.mark.usefixtures("plain_cli")


def test_trace_requirement_shows_decisions_and_their_dependencies(capsys, data: str) -> None:
    code, out, err = run(capsys, "trace", "REQ-1", "--data", data)
    assert code == 0 and err == ""
    assert "\033[" not in out  # not a terminal: plain text
    lines = out.splitlines()
    assert lines[0].split() == ["REQ-1", "Fast", "search"]
    assert "requirement · proposed · traced · index.rst:4" in lines[1]
    rows = [line.split() for line in lines if "DEC-" in line or "DEP-" in line]
    assert rows[0][:5] == ["addressed", "by", "DEC-1", "decision", "accepted"]
    assert rows[1][:5] == ["uses", "(via", "DEC-1)", "DEP-1", "dependency"]
    assert rows[2][:4] == ["addressed", "by", "DEC-3", "decision"]
    # columns are aligned on the visible text
    header = next(line for line in lines if "RELATION" in line)
    assert {
        line.index(word)
        for line, word in (
            (header, "ID"),
            (lines[lines.index(header) + 1], "DEC-1"),
            (lines[lines.index(header) + 2], "DEP-1"),
        )
    } == {header.index("ID")}


def test_trace_decision_and_dependency(capsys, data: str) -> None:
    code, out, _ = run(capsys, "trace", "DEC-3", "--data", data, "--json")
    assert code == 0
    rel = {(r["relation"], r["id"], r["known"]) for r in json.loads(out)["relations"]}
    assert rel == {
        ("addresses", "REQ-1", True),
        ("addresses", "REQ-404", False),
        ("supersedes", "DEC-2", True),
    }
    code, out, _ = run(capsys, "trace", "DEP-1", "--data", data, "--json")
    relations = json.loads(out)["relations"]
    assert [(r["relation"], r["id"], r["via"]) for r in relations] == [
        ("used by", "DEC-1", None),
        ("addresses", "REQ-1", "DEC-1"),
        ("addresses", "REQ-4", "DEC-1"),
    ]
    code, out, _ = run(capsys, "trace", "DEC-2", "--data", data)
    assert "superseded by  DEC-3" in out and "addresses" in out


def test_trace_json_object_matches_the_designdoc_schema(capsys, data: str) -> None:
    code, out, _ = run(capsys, "trace", "REQ-2", "--data", data, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["object"]["id"] == "REQ-2" and payload["object"]["traced"] is False
    if SCHEMA.is_file():
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        object_schema = {
            "$schema": schema["$schema"],
            "$defs": schema["$defs"],
            "$ref": "#/$defs/object",
        }
        jsonschema.validate(payload["object"], object_schema)
        for relation in payload["relations"]:
            assert set(relation) == {
                "relation",
                "direction",
                "id",
                "type",
                "title",
                "status",
                "url",
                "known",
                "via",
            }


def test_trace_untraced_reason_and_colour(capsys, data: str, monkeypatch) -> None:
    code, out, _ = run(capsys, "trace", "REQ-2", "--data", data, "--color", "always")
    assert "\033[" in out and "untraced" in out and "DEC-2 (rejected)" in out
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "trace", "REQ-2", "--data", data)
    assert code == 0 and "\033[" not in out


def test_colour_follows_the_terminal_and_no_color() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert Style.for_stream(Tty()).enabled  # type: ignore[arg-type]
    assert not Style.for_stream(Tty(), "never").enabled  # type: ignore[arg-type]


def test_colour_off_with_no_color(monkeypatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    assert not Style.for_stream(Tty()).enabled  # type: ignore[arg-type]


@pytest.mark.parametrize("direct_lookups", [0, 1000])
def test_trace_fast_path_equals_full_parse(built: Path, monkeypatch, direct_lookups: int) -> None:
    from sphinx_designdoc.reports import reader

    monkeypatch.setattr(reader, "DIRECT_LOOKUPS", direct_lookups)  # index or byte search
    path = built / "designdoc.json"
    full = ReportView(load_report(path))
    for item_id, obj in full.by_id.items():
        part = ReportView(load_for_trace(path, item_id))
        assert part.neighbourhood(part.by_id[item_id]) == full.neighbourhood(obj)
        assert part.by_id[item_id] == obj


def test_trace_fast_path_falls_back_on_other_json_layouts(tmp_path: Path, built: Path) -> None:
    report = load_report(built / "designdoc.json")
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(report, separators=(",", ":")), encoding="utf-8")
    reordered = tmp_path / "reordered.json"
    reordered.write_text(
        json.dumps(
            {**report, "objects": [dict(reversed(list(o.items()))) for o in report["objects"]]}
        ),
        encoding="utf-8",
    )
    for path in (compact, reordered):
        view = ReportView(load_for_trace(path, "DEP-1"))
        assert [r.id for r in view.neighbourhood(view.by_id["DEP-1"])] == [
            "DEC-1",
            "REQ-1",
            "REQ-4",
        ]


def test_impact_follows_the_trace_chain_both_ways(capsys, data: str) -> None:
    """What a change affects: a dependency reaches the decisions using it and the
    requirements they address; a requirement reaches its decisions, their dependencies
    and successors; never the siblings of the link it came by."""
    code, out, _ = run(capsys, "impact", "DEP-1", "--data", data, "--json")
    assert code == 0
    rows = {e["id"]: e for e in json.loads(out)["affects"]}
    assert set(rows) == {"DEC-1", "REQ-1", "REQ-4"}
    assert rows["REQ-1"]["path"] == ["DEP-1", "DEC-1", "REQ-1"]
    assert rows["REQ-1"]["depth"] == 2
    assert rows["REQ-1"]["how"] == "DEP-1 is used by DEC-1, which addresses REQ-1"
    assert [h["relation"] for h in rows["REQ-1"]["hops"]] == ["used by", "addresses"]

    code, out, _ = run(capsys, "impact", "REQ-1", "--data", data, "--json")
    rows = {e["id"]: e for e in json.loads(out)["affects"]}
    # its decisions, through them their dependency, but not REQ-4 (DEC-1 addresses it too)
    assert set(rows) == {"DEC-1", "DEC-3", "DEP-1"}
    assert rows["DEP-1"]["how"] == "REQ-1 is addressed by DEC-1, which uses DEP-1"

    # a superseded decision reaches its successor; the successor does not reach it
    code, out, _ = run(capsys, "impact", "DEC-2", "--data", data, "--json")
    assert "DEC-3" in {e["id"] for e in json.loads(out)["affects"]}
    code, out, _ = run(capsys, "impact", "DEC-3", "--data", data, "--json")
    assert "DEC-2" not in {e["id"] for e in json.loads(out)["affects"]}

    code, out, _ = run(capsys, "impact", "DEP-1", "--data", data, "--depth", "1", "--json")
    assert [e["id"] for e in json.loads(out)["affects"]] == ["DEC-1"]

    # text: grouped by type, in words
    code, out, _ = run(capsys, "impact", "DEP-1", "--data", data)
    assert "A change to DEP-1 may affect 3 objects:" in out
    assert out.index("Requirement (2)") < out.index("Decision (1)")
    assert "DEP-1 is used by DEC-1, which addresses REQ-4" in out


def test_impact_is_cycle_safe(capsys, tmp_path: Path, built: Path) -> None:
    report = load_report(built / "designdoc.json")
    objs = {o["id"]: o for o in report["objects"]}
    objs["DEC-2"]["links"]["supersedes"] = ["DEC-3"]  # DEC-3 -> DEC-2 -> DEC-3
    objs["DEC-3"]["incoming"]["superseded by"] = ["DEC-2"]
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    code, out, _ = run(capsys, "impact", "DEC-3", "--data", str(path), "--json")
    assert code == 0
    ids = [e["id"] for e in json.loads(out)["affects"]]
    assert len(ids) == len(set(ids)) and "DEC-2" in ids and "DEC-3" not in ids
