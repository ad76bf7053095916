"""Time ``designdoc trace`` on a 22,000-object designdoc.json, cold process each run.

The report is generated through the real report code path (``Item`` records, the
``Graph``, ``codec.build_report`` and ``dumps``) without Sphinx, with the shape
of a large project: requirements refining each other, decisions addressing two
requirements and using a dependency, dependencies, and design-document headers.  Each
run starts a new Python process, as a user's shell does; the file is in the OS cache.

    python benchmarks/bench_trace.py                 # 22,000 objects, 7 runs each
    python benchmarks/bench_trace.py --objects 5000 --runs 3 --json

The command under test comes from the environment: ``python -m sphinx_designdoc``
with this interpreter, and the ``designdoc`` console script found next to it or on
PATH (skipped when there is none).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sphinx_designdoc import codec  # noqa: E402
from sphinx_designdoc.config import build_settings  # noqa: E402
from sphinx_designdoc.fileio import write_atomic  # noqa: E402
from sphinx_designdoc.graph import Graph  # noqa: E402
from sphinx_designdoc.model import Finding, Item  # noqa: E402


def generate(total: int, seed: int = 22) -> dict:
    """A report of ``total`` objects: 50% requirements, 38% decisions, 10% dependencies,
    2% design-document headers; about 5% of requirements untraced."""
    rnd = random.Random(seed)
    settings, _ = build_settings({})
    n_doc = max(1, total // 50)
    n_dep = total // 10
    n_req = total // 2
    n_dec = total - n_doc - n_dep - n_req
    items: list[Item] = []
    per_doc = max(1, (n_req + n_dec) // n_doc)

    def doc_of(i: int) -> str:
        return f"designs/design-{i // per_doc:04d}"

    for d in range(n_doc):
        docname = f"designs/design-{d:04d}"
        items.append(
            Item(f"DOC-{d}", "designdoc", f"Design {d}", "draft", docname, docname + ".rst", 3)
        )
    for i in range(n_req):
        links = {"refines": (f"REQ-{rnd.randrange(i)}",)} if i and i % 7 == 0 else {}
        fields = {
            "kind": "non-functional" if i % 3 == 0 else "functional",
            "priority": ("must", "should", "could")[i % 3],
            "tags": ("api", f"area-{i % 40}"),
        }
        docname = doc_of(i)
        items.append(
            Item(
                f"REQ-{i}",
                "requirement",
                f"The system handles case {i} within the agreed limits",
                ("approved", "draft", "implemented")[i % 3],
                docname,
                docname + ".rst",
                10 + (i % per_doc) * 8,
                fields,
                links,
            )
        )
    untraced = set(rnd.sample(range(n_req), n_req // 20))
    traceable = [i for i in range(n_req) if i not in untraced]
    for i in range(n_dec):
        targets = (f"REQ-{traceable[i % len(traceable)]}", f"REQ-{rnd.choice(traceable)}")
        links = {
            "addresses": targets,
            "uses": (f"DEP-{rnd.randrange(n_dep)}",),
        }
        if i % 25 == 0 and i:
            links["supersedes"] = (f"DEC-{i - 1}",)
        docname = doc_of(i)
        items.append(
            Item(
                f"DEC-{i}",
                "decision",
                f"Use approach {i} for the component",
                "accepted" if i % 5 else "proposed",
                docname,
                docname + ".rst",
                12 + (i % per_doc) * 8,
                {"date": "2025-01-15", "alternatives": ("Option A", "Option B")},
                links,
            )
        )
    for i in range(n_dep):
        items.append(
            Item(
                f"DEP-{i}",
                "dependency",
                f"library-{i}",
                "approved",
                "dependencies",
                "dependencies.rst",
                5 + i * 6,
                {"scope": "runtime", "package": f"library-{i}", "version": ">=1.0,<2"},
            )
        )
    graph = Graph(items, settings.schema, settings.tracing_statuses)
    findings = [
        Finding("untraced", f"REQ-{i} is untraced", None, None, None, f"REQ-{i}")
        for i in sorted(untraced)
    ]
    return codec.build_report(
        graph,
        findings,
        settings.schema,
        settings.tracing_statuses,
        project="bench",
        url_for=lambda item: f"{item.docname}.html#{item.id}",
        checks_run=["untraced"],
    )


def time_runs(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of each run, in a new process each."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return walls, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=22_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--id", default="REQ-100", help="object to trace")
    parser.add_argument("--out", type=Path, default=HERE / "_work")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    data = args.out / f"designdoc-{args.objects}.json"
    start = time.perf_counter()
    report = generate(args.objects)
    write_atomic(data, codec.dumps(report))
    generated = time.perf_counter() - start

    # as installed: bytecode is cached (pip compiles at install), so let Python write
    # it and make one untimed warm-up run; every timed run is still a new process
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(HERE.parent))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {"python -m sphinx_designdoc": [sys.executable, "-m", "sphinx_designdoc"]}
    script = Path(sys.executable).with_name("designdoc")
    found = str(script) if script.exists() else shutil.which("designdoc")
    if found:
        commands["designdoc (console script)"] = [found]
    results = {
        "objects": len(report["objects"]),
        "file_mb": round(data.stat().st_size / 1e6, 2),
        "generate_s": round(generated, 2),
        "runs": args.runs,
        "python": sys.version.split()[0],
        "timings": {},
    }
    for name, cmd in commands.items():
        full = [*cmd, "trace", args.id, "--data", str(data)]
        time_runs(full, 1, env)
        times, cpus = time_runs(full, args.runs, env)
        results["timings"][name] = {
            "command": " ".join(full),
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            "max_s": round(max(times), 3),
            "median_cpu_s": round(statistics.median(cpus), 3),
        }
    # the floor every Python command pays on this machine (interpreter and site start)
    times, cpus = time_runs([sys.executable, "-c", "pass"], args.runs, env)
    results["python_startup_median_s"] = round(statistics.median(times), 3)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            f"{results['objects']} objects, {results['file_mb']} MB designdoc.json, "
            f"{args.runs} cold runs each (Python {results['python']})"
        )
        for name, t in results["timings"].items():
            print(
                f"  {name:28} median {t['median_s']:.3f} s wall "
                f"(min {t['min_s']:.3f}, max {t['max_s']:.3f}), {t['median_cpu_s']:.3f} s CPU"
            )
        print(f"  {'python -c pass':28} median {results['python_startup_median_s']:.3f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
