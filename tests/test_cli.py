"""The ``designdoc`` command, verb by verb, through ``main(argv)``."""

from __future__ import annotations

import copy
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sphinx_designdoc.build import build_reports, count_sources
from sphinx_designdoc.cli import check as check_command
from sphinx_designdoc.cli import main
from sphinx_designdoc.cli.terminal import Style
from sphinx_designdoc.config import DEFAULT_TEMPLATE
from sphinx_designdoc.graph import Coverage
from sphinx_designdoc.reports._common import ReportView
from sphinx_designdoc.reports.load import load_for_trace, load_report

ROOTS = Path(__file__).parent / "roots"
SCHEMA = Path(__file__).parent.parent / "sphinx_designdoc" / "schema" / "designdoc.schema.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    shutil.copytree(ROOTS / "test-reports", tmp / "src")
    build_reports(tmp / "src", tmp / "out", tmp / "doctrees")
    return tmp / "out"


@pytest.fixture
def data(built: Path) -> str:
    return str(built / "designdoc.json")


@pytest.fixture(autouse=True)
def _no_colour_and_private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


# -- trace ----------------------------------------------------------------------------


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


# -- impact ---------------------------------------------------------------------------


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


# -- check ----------------------------------------------------------------------------


def _findings(built: Path) -> list[dict[str, Any]]:
    return list(load_report(built / "designdoc.json")["findings"])


def test_check_reports_findings_and_exits_1(capsys, tmp_path: Path, built: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, out, err = run(capsys, "check", str(src))
    assert code == 1
    lines = out.splitlines()
    assert any(
        line.endswith("[designdoc.dangling]") and "index.rst:34: DEC-3:" in line for line in lines
    )
    assert any("index.rst:13: REQ-2: unknown priority" in line for line in lines)
    findings = _findings(built)
    assert len(lines) == len(findings) + 1
    assert lines[-1].startswith(f"designdoc: {len(findings)} findings")
    assert "requirement coverage 2 of 3 traced (66.7%)" in lines[-1]
    assert "\033[" not in out and err == ""


def test_check_formats(capsys, tmp_path: Path, built: Path) -> None:
    import defusedxml.ElementTree as SafeET

    findings = _findings(built)
    others = [f for f in findings if f["subtype"] != "untraced"]
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, out, _ = run(capsys, "check", str(src), "--format", "json")
    payload = json.loads(out)
    assert code == 1 and payload["ok"] is False and payload["active"] == len(findings)
    code, out, _ = run(capsys, "check", str(src), "--format", "junit")
    root = SafeET.fromstring(out.encode())
    # REQ-2's own test case fails (untraced), and one case per other finding
    assert code == 1 and int(root.get("failures")) == 1 + len(others)
    code, out, _ = run(capsys, "check", str(src), "--format", "sarif", "--path-prefix", "docs/")
    log = json.loads(out)
    assert code == 1 and len(log["runs"][0]["results"]) == len(findings)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith("docs/")
    target = tmp_path / "out" / "check.sarif"
    code, out, _ = run(capsys, "check", str(src), "--format", "sarif", "-o", str(target))
    assert code == 1 and out == "" and json.loads(target.read_text())["version"] == "2.1.0"


def test_check_exits_0_when_findings_are_suppressed(capsys, tmp_path: Path, built: Path) -> None:
    findings = _findings(built)
    subtypes = sorted({f"designdoc.{f['subtype']}" for f in findings})
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    with (src / "conf.py").open("a", encoding="utf-8") as fh:
        fh.write(f"suppress_warnings = {subtypes!r}\n")
    code, out, _ = run(capsys, "check", str(src))
    assert code == 0
    assert out.splitlines() == [
        f"designdoc: no findings ({len(findings)} suppressed); "
        "requirement coverage 2 of 3 traced (66.7%)"
    ]
    code, out, _ = run(capsys, "check", str(src), "--show-suppressed")
    assert out.count("(suppressed)") == len(findings)


def test_check_reads_an_existing_report(capsys, built: Path) -> None:
    code, out, _ = run(capsys, "check", str(built))
    assert code == 1 and "index.rst:34: DEC-3: :addresses: names unknown ID" in out


def test_check_errors(capsys, tmp_path: Path, monkeypatch) -> None:
    assert_one_line_error(*run(capsys, "check", str(tmp_path / "nope")), "no such file or folder")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(
        *run(capsys, "check", str(tmp_path / "empty")), "neither designdoc.json nor conf.py"
    )
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "conf.py").write_text("raise RuntimeError('boom')\n")
    assert_one_line_error(*run(capsys, "check", str(bad)), "conf.py raised RuntimeError: boom")
    (bad / "conf.py").write_text("extensions = []\n")
    assert_one_line_error(*run(capsys, "check", str(bad)), 'add "sphinx_designdoc" to extensions')
    assert_one_line_error(*run(capsys, "check", str(bad), "--format", "xml"), "invalid choice")
    monkeypatch.chdir(tmp_path / "empty")
    assert_one_line_error(*run(capsys, "check"), "no conf.py in the current folder")


# -- diff -----------------------------------------------------------------------------


@pytest.fixture
def two_reports(tmp_path: Path, built: Path) -> tuple[Path, Path, dict[str, Any]]:
    old = load_report(built / "designdoc.json")
    new = copy.deepcopy(old)
    objs = {o["id"]: o for o in new["objects"]}
    objs["REQ-1"]["title"] = "Really fast search"
    objs["DEC-3"]["status"] = "accepted"
    objs["DEC-1"]["links"]["addresses"] = ["REQ-1"]  # REQ-4 loses its decision
    objs["REQ-4"]["traced"] = False
    new["objects"] = [o for o in new["objects"] if o["id"] != "DEP-1"]
    new["objects"].append({**objs["REQ-3"], "id": "REQ-5", "status": "proposed", "traced": True})
    new["coverage"]["requirement"] = {"traced": 2, "total": 4, "percent": 50.0}
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    return old_path, new_path, new


def test_a_type_with_nothing_to_trace_has_no_figure(capsys, tmp_path: Path, built: Path) -> None:
    """A report of an earlier version wrote "0 of 0 traced (100%)" for a type with nothing
    to trace: that is no figure, so no output shows it, and the first requirements of a
    project are no coverage drop."""
    new = load_report(built / "designdoc.json")
    old = copy.deepcopy(new)
    old["objects"] = [o for o in old["objects"] if o["type"] != "requirement"]
    old["coverage"]["requirement"] = {"traced": 0, "total": 0, "percent": 100.0}
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(old_path), str(new_path), "--json")
    assert code == 0
    diff = json.loads(out)
    assert diff["coverage"]["requirement"]["before"] is None
    assert diff["coverage"]["requirement"]["change"] is None
    assert diff["regression"] is False
    _, out, _ = run(capsys, "diff", str(old_path), str(new_path))
    assert "requirement: n/a -> 2/3 (66.7%)\n" in out
    outputs = [run(capsys, "check", str(old_path))[1]]
    outputs += [run(capsys, "check", "--format", "json", str(old_path))[1]]
    for fmt in ("md", "html"):
        outputs.append(
            run(capsys, "export", "--format", fmt, "--data", str(old_path), "-o", "-")[1]
        )
    assert '"requirement"' not in outputs[1]
    for text in outputs:
        assert "0 of 0" not in text and "| 0 | 0 |" not in text and ">0</td>" not in text


def test_diff_reports_every_kind_of_change(capsys, two_reports) -> None:
    old, new, _ = two_reports
    code, out, _ = run(capsys, "diff", str(old), str(new), "--json")
    diff = json.loads(out)
    assert code == 0
    assert [o["id"] for o in diff["added"]] == ["REQ-5"]
    assert [o["id"] for o in diff["removed"]] == ["DEP-1"]
    assert diff["retitled"] == [
        {"id": "REQ-1", "before": "Fast search", "after": "Really fast search"}
    ]
    assert diff["status_changed"] == [{"id": "DEC-3", "before": "proposed", "after": "accepted"}]
    assert {"source": "DEC-1", "link": "addresses", "target": "REQ-4"} in diff["links_removed"]
    assert {"source": "DEC-1", "link": "uses", "target": "DEP-1"} not in diff["links_removed"]
    assert [o["id"] for o in diff["newly_untraced"]] == ["REQ-4"]
    assert diff["newly_traced"] == []
    assert diff["coverage"]["requirement"]["change"] == pytest.approx(50 - 200 / 3)
    assert diff["regression"] is True
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert "requirement: 2/3 (66.7%) -> 2/4 (50%), +1 requirement to trace\n" in out
    assert "Newly untraced (1)\n  REQ-4 'Ränking überall'" in out
    assert "Regression:" in out


def _reports_with_coverage(
    tmp_path: Path, built: Path, before: tuple[int, int], after: tuple[int, int]
) -> tuple[str, str]:
    """Two copies of a report whose requirement coverage is ``before`` and ``after``
    (traced, total), each entry holding the share a report of this version writes."""
    paths = []
    for name, (traced, total) in (("old", before), ("new", after)):
        report = load_report(built / "designdoc.json")
        percent = Coverage(traced, total).percent
        report["coverage"]["requirement"] = {"traced": traced, "total": total, "percent": percent}
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(report), encoding="utf-8")
        paths.append(str(path))
    return paths[0], paths[1]


def test_diff_prints_coverage_as_exact_fractions(capsys, tmp_path: Path, built: Path) -> None:
    """13 of 14 traced before and 12 of 14 after is a drop of 1/14, 7.14 points: the
    text shows both fractions, their shares rounded by the one rule, and what changed
    in counts; never a difference of the rounded shares (92.9 - 85.7 = 7.2)."""
    old, new = _reports_with_coverage(tmp_path, built, (13, 14), (12, 14))
    code, out, _ = run(capsys, "diff", old, new, "--fail-on-regression")
    assert code == 1
    assert "  requirement: 13/14 (92.9%) -> 12/14 (85.7%), -1 requirement traced\n" in out
    assert "requirement coverage dropped: 13/14 (92.9%) -> 12/14 (85.7%)\n" in out
    assert "7.2" not in out and "points" not in out
    diff = json.loads(run(capsys, "diff", old, new, "--json")[1])
    cov = diff["coverage"]["requirement"]
    assert cov["change"] == pytest.approx(-100 / 14)  # the exact difference, unrounded
    assert (cov["traced_change"], cov["total_change"]) == (-1, 0)
    assert cov["before"] == {"traced": 13, "total": 14, "percent": 92.9}
    # more to trace and more traced; a rise; both counts named
    old, new = _reports_with_coverage(tmp_path, built, (1, 2), (3, 5))
    out = run(capsys, "diff", old, new, "--fail-on-regression")[1]
    assert (
        "  requirement: 1/2 (50%) -> 3/5 (60%), +2 requirements traced, +3 requirements to trace\n"
        in out
    )
    assert "Regression" not in out
    # a drop too small to show in the rounded shares is still a drop, said exactly
    old, new = _reports_with_coverage(tmp_path, built, (1000, 1001), (999, 1000))
    code, out, _ = run(capsys, "diff", old, new, "--fail-on-regression")
    assert code == 1
    assert "requirement coverage dropped: 1000/1001 (99.9%) -> 999/1000 (99.9%)" in out


def test_every_output_writes_a_share_by_the_one_rule(capsys, tmp_path: Path, built: Path) -> None:
    """A report holds each coverage's share, and one of another writer may hold it
    unrounded: every output writes the share from the counts, rounded one way, and JSON
    keeps the numbers as the report holds them."""
    report = load_report(built / "designdoc.json")
    report["coverage"]["requirement"] = {"traced": 13, "total": 14, "percent": 92.857142857}
    path = tmp_path / "designdoc.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    md = run(capsys, "export", "--format", "md", "--data", str(path))[1]
    html = run(capsys, "export", "--format", "html", "--data", str(path))[1]
    text = run(capsys, "check", str(path))[1]
    assert "| Requirement | 13 | 14 | 92.9% |" in md and "13 of 14 traced (92.9%)" in md
    assert "<td class=num>92.9%</td>" in html and "13 of 14 traced (92.9%)" in html
    assert "requirement coverage 13 of 14 traced (92.9%)" in text
    for output in (md, html, text):
        assert "92.857" not in output
    raw = json.loads(run(capsys, "check", "--format", "json", str(path))[1])
    assert raw["coverage"]["requirement"]["percent"] == 92.857142857


def test_diff_fail_on_regression(capsys, two_reports) -> None:
    old, new, _ = two_reports
    assert run(capsys, "diff", str(old), str(new), "--fail-on-regression")[0] == 1
    code, out, _ = run(capsys, "diff", str(new), str(old), "--fail-on-regression")
    assert code == 0 and "Newly traced (1)\n  REQ-4" in out
    assert run(capsys, "diff", str(old), str(old), "--fail-on-regression")[0] == 0
    assert (
        "No object, link, tracing or finding changes." in run(capsys, "diff", str(old), str(old))[1]
    )


# -- export ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html", "junit", "sarif", "needs"])
def test_export_every_format_to_file_and_stdout(
    capsys, tmp_path: Path, data: str, fmt: str
) -> None:
    # next to designdoc.json: its links are relative to the pages as they are
    target = Path(data).parent / f"out.{fmt}"
    code, out, err = run(capsys, "export", "--format", fmt, "--data", data, "-o", str(target))
    assert code == 0 and out == "" and err == ""
    code, out, _ = run(capsys, "export", "--format", fmt, "--data", data, "-o", "-")
    assert code == 0
    assert out == target.read_bytes().decode("utf-8").replace(
        "\r\n", "\n"
    ) or out == target.read_bytes().decode("utf-8")
    if fmt == "json":
        assert json.loads(out) == json.loads(Path(data).read_text(encoding="utf-8"))


# -- new ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_new_scaffold_builds_with_only_untraced_warnings(
    capsys, make_app, tmp_path: Path, fmt: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    extensions = '["myst_parser", "sphinx_designdoc"]' if fmt == "md" else '["sphinx_designdoc"]'
    (src / "conf.py").write_text(
        f"extensions = {extensions}\nproject = 'x'\nshow_warning_types = True\n"
    )
    target = src / f"index.{fmt}"
    code, out, err = run(capsys, "new", "Payment Gateway", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    assert "Payment Gateway Design Document" in text
    for name in ("requirement", "decision", "dependency", "designdoc"):
        assert ("```{" + name if fmt == "md" else f".. {name}::") in text
    if fmt == "md":
        assert ":version: >=0.27,<1" in text and "\n% " in text
    else:
        assert ":version: >=0.27,<1" in text and "\n.. One requirement directive" in text
    app = make_app("html", srcdir=src)
    app.build()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    warnings = [w for w in plain.splitlines() if "WARNING" in w]
    assert all(w.endswith("[designdoc.untraced]") for w in warnings), warnings
    report = json.loads((app.outdir / "designdoc.json").read_text(encoding="utf-8"))
    ids = {o["id"]: o for o in report["objects"]}
    assert set(ids) == {
        "PAYMENT-GATEWAY-DOC",
        *(f"PAYMENT-GATEWAY-{kind}-{n}" for kind in ("REQ", "DEC", "DEP") for n in (1, 2)),
    }
    assert ids["PAYMENT-GATEWAY-REQ-1"]["traced"] is True
    assert ids["PAYMENT-GATEWAY-REQ-2"]["traced"] is False  # the one expected warning
    assert ids["PAYMENT-GATEWAY-DEP-1"]["fields"]["version"] == ">=0.27,<1"
    # the development dependency says its scope, so no filler decision has to use it
    assert ids["PAYMENT-GATEWAY-DEP-2"]["fields"]["scope"] == "dev"
    assert ids["PAYMENT-GATEWAY-DEP-2"]["incoming"] == {}
    assert not any("PAYMENT-GATEWAY-DEP-2" in o["links"].get("uses", []) for o in ids.values())
    # an example of the shared template that names no project of ours
    assert "Freqtrade" not in text and "Celery" not in text
    if "untraced" in report["checks"]:
        assert [(f["subtype"], f["id"]) for f in report["findings"]] == [
            ("untraced", "PAYMENT-GATEWAY-REQ-2")
        ]
    else:
        assert report["findings"] == []
    # all top-level sections of the template, in order
    heading = "## " if fmt == "md" else ""
    lines = text.splitlines()
    if fmt == "md":
        found = [line[3:] for line in lines if line.startswith(heading)]
    else:
        found = [lines[i - 1] for i, line in enumerate(lines) if line and set(line) == {"-"}]
    assert found == [titles[0] for titles in DEFAULT_TEMPLATE]


def test_new_refuses_to_overwrite_and_other_options(capsys, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "doc.md"
    assert run(capsys, "new", "Search", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("% Design document")  # md from suffix
    before = target.read_text(encoding="utf-8")
    assert_one_line_error(*run(capsys, "new", "Other", "-o", str(target)), "exists", "--force")
    assert target.read_text(encoding="utf-8") == before
    assert run(capsys, "new", "Other", "-o", str(target), "--force", "--format", "md")[0] == 0
    assert "OTHER-REQ-1" in target.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "new", "Search Design Document", "--prefix", "SRCH", "-o", "-")
    assert code == 0 and "SRCH-DEC-1" in out and "Search Design Document\n=====" in out
    assert "Design Document Design Document" not in out
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "new", "Über Cache")[0] == 0
    assert (tmp_path / "uber-cache.rst").is_file()
    assert_one_line_error(*run(capsys, "new", "T", "--prefix", "9x", "-o", "-"), "invalid IDs")
    assert_one_line_error(*run(capsys, "new", "  ", "-o", "-"), "title is empty")


# -- finding the data, and errors -----------------------------------------------------


def test_data_may_be_a_file_a_build_folder_or_a_source_folder(
    capsys, built: Path, tmp_path: Path
) -> None:
    for data in (built / "designdoc.json", built):
        assert run(capsys, "trace", "REQ-1", "--data", str(data))[0] == 0
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, out, err = run(capsys, "trace", "REQ-1", "--data", str(src), "--json")
    assert code == 0 and err == "" and json.loads(out)["object"]["id"] == "REQ-1"
    cached = list((tmp_path / "cache" / "sphinx-designdoc").glob("*/out/designdoc.json"))
    assert len(cached) == 1  # built once into the cache, incremental next time
    assert run(capsys, "trace", "REQ-1", "--data", str(src))[0] == 0


def test_without_data_the_usual_build_folders_are_searched(
    capsys, built: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(*run(capsys, "trace", "REQ-1"), "no designdoc.json found", "--data")
    (tmp_path / "docs" / "_build" / "html").mkdir(parents=True)
    shutil.copy(built / "designdoc.json", tmp_path / "docs" / "_build" / "html")
    code, out, _ = run(capsys, "trace", "REQ-1")
    assert code == 0 and out.startswith("REQ-1")


def test_input_errors_are_one_line_and_exit_2(capsys, tmp_path: Path, data: str) -> None:
    assert_one_line_error(
        *run(capsys, "trace", "REQ-1", "--data", str(tmp_path / "missing.json")),
        "no such file or folder",
    )
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"objects": [', encoding="utf-8")
    for verb in (["trace", "REQ-1"], ["impact", "REQ-1"], ["export", "--format", "md"]):
        assert_one_line_error(*run(capsys, *verb, "--data", str(corrupt)), "not valid JSON")
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    assert_one_line_error(
        *run(capsys, "trace", "REQ-1", "--data", str(other)), "not a designdoc.json"
    )
    future = tmp_path / "future.json"
    future.write_text('{"schema_version": 99, "objects": []}', encoding="utf-8")
    assert_one_line_error(*run(capsys, "trace", "REQ-1", "--data", str(future)), "upgrade")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert_one_line_error(*run(capsys, "trace", "REQ-1", "--data", str(binary)), "not UTF-8")
    assert_one_line_error(
        *run(capsys, "trace", "REQ-10", "--data", data),
        "unknown ID 'REQ-10'",
        "did you mean",
        "'REQ-1'",
    )
    assert_one_line_error(*run(capsys, "trace", "dec-1", "--data", data), "did you mean 'DEC-1'?")
    assert_one_line_error(*run(capsys, "impact", "NOPE", "--data", data), "unknown ID 'NOPE'")
    assert_one_line_error(*run(capsys, "diff", data, str(tmp_path / "x.json")), "no such file")
    assert_one_line_error(*run(capsys, "trace"), "required: ID")
    assert_one_line_error(*run(capsys), "required: COMMAND")
    assert_one_line_error(*run(capsys, "frobnicate"), "invalid choice")
    assert_one_line_error(
        *run(capsys, "impact", "REQ-1", "--depth", "0", "--data", data), "must be 1 or more"
    )


def test_help_for_every_verb(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "trace" in out and "Exit status" in out
    for verb in ("trace", "impact", "check", "diff", "new", "export"):
        code, out, _ = run(capsys, verb, "--help")
        assert code == 0 and f"usage: designdoc {verb}" in out and "examples:" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("designdoc ")


def test_check_shows_sphinx_progress_on_request_or_for_large_projects_on_a_terminal(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    code, _, err = run(capsys, "check", str(src), "-v")
    assert code == 1 and "building [designdoc]" in err
    assert count_sources(src, 100) == 2
    for n in range(3):
        (src / f"extra{n}.rst").write_text("Extra\n=====\n", encoding="utf-8")
    monkeypatch.setattr(check_command, "PROGRESS_THRESHOLD", 4)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, _, err = run(capsys, "check", str(src))
    assert "building [designdoc]" in err
    code, _, err = run(capsys, "check", str(src), "-q")
    assert "building [designdoc]" not in err


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_report_written_elsewhere_links_back_to_the_pages(
    capsys, tmp_path: Path, data: str, fmt: str
) -> None:
    target = tmp_path / "elsewhere" / f"report.{fmt}"
    run(capsys, "export", "--format", fmt, "--data", data, "-o", str(target))
    text = target.read_text(encoding="utf-8")
    link = re.search(r"([^\s\"'(<>]*index\.html)#REQ-1", text)
    assert link is not None
    assert (target.parent / link.group(1)).resolve() == (Path(data).parent / "index.html").resolve()
    run(
        capsys,
        "export",
        "--format",
        fmt,
        "--data",
        data,
        "-o",
        str(target),
        "--base-url",
        "https://docs.example.org/search/",
    )
    assert "https://docs.example.org/search/index.html#REQ-1" in target.read_text(encoding="utf-8")
    code, _, err = run(
        capsys, "export", "--format", fmt, "--data", data, "--base-url", "javascript:x//"
    )
    assert code == 2 and "--base-url" in err
