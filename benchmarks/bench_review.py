"""Change review at scale: the suspect check, ``designdoc diff`` and ``diff --base``.

On the benchmark corpus (``generate.py``'s ``designdoc`` flavour; ``--docs 1000`` is
22,000 objects), in child processes as :mod:`run` builds:

``suspect``  full HTML builds with no lock and with a lock that stamps every link, in
             alternating pairs (CPU time and peak RSS of each; the goal: at most 3 %
             more CPU), and in this process the lock's parse and ``find_suspects``;
``diff``     two reports of the corpus, the second after editing 50 requirements' text,
             20 titles and moving one document to another file name: ``diff_reports``
             in this process (median time; the goal: under 1 s), its peak traced memory
             against the two files' size (the goal: under 2x), and the whole command
             (``designdoc diff --format markdown``) as a child;
``base``     ``designdoc diff --base HEAD SRC`` in a git repository of the corpus with
             the same edits uncommitted: cold (empty cache), warm (the base's report kept,
             the working tree's cache build current) and after one more edit, against one
             incremental ``designdoc`` build of the working tree plus ``designdoc diff``
             of two reports (the goal: no slower).

Prints Markdown; run it by hand (minutes at 22,000 objects)::

    python benchmarks/bench_review.py --docs 1000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import generate  # noqa: E402
from run import Build, sphinx_build, warm_up  # noqa: E402


def _child(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> Build:
    """A command in a child process: wall time, CPU time, peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return Build(
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mb=usage.ru_maxrss / 1024,
        returncode=os.waitstatus_to_exitcode(status),
        read=0,
        written=0,
        warnings=0,
        log=output,
    )


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), NO_COLOR="1")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _items(report_path: Path) -> dict[str, Any]:
    from sphinx_designdoc.codec import decode_object

    report = json.loads(report_path.read_text(encoding="utf-8"))
    items: dict[str, Any] = {}
    for index, row in enumerate(report["objects"]):
        item = decode_object(row, f"objects[{index}]").item
        items.setdefault(item.id, item)
    return items


def write_full_lock(src: Path, report_path: Path) -> int:
    """A lock stamping every link of the corpus, as ``review accept --all`` writes it."""
    from sphinx_designdoc.lock import dump, stamp_links

    items = _items(report_path)
    entries = stamp_links((i for i in items.values() if not i.external), items)
    (src / "designdoc.lock").write_text(dump(entries), encoding="utf-8")
    return len(entries)


def edit_corpus(src: Path, corpus: generate.Corpus, step: int = 0) -> None:
    """Change 50 requirements' text and 20 titles, and move one document to another
    file name (``step`` > 0: one more text edit, for the incremental case)."""
    if step:
        path = src / f"{corpus.docname(corpus.docs // 3)}.rst"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("   The ", f"   Edit {step}: the ", 1), encoding="utf-8")
        return
    changed_text = changed_title = 0
    for i in range(corpus.docs):
        if changed_text >= 50 and changed_title >= 20:
            break
        path = src / f"{corpus.docname(i)}.rst"
        text = path.read_text(encoding="utf-8")
        reqs, _, _ = corpus.objects(i)
        for obj in reqs[:2]:
            if changed_title < 20:
                text = text.replace(obj.title, obj.title + " (revised)", 1)
                changed_title += 1
        # the body paragraph of the first requirements (indented three spaces)
        for _ in range(3):
            if changed_text < 50 and "   The " in text:
                text = text.replace("   The ", "   Now the ", 1)
                changed_text += 1
        path.write_text(text, encoding="utf-8")
    moved = src / f"{corpus.docname(corpus.docs - 1)}.rst"
    moved.rename(moved.with_name("moved-" + moved.name))
    index = src / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            corpus.docname(corpus.docs - 1), "moved-" + corpus.docname(corpus.docs - 1)
        ),
        encoding="utf-8",
    )


def measure_suspect(src: Path, work: Path, runs: int) -> dict[str, Any]:
    from sphinx_designdoc.lock import find_suspects, parse

    first = sphinx_build(src, work / "out-first", REPO)
    links = write_full_lock(src, work / "out-first" / "designdoc.json")
    lock_file = src / "designdoc.lock"
    parked = work / "designdoc.lock.parked"
    cpu: dict[str, list[float]] = {"no lock": [], "lock": []}
    rss: dict[str, list[float]] = {"no lock": [], "lock": []}
    for run in range(runs):
        for mode in ("no lock", "lock") if run % 2 == 0 else ("lock", "no lock"):
            if mode == "no lock":
                lock_file.rename(parked)
            build = sphinx_build(src, work / "out-suspect", REPO)
            if mode == "no lock":
                parked.rename(lock_file)
            assert build.returncode == 0, build.log[-2000:]
            cpu[mode].append(build.cpu)
            rss[mode].append(build.maxrss_mb)
    items = _items(work / "out-first" / "designdoc.json")
    text = lock_file.read_text(encoding="utf-8")
    times_parse, times_find = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        lock = parse(text)
        t1 = time.perf_counter()
        found = find_suspects(items.values(), items, lock)
        t2 = time.perf_counter()
        times_parse.append(t1 - t0)
        times_find.append(t2 - t1)
    assert not found
    return {
        "objects": len(items),
        "links": links,
        "first_build_cpu": first.cpu,
        "cpu": {k: statistics.median(v) for k, v in cpu.items()},
        "cpu_all": cpu,
        "rss": {k: statistics.median(v) for k, v in rss.items()},
        "parse_s": statistics.median(times_parse),
        "find_suspects_s": statistics.median(times_find),
    }


def measure_diff(old: Path, new: Path, work: Path) -> dict[str, Any]:
    from sphinx_designdoc.reports.diff import diff_reports
    from sphinx_designdoc.reports.load import load_report

    t0 = time.perf_counter()
    a, b = load_report(old), load_report(new)
    load_s = time.perf_counter() - t0
    times = []
    for _ in range(5):
        t1 = time.perf_counter()
        diff = diff_reports(a, b)
        times.append(time.perf_counter() - t1)
    tracemalloc.start()
    diff_reports(a, b)
    diff_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del a, b
    tracemalloc.start()
    diff_reports(load_report(old), load_report(new))
    whole_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = old.stat().st_size + new.stat().st_size
    cli = _child(
        [
            sys.executable,
            "-m",
            "sphinx_designdoc",
            "diff",
            str(old),
            str(new),
            "--format",
            "markdown",
        ],
        work,
        _env(work / "cache-diff"),
    )
    return {
        "json_mb": size / 2**20,
        "load_s": load_s,
        "diff_s": statistics.median(times),
        "diff_peak_mb": diff_peak / 2**20,
        "load_and_diff_peak_mb": whole_peak / 2**20,
        "cli_s": cli.seconds,
        "cli_rss_mb": cli.maxrss_mb,
        "changed": len(diff["changed"]),
        "added": len(diff["added"]),
        "removed": len(diff["removed"]),
        "suspects_added": len(diff["suspects_added"]),
        "findings_added": len(diff["findings_added"]),
    }


def measure_base(src: Path, corpus: generate.Corpus, work: Path) -> dict[str, Any]:
    env = _env(work / "cache-base")
    git_env = dict(env, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.org")
    git_env.update(GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.org")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=src, env=git_env, check=True)
    edit_corpus(src, corpus)
    diff = [sys.executable, "-m", "sphinx_designdoc", "diff", "--base", "HEAD", str(src)]
    cold = _child(diff, work, env)
    warm = _child(diff, work, env)
    edit_corpus(src, corpus, step=1)
    incremental = _child(diff, work, env)
    assert incremental.returncode in (0, 1), incremental.log[-2000:]
    # the comparison: one incremental build of the working tree and a diff of two reports
    out = work / "out-plain-inc"
    build = [sys.executable, "-m", "sphinx", "-N", "-q", "-b", "designdoc", str(src), str(out)]
    _child(build, work, env)  # the build before the edit
    edit_corpus(src, corpus, step=2)
    plain = _child(build, work, env)
    report_at_head = next((work / "cache-base").rglob("reports/*.json"))
    plain_diff = _child(
        [
            sys.executable,
            "-m",
            "sphinx_designdoc",
            "diff",
            str(report_at_head),
            str(out / "designdoc.json"),
        ],
        work,
        env,
    )
    return {
        "cold_s": cold.seconds,
        "warm_s": warm.seconds,
        "after_one_edit_s": incremental.seconds,
        "after_one_edit_cpu": incremental.cpu,
        "incremental_build_s": plain.seconds,
        "diff_s": plain_diff.seconds,
        "incremental_plus_diff_s": plain.seconds + plain_diff.seconds,
        "incremental_plus_diff_cpu": plain.cpu + plain_diff.cpu,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents (22 objects each)")
    parser.add_argument("--runs", type=int, default=3, help="pairs of suspect builds")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temp one)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("suspect", "diff", "base"),
        default=("suspect", "diff", "base"),
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="designdoc-review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = generate.Corpus(args.docs, 12, 6, 4)
    src = generate.generate(work / "corpus", corpus, ["designdoc"])["designdoc"]
    warm_up(work, ["designdoc"], REPO)
    results: dict[str, Any] = {
        "date": _dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "objects": corpus.total,
    }
    if "suspect" in args.only:
        results["suspect"] = measure_suspect(src, work, args.runs)
    if "diff" in args.only:
        old = sphinx_build(src, work / "out-old", REPO)
        assert old.returncode == 0
        if not (src / "designdoc.lock").exists():
            write_full_lock(src, work / "out-old" / "designdoc.json")
        edited = work / "corpus-edited"
        shutil.copytree(src, edited, ignore=shutil.ignore_patterns("_build"))
        edit_corpus(edited, corpus)
        new = sphinx_build(edited, work / "out-new", REPO)
        assert new.returncode == 0
        results["diff"] = measure_diff(
            work / "out-old" / "designdoc.json", work / "out-new" / "designdoc.json", work
        )
    if "base" in args.only:
        base_src = work / "corpus-git"
        shutil.copytree(src, base_src, ignore=shutil.ignore_patterns("_build"))
        results["base"] = measure_base(base_src, corpus, work)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
