"""designdoc check, diff and export: findings, exit codes, formats and coverage."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_one_line_error, run
from conftest import ROOTS

from sphinx_designdoc.build import build_reports
from sphinx_designdoc.graph import Coverage
from sphinx_designdoc.reports.load import load_report

pytestmark = pytest.mark.usefixtures("plain_cli")


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


def test_diff_reports_new_findings_of_every_kind(capsys, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)

    old = build_reports(src, tmp_path / "old", tmp_path / "d1")
    text = (src / "decisions.rst").read_text(encoding="utf-8")
    (src / "decisions.rst").write_text(text.replace("   :uses: DEP-1\n", ""), encoding="utf-8")
    new = build_reports(src, tmp_path / "new", tmp_path / "d2")
    code, out, _ = run(capsys, "diff", str(old), str(new), "--json")
    diff = json.loads(out)
    added = {f["subtype"] for f in diff["findings_added"]}
    assert "unused" in added
    assert diff["regression"] is True
    assert any(r.startswith("new designdoc.unused") for r in diff["regressions"])
    code, out, _ = run(capsys, "diff", str(old), str(new), "--fail-on-regression")
    assert code == 1 and "New findings (1)" in out and "Regression:" in out
    # the other way round, the finding is gone: no regression
    code, out, _ = run(capsys, "diff", str(new), str(old), "--fail-on-regression")
    assert code == 0 and "Findings gone (1)" in out


def test_check_text_names_the_kind_once(capsys, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    _, out, _ = run(capsys, "check", str(src))
    line = next(line for line in out.splitlines() if "[designdoc.dangling]" in line)
    assert line.count("dangling") == 1
