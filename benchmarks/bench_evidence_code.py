"""The code scanner (``designdoc_code``) on a generated source tree.

A tree of ``--files`` source files (default 10,000: Python, C, SQL and JavaScript in
nested packages, about 2 KB each) holding ``--tags`` tags (default 5,000, a few files
with several), scanned in a git work tree (the files listed by ``git ls-files``) and in
a plain copy (the folders walked).  Each measure runs in a child process, as a build
does once per run:

``cold``     no cache: every file read;
``nochange`` the cache current: a ``stat`` per file;
``edit``     one file changed since the cache was written: that file read again.

CPU time is the child's user + system time for the scan alone (git's included), wall
time around the scan, peak RSS the child's maximum (its interpreter and imports
included; ``import`` is that baseline).  Medians over ``--runs``.  The goals (issue 24):
under 2 s CPU cold, under 0.3 s after one change, memory in proportion to the tags,
not to the files' size (``--file-kb 64`` makes every file 32 times bigger).

    python benchmarks/bench_evidence_code.py                  # 10,000 files, 5 runs
    python benchmarks/bench_evidence_code.py --files 200 --tags 100 --runs 1 --json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MEASURES = ("cold", "nochange", "edit")
_COMMENTS = {".py": "#", ".c": "//", ".sql": "--", ".js": "//"}
_FILLER = (
    "def handle_{n}(request, ledger):\n"
    "    total = sum(line.amount for line in ledger.lines if line.account == request.account)\n"
    "    return {{'total': total, 'currency': request.currency, 'id': {n}}}\n\n"
)


def generate(root: Path, files: int, tags: int, file_kb: int = 2, seed: int = 24) -> None:
    """``files`` source files under ``root/src`` (100 to a folder, two levels deep) and
    ``root/docs`` (the folder of conf.py); ``tags`` tags spread over them, every tenth
    tagged file with three tags (two in one comment)."""
    rnd = random.Random(seed)
    tagged = sorted(rnd.sample(range(files), min(files, max(1, tags * 10 // 14))))
    budget = tags
    plan: dict[int, int] = {}
    for k, index in enumerate(tagged):
        take = 3 if k % 10 == 0 else 1
        take = min(take, budget)
        if take:
            plan[index] = take
            budget -= take
    for index in tagged:  # what is left, one more tag each
        if not budget:
            break
        plan[index] = plan.get(index, 0) + 1
        budget -= 1
    (root / "docs").mkdir(parents=True, exist_ok=True)
    filler = "".join(_FILLER.format(n=n) for n in range(max(1, file_kb * 1024 // 200)))
    for index in range(files):
        ext = (".py", ".c", ".sql", ".js")[index % 4]
        folder = root / "src" / f"pkg{index // 1000:02d}" / f"mod{index // 100 % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        mark = _COMMENTS[ext]
        lines = [f"{mark} generated module {index}\n", filler]
        count = plan.get(index, 0)
        if count >= 2:
            lines.append(f"{mark} implements: DEC-{index}, DEC-{index + 1}\n")
            count -= 2
        if count:
            lines.append(f"{mark} satisfies: REQ-{index}\n")
            count -= 1
        if count:  # pragma: no cover - plans give at most three
            lines.append(f"{mark} implements: DEC-{index + 2}\n")
        lines.append(filler[:400])
        (folder / f"m{index:05d}{ext}").write_text("".join(lines), encoding="utf-8")
    (root / "src" / ".gitignore").write_text("build/\n", encoding="utf-8")


def git(cwd: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


#: what the child runs: one scan, measured from inside
_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from sphinx_designdoc.evidence.code import code_entries, scan_code
entries = code_entries([{{"paths": ["../src/**/*.py", "../src/**/*.c", "../src/**/*.sql",
                          "../src/**/*.js"],
                         "url": "https://example.org/r/blob/{{commit}}/{{path}}#L{{line}}"}}])
def cpu():
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
mode = {mode!r}
c0, w0 = cpu(), time.perf_counter()
scan = None if mode == "import" else scan_code(entries, Path({docs!r}), Path({cache!r}))
wall, used = time.perf_counter() - w0, cpu() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"cpu": used, "wall": wall, "rss_mb": rss,
                  "tags": len(scan.tags) if scan else 0, "files": scan.files if scan else 0,
                  "problems": [p.message for p in scan.problems] if scan else []}}))
"""


def child(mode: str, docs: Path, cache: Path) -> dict[str, Any]:
    code = _CHILD.format(repo=str(REPO), mode=mode, docs=str(docs), cache=str(cache))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def measure(root: Path, runs: int) -> dict[str, dict[str, Any]]:
    """Each measure ``runs`` times; medians of CPU and wall time, the largest RSS."""
    docs = root / "docs"
    samples: dict[str, list[dict[str, Any]]] = {m: [] for m in ("import", *MEASURES)}
    edited = next((root / "src").rglob("*.py"))
    for run in range(runs):
        cache = Path(tempfile.mkdtemp(prefix="bench-code-cache-"))
        try:
            samples["import"].append(child("import", docs, cache))
            samples["cold"].append(child("cold", docs, cache))
            samples["nochange"].append(child("nochange", docs, cache))
            with edited.open("a", encoding="utf-8") as fh:
                fh.write(f"# edit {run}\n")
            samples["edit"].append(child("edit", docs, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    out: dict[str, dict[str, Any]] = {}
    for mode, rows in samples.items():
        out[mode] = {
            "cpu": statistics.median(r["cpu"] for r in rows),
            "wall": statistics.median(r["wall"] for r in rows),
            "rss_mb": max(r["rss_mb"] for r in rows),
            "tags": rows[-1]["tags"],
            "files": rows[-1]["files"],
            "problems": rows[-1]["problems"],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=5_000)
    parser.add_argument("--file-kb", type=int, default=2, help="about how big each file is")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON, not Markdown")
    parser.add_argument("--work", type=Path, help="where to generate (default: a temp folder)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-code-"))
    results: dict[str, Any] = {}
    try:
        plain = work / "plain"
        started = time.perf_counter()
        generate(plain, args.files, args.tags, args.file_kb)
        flavours = {"walk": plain}
        if shutil.which("git"):
            tree = work / "git"
            shutil.copytree(plain, tree)
            git(tree, "init", "-q")
            git(tree, "add", "-A")
            git(tree, "commit", "-q", "-m", "tree")
            flavours = {"git": tree, "walk": plain}
        generated = time.perf_counter() - started
        for name, root in flavours.items():
            results[name] = measure(root, args.runs)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"designdoc_code: {args.files:,} files of ~{args.file_kb} KB, {args.tags:,} tags, "
        f"{args.runs} runs (tree made in {generated:.1f} s); "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}\n"
    )
    print("| tree | measure | CPU s | wall s | peak RSS MB | files | tags |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, rows in results.items():
        for mode, row in rows.items():
            print(
                f"| {name} | {mode} | {row['cpu']:.3f} | {row['wall']:.3f} | "
                f"{row['rss_mb']:.1f} | {row['files']:,} | {row['tags']:,} |"
            )
    problems = {p for rows in results.values() for r in rows.values() for p in r["problems"]}
    for problem in sorted(problems):
        print(f"\nproblem: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
