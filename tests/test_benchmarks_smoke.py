"""The benchmark generator and runner on a tiny corpus, so they cannot rot.

No timing is asserted here: the numbers of a two-document corpus mean nothing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_generate_same_objects_in_every_flavour(tmp_path: Path) -> None:
    generate = _load("generate")
    corpus = generate.Corpus(3)
    paths = generate.generate(tmp_path, corpus)
    assert set(paths) == {"designdoc", "minimal", "equivalent", "plain", "needs"}
    ids = {}
    for flavour, root in paths.items():
        assert (root / "conf.py").is_file()
        assert (root / "index.rst").is_file()
        # the baselines without views have no matrix page
        assert (root / "traceability.rst").is_file() == (flavour not in generate.NO_MATRIX)
        text = "".join(
            (root / f"{corpus.docname(i)}.rst").read_text(encoding="utf-8")
            for i in range(corpus.docs)
        )
        if flavour == "minimal":
            ids[flavour] = re.findall(r"^\.\. _([A-Z]+-[\d-]+):$", text, re.M)
            assert ":ref:`" in text and ":Status:" not in text
        elif flavour in ("plain", "equivalent"):
            ids[flavour] = re.findall(r"^\.\. _([A-Z]+-[\d-]+):$", text, re.M)
            assert ":ref:`" in text
        else:
            ids[flavour] = re.findall(r"^   :id: (\S+)$", text, re.M)
        # every document has the template's title and top-level sections
        assert text.count("Design Decisions\n================") == corpus.docs
    assert len(ids["designdoc"]) == corpus.total == 66
    assert ids["designdoc"] == ids["plain"] == ids["needs"] == ids["minimal"] == ids["equivalent"]
    matrix = (paths["designdoc"] / "traceability.rst").read_text(encoding="utf-8")
    assert ".. dd-matrix::" in matrix and ".. dd-table::" in matrix
    assert ".. needtable::" in (paths["needs"] / "traceability.rst").read_text(encoding="utf-8")
    # links within and across documents, and some requirements left untraced
    objs = corpus.all_objects()
    addressed = {t for o in objs for t in o.links.get("addresses", ())}
    reqs = [o for o in objs if o.type == "requirement"]
    assert 0 < len(addressed) < len(reqs)
    cross = [
        (o.id, t)
        for o in objs
        for targets in o.links.values()
        for t in targets
        if t.split("-")[1] != o.id.split("-")[1]
    ]
    assert cross


@pytest.mark.slow
def test_runner_on_a_tiny_corpus(tmp_path: Path) -> None:
    run = _load("run")
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nkept\n", encoding="utf-8")
    rc = run.main(
        [
            "--sizes",
            "44",
            "--runs",
            "1",
            "--flavours",
            "designdoc",
            "plain",
            "--measures",
            "full",
            "nochange",
            "edit",
            "report",
            "trace",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
            "--no-warm-up",
        ]
    )
    assert rc == 0
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkept\n")
    assert run.START in text and run.END in text
    assert "| full build | " in text
    assert "| no-change rebuild | " in text
    assert "| designdoc.json | " in text
    assert "### Goals" in text
    # a no-change rebuild reads and writes nothing in either flavour
    assert "|   docs read / written | 0 / 0 | 0 / 0 |" in text
    assert "Failed builds" not in text


def test_evidence_junit_benchmark_on_a_few_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _load("bench_evidence_junit")
    rc = bench.main(
        ["--cases", "60", "--files", "5", "--runs", "1", "--out", str(tmp_path), "--json"]
    )
    assert rc == 0
    results = json.loads(capsys.readouterr().out)
    # every runner's shape read, no problem; a link on every third case (its two IDs
    # are one below 89: written once)
    assert (results["cases"], results["files"], results["problems"]) == (60, 5, 0)
    assert results["verifies"] == 5 * 4
    assert set(results["cold"]) == set(results["cached"]) >= {"median_cpu_s", "peak_rss_mb"}


def test_code_scan_benchmark_on_a_tiny_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The generated tree holds the tags asked for, every measure finds all of them, in
    git (when installed) and walked."""
    bench = _load("bench_evidence_code")
    rc = bench.main(
        ["--files", "40", "--tags", "20", "--runs", "1", "--json", "--work", str(tmp_path)]
    )
    assert rc == 0
    results = json.loads(capsys.readouterr().out)
    assert set(results) == ({"git", "walk"} if shutil.which("git") else {"walk"})
    for rows in results.values():
        assert list(rows) == ["import", "cold", "nochange", "edit"]
        assert [(rows[m]["files"], rows[m]["tags"]) for m in bench.MEASURES] == [(40, 20)] * 3
    # links need a commit: the walked tree has none, the git tree has one
    assert results["walk"]["cold"]["problems"] == [
        "designdoc_code[0]: 'url' needs {commit}, but ../src/pkg00/mod0/m00005.c is not in "
        "a git work tree with a commit: its tags have no link"
    ]
    if "git" in results:
        assert results["git"]["cold"]["problems"] == []


@pytest.mark.slow
def test_language_server_benchmark_on_a_tiny_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every measure of ``bench_lsp`` is taken through a real client: the open page
    answered, the workspace read in each session (progress shown), every completion and
    edit answered, the rename's edit covering every place the ID is written."""
    pytest.importorskip("pygls", reason="the lsp extra (pygls) is not installed")
    bench = _load("bench_lsp")
    rc = bench.main(
        [
            "--docs", "3", "--runs", "1", "--refs", "12", "--completions", "6",
            "--edits", "4", "--timeout", "120", "--work", str(tmp_path), "--json",
        ]
    )  # fmt: skip
    assert rc == 0
    results = json.loads(capsys.readouterr().out)
    assert (results["docs"], results["objects"], results["refs"]) == (3, 66, 12)
    (run,) = results["runs"]
    assert list(run) == ["cold", "cached", "build"]
    for session in run.values():
        assert session["objects_indexed"] == 66
        assert session["open_symbols"] == 22  # the middle document's objects
        assert session["progress"]["begin"] == session["progress"]["end"] == 1
        assert session["peak_rss_mb"] > 0
    cold = run["cold"]
    assert cold["completion"]["count"] == 6
    by_place = cold["completion"]["by_place"]
    assert by_place["a link option"]["items"] == 66
    # a link option offers its target type first: :addresses: names requirements
    assert by_place["a link option"]["first"] == ["REQ-0000-01", "REQ-0000-02", "REQ-0000-03"]
    # a role offers every ID; "REQ-000" typed, the 36 requirements
    assert by_place["a role"]["items"] == 66
    assert by_place["a role"]["first"] == ["DEC-0000-01", "DEC-0000-02", "DEC-0000-03"]
    assert by_place["a role, part of the ID typed"]["items"] == 36
    # every edit's diagnostics seen: the dangling link appears, then goes
    assert (cold["edits"]["count"], cold["edits"]["first_publish_right"]) == (4, 4)
    # the :id:, the links to it (a refines and an addresses) and the 12 roles
    rename = cold["rename"]
    assert rename["edits"] == rename["expected"] == 15
    assert (rename["files"], rename["wrong"]) == (3, 0)
    assert "| rename of an ID written in 200+ places |" in bench.render(results)
