"""Reading test results: ``evidence.junit.read_results`` over 50,000 JUnit test cases.

The results are written in the shapes the runners write (see ``tests/test_evidence_junit.py``):
pytest ``xunit2`` on one line with ``verifies`` properties, pytest ``xunit1`` with file and
line, go-junit-report and Maven Surefire (2,000 characters of JVM properties a file)
pretty-printed, jest-junit; one case in ten fails with a traceback, one in twenty is
skipped.  Each measure runs in a new Python process (the package imported before the
clock starts):

``cold``    no cache: every file parsed (the goal: under 2 s CPU for 50,000 cases);
``cached``  the cache written by a first read, every file unchanged;
peak RSS of each process, and its RSS before the read, so the read's own share shows.

    python benchmarks/bench_evidence_junit.py                    # 50,000 cases, 200 files
    python benchmarks/bench_evidence_junit.py --cases 10000 --runs 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

TRACE = (
    "def test_refund(ledger):\n&gt;       assert ledger.refund(10) == 10\n"
    "E       assert 9 == 10\n\ntests/test_pay.py:42: AssertionError\n" * 3
)


def _outcome(i: int, style: str) -> str:
    if i % 10 == 3:
        if style == "jest":
            return f"<failure>Error: expect(received).toBe(expected)\n{TRACE}</failure>"
        return f'<failure message="assert 9 == 10">{TRACE}</failure>'
    if i % 20 == 7:
        return '<skipped type="pytest.skip" message="not on this platform"/>'
    return ""


def _props(i: int) -> str:
    if i % 3:
        return ""
    return (
        f'<properties><property name="verifies" value="REQ-{i % 997}, REQ-{i % 89}"/></properties>'
    )


def _file(index: int, cases: int) -> str:
    """One results file of ``cases`` cases, in the shape of runner ``index % 5``."""
    style = ("pytest2", "pytest1", "go", "surefire", "jest")[index % 5]
    rows = []
    for i in range(cases):
        body = _props(i) + _outcome(i, style)
        if style == "pytest2":
            attrs = f'classname="tests.pkg{index}.test_mod" name="test_case_{i}[p{i % 7}]"'
        elif style == "pytest1":
            attrs = (
                f'classname="tests.pkg{index}.test_mod.TestCls" name="test_{i}" '
                f'file="tests/pkg{index}/test_mod.py" line="{i * 4}"'
            )
        elif style == "go":
            attrs = f'name="TestCase{i}/sub#{i % 3:02d}" classname="example.com/m/pkg{index}"'
        elif style == "surefire":
            attrs = f'name="testMethod{i}" classname="org.acme.pkg{index}.SomeTest"'
        else:
            title = quoteattr(f"Component {index} renders case {i}")
            attrs = f"classname={title} name={title}"
        rows.append(f'    <testcase {attrs} time="0.001">{body}</testcase>')
    if style == "surefire":
        props = "".join(f'<property name="java.prop{n}" value="{"v" * 40}"/>\n' for n in range(40))
        head = f'<testsuite name="org.acme.pkg{index}.SomeTest" tests="{cases}">\n'
        head += f"  <properties>\n{props}  </properties>\n"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n".join(rows) + "\n</testsuite>\n"
        )
    suite = (
        f'<testsuite name="s{index}" tests="{cases}" time="1.0" timestamp="2025-11-15T11:51:49">'
    )
    text = f'<?xml version="1.0" encoding="utf-8"?><testsuites name="bench">{suite}\n'
    text += "\n".join(rows) + "\n</testsuite></testsuites>\n"
    if style == "pytest2":  # pytest writes one line
        text = text.replace("\n", "")
    return text


def generate(folder: Path, cases: int, files: int) -> int:
    """``cases`` test cases over ``files`` files under ``folder/results``; their bytes."""
    results = folder / "results"
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir(parents=True)
    size = 0
    for index in range(files):
        count = cases // files + (1 if index < cases % files else 0)
        path = results / f"junit-{index:04d}.xml"
        path.write_text(_file(index, count), encoding="utf-8")
        size += path.stat().st_size
    return size


def _memory() -> tuple[float, float]:
    """This process's RSS now and at its peak, in MiB.  Linux's ``/proc`` first:
    ``ru_maxrss`` keeps the peak of the parent that forked before ``exec``."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
        fields = {
            line.split(":")[0]: line.split()[1]
            for line in status
            if line.startswith(("VmRSS:", "VmHWM:"))
        }
        return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024
    except (OSError, KeyError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak


def child(folder: Path, cache: str) -> None:
    """One read in this process, after the imports: CPU and wall seconds, RSS."""
    from sphinx_designdoc.evidence.junit import read_results

    before, _ = _memory()
    cpu, wall = time.process_time(), time.perf_counter()
    run = read_results(["results/*.xml"], folder, Path(cache) if cache else None)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    _, peak = _memory()
    print(
        json.dumps(
            {
                "cases": len(run.cases),
                "problems": len(run.problems),
                "files": len(run.files),
                "verifies": sum(len(c.verifies) for c in run.cases),
                "cpu_s": cpu,
                "wall_s": wall,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
            }
        )
    )


def measure(folder: Path, cache: Path | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [sys.executable, __file__, "--child", str(folder), str(cache or "")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"the read failed ({proc.returncode}): {proc.stderr.strip()}")
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "junit")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return 0
    size = generate(args.out, args.cases, args.files)
    cache = args.out / "cache"
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "cached": []}
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        runs["cold"].append(measure(args.out, None))
        measure(args.out, cache)  # writes the cache
        runs["cached"].append(measure(args.out, cache))
    first = runs["cold"][0]
    results: dict[str, object] = {
        "cases": int(first["cases"]),
        "files": int(first["files"]),
        "verifies": int(first["verifies"]),
        "problems": int(first["problems"]),
        "results_mb": round(size / 2**20, 1),
        "runs": args.runs,
        "python": sys.version.split()[0],
    }
    for name, values in runs.items():
        results[name] = {
            "median_cpu_s": round(statistics.median(v["cpu_s"] for v in values), 3),
            "max_cpu_s": round(max(v["cpu_s"] for v in values), 3),
            "median_wall_s": round(statistics.median(v["wall_s"] for v in values), 3),
            "rss_before_mb": round(statistics.median(v["rss_before_mb"] for v in values), 1),
            "peak_rss_mb": round(max(v["peak_rss_mb"] for v in values), 1),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"{results['cases']:,} test cases ({results['verifies']:,} verifies links) in "
        f"{results['files']} files, {results['results_mb']} MiB; {args.runs} runs, "
        f"a new process each (Python {results['python']})"
    )
    for name in runs:
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"  {name:7} median {r['median_cpu_s']:.3f} s CPU (max {r['max_cpu_s']:.3f}), "
            f"{r['median_wall_s']:.3f} s wall; RSS {r['rss_before_mb']:.0f} MiB after "
            f"imports, peak {r['peak_rss_mb']:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
