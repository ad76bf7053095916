"""Build the benchmark corpus in its flavours side by side and compare.

For each size, the flavours take turns (the order rotates every run) and each turn runs,
as separate ``python -m sphinx`` processes into fresh output folders:

``full``      full serial HTML build;
``nochange``  the same build again with nothing changed;
``edit``      a rebuild after editing one object's title in one file (the file is
              restored afterwards); the pages that show the object are checked;
``j2``        a full build with ``-j 2`` into another fresh folder.

Once per size, on the last designdoc build: ``report`` (the size of ``designdoc.json``
and the time to write it, from :mod:`report_timing`) and ``trace`` (``designdoc trace``
on that report, a fresh process each time; skipped until the package has its CLI).

Wall times are medians over the runs; peak memory is the child's maximum RSS from
``wait4``.  Ratios are to the ``minimal`` flavour, the build a team has today (the same
prose, objects as admonitions, links as ``:ref:``), in the same run; the ``equivalent``
flavour (the same visible objects written by hand) is a second baseline.  Prints a
Markdown table; ``--results FILE`` also replaces the generated part of that file.

Usage::

    python benchmarks/run.py --sizes 2200 22000 --runs 5 3 --results benchmarks/RESULTS.md
"""

# implements: DEC-BENCHMARKS (docs/design.rst)

from __future__ import annotations

import argparse
import compileall
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

REPO = HERE.parent
#: 1-minute load average after each build: other jobs on the machine show up here
LOADS: list[float] = []
MEASURES = ("full", "nochange", "edit", "j2", "report", "trace")
#: the baseline of every ratio: the build a team has today
BASELINE = "minimal"
#: the columns of the tables, in order
COLUMNS = ("minimal", "equivalent", "plain", "designdoc", "needs")
START = "<!-- benchmark-results:start -->"
END = "<!-- benchmark-results:end -->"


@dataclass
class Build:
    seconds: float
    #: user + system CPU time of the child and its waited-for children
    cpu: float
    maxrss_mb: float
    returncode: int
    read: int
    written: int
    warnings: int
    log: str = field(repr=False, default="")


def sphinx_build(
    src: Path, out: Path, repo: Path, jobs: int = 1, fresh: bool = True, timeout: float = 3600
) -> Build:
    """One ``python -m sphinx -b html`` in a child process: wall time and its peak RSS."""
    if fresh and out.exists():
        shutil.rmtree(out)
    # -N: no colour codes in the log, which is parsed below (CI=true turns colour on)
    cmd = [sys.executable, "-m", "sphinx", "-N", "-b", "html", str(src), str(out)]
    if jobs > 1:
        cmd += ["-j", str(jobs)]
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")])
    )
    env.pop("SPHINX_DESIGNDOC_PROFILE", None)
    # every build loads compiled modules, as from an installed package (warm_up compiles
    # the checkout's; CI sets this variable, which would make each build compile them)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    log_path = out.parent / f"{out.name}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=src)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_path.read_text(errors="replace")
    LOADS.append(os.getloadavg()[0])
    return Build(
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        read=_count_read(text),
        written=len(re.findall(r"^writing output\.\.\. \[\s*\d+%\]", text, re.M)),
        warnings=len(re.findall(r"(WARNING|ERROR|CRITICAL):", text)),
        log=text,
    )


def _count_read(text: str) -> int:
    m = re.search(r"updating environment: (?:\[[^\]]*\] )?(\d+) added, (\d+) changed", text)
    return int(m.group(1)) + int(m.group(2)) if m else -1


# -- the edit scenario ---------------------------------------------------------


@dataclass
class Edit:
    path: Path
    original: str
    new_title: str
    #: pages whose HTML must show the new title after the rebuild
    pages: list[str]


def make_edit(src: Path, corpus: generate.Corpus, flavour: str, with_matrix: bool) -> Edit:
    """Edit the title of requirement 3 of the middle document.

    That requirement refines one in the previous document and is refined by one in the
    next, so in sphinx-designdoc three object pages show its title (its own, and the
    backlink / link on its neighbours) and so does the matrix page.
    """
    mid = corpus.docs // 2
    reqs, _, _ = corpus.objects(mid)
    obj = reqs[2]
    path = src / f"{corpus.docname(mid)}.rst"
    original = path.read_text(encoding="utf-8")
    new_title = obj.title + " (edited)"
    path.write_text(original.replace(obj.title, new_title), encoding="utf-8")
    pages = [corpus.docname(mid)]
    if flavour == "designdoc":
        if corpus.docs > 1:
            pages += [
                corpus.docname((mid - 1) % corpus.docs),
                corpus.docname((mid + 1) % corpus.docs),
            ]
        if with_matrix:
            pages.append(generate.MATRIX_DOC)
    elif flavour == "needs" and with_matrix:
        pages.append(generate.MATRIX_DOC)
    return Edit(path, original, new_title, sorted(set(pages)))


def edit_correct(out: Path, edit: Edit) -> bool:
    for page in edit.pages:
        html = (out / f"{page}.html").read_text(encoding="utf-8", errors="replace")
        if edit.new_title not in html:
            return False
    return True


# -- measuring -----------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def has_cli(repo: Path) -> bool:
    """Whether the checkout has the ``designdoc`` command (a module, later a package)."""
    package = repo / "sphinx_designdoc"
    return (package / "cli.py").is_file() or (package / "cli" / "__init__.py").is_file()


def time_trace(repo: Path, report: Path, item_id: str, runs: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(repo))
    cmd = [sys.executable, "-m", "sphinx_designdoc", "trace", item_id, "--data", str(report)]
    times = []
    rc = 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        rc = rc or proc.returncode
    return {"seconds": times, "returncode": rc, "command": shlex.join(cmd[1:])}


def time_report_harness(repo: Path, outdir: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(repo))
    proc = subprocess.run(
        [sys.executable, str(HERE / "report_timing.py"), str(outdir)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def warm_up(work: Path, flavours: Sequence[str], repo: Path) -> None:
    """Build a one-document corpus per flavour first, so no flavour pays for cold caches,
    and compile the checkout's modules, as installing a package does (Sphinx and
    sphinx-needs come from site-packages, compiled)."""
    compileall.compile_dir(repo / "sphinx_designdoc", quiet=1)
    srcs = generate.generate(work / "warm-up" / "src", generate.Corpus(1), flavours)
    for flavour, src in srcs.items():
        sphinx_build(src, work / "warm-up" / "out" / flavour, repo)


def run_size(
    objects: int,
    runs: int,
    flavours: Sequence[str],
    measures: Sequence[str],
    work: Path,
    repo: Path,
    with_matrix: bool,
    per_doc: tuple[int, int, int],
    log: Any,
    full_only: Sequence[str] = (),
) -> dict[str, Any]:
    r, d, p = per_doc
    per = r + d + p
    if objects % per:
        raise SystemExit(f"--sizes: {objects} is not a multiple of {per} objects per document")
    corpus = generate.Corpus(objects // per, r, d, p)
    base = work / f"n{objects}"
    srcs = generate.generate(base / "src", corpus, flavours, with_matrix=with_matrix)
    raw: dict[str, dict[str, list[Any]]] = {f: {} for f in flavours}

    def note(flavour: str, key: str, value: Any) -> None:
        raw[flavour].setdefault(key, []).append(value)

    for run in range(runs):
        order = list(flavours[run % len(flavours) :]) + list(flavours[: run % len(flavours)])
        for flavour in order:
            src = srcs[flavour]
            out = base / "out" / flavour
            wanted = ["full"] if flavour in full_only else measures
            if "full" in wanted or "nochange" in wanted or "edit" in wanted:
                b = sphinx_build(src, out, repo)
                note(flavour, "full", b.seconds)
                note(flavour, "full_cpu", b.cpu)
                note(flavour, "full_rss", b.maxrss_mb)
                note(flavour, "full_rc", b.returncode)
                note(flavour, "full_warnings", b.warnings)
                print(
                    f"  [{objects}] run {run + 1}/{runs} {flavour:9s} full   {b.seconds:7.2f}s cpu {b.cpu:6.2f}s "
                    f"{b.maxrss_mb:6.0f} MB rc={b.returncode} warnings={b.warnings}",
                    file=log,
                    flush=True,
                )
                if "nochange" in wanted:
                    b = sphinx_build(src, out, repo, fresh=False)
                    note(flavour, "nochange", b.seconds)
                    note(flavour, "nochange_cpu", b.cpu)
                    note(flavour, "nochange_io", (b.read, b.written))
                    print(
                        f"  [{objects}] run {run + 1}/{runs} {flavour:9s} nochange {b.seconds:5.2f}s cpu {b.cpu:6.2f}s "
                        f"read={b.read} written={b.written}",
                        file=log,
                        flush=True,
                    )
                if "edit" in wanted:
                    edit = make_edit(src, corpus, flavour, with_matrix)
                    try:
                        b = sphinx_build(src, out, repo, fresh=False)
                    finally:
                        edit.path.write_text(edit.original, encoding="utf-8")
                    ok = edit_correct(out, edit)
                    note(flavour, "edit", b.seconds)
                    note(flavour, "edit_cpu", b.cpu)
                    note(flavour, "edit_io", (b.read, b.written))
                    note(flavour, "edit_ok", ok)
                    print(
                        f"  [{objects}] run {run + 1}/{runs} {flavour:9s} edit   {b.seconds:7.2f}s cpu {b.cpu:6.2f}s "
                        f"read={b.read} written={b.written} pages-correct={ok}",
                        file=log,
                        flush=True,
                    )
            if "j2" in wanted:
                b = sphinx_build(src, base / "out" / f"{flavour}-j2", repo, jobs=2)
                note(flavour, "j2", b.seconds)
                note(flavour, "j2_rc", b.returncode)
                print(
                    f"  [{objects}] run {run + 1}/{runs} {flavour:9s} -j 2   {b.seconds:7.2f}s "
                    f"rc={b.returncode}",
                    file=log,
                    flush=True,
                )
                shutil.rmtree(base / "out" / f"{flavour}-j2", ignore_errors=True)

    extra: dict[str, Any] = {}
    dd_out = base / "out" / "designdoc"
    if "designdoc" in flavours and (dd_out / "designdoc.json").is_file():
        if "report" in measures:
            extra["report"] = time_report_harness(repo, dd_out)
            extra["report"]["file_bytes"] = (dd_out / "designdoc.json").stat().st_size
        if "trace" in measures:
            if has_cli(repo):
                item_id = corpus.req_id(corpus.docs // 2, 3)
                extra["trace"] = time_trace(repo, dd_out / "designdoc.json", item_id, max(runs, 3))
            else:
                extra["trace"] = {"skipped": "the designdoc CLI has not landed in this checkout"}
    return {
        "objects": objects,
        "docs": corpus.docs,
        "per_doc": list(per_doc),
        "runs": runs,
        "with_matrix": with_matrix,
        "raw": raw,
        **extra,
    }


# -- reporting -----------------------------------------------------------------


def _fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _ratio(value: float | None, plain: float | None) -> str:
    if value is None or not plain:
        return ""
    return f" ({value / plain:.2f}x)"


def summarise(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for flavour, raw in result["raw"].items():
        s: dict[str, Any] = {}
        for key in (
            "full",
            "full_cpu",
            "nochange",
            "nochange_cpu",
            "edit",
            "edit_cpu",
            "j2",
            "full_rss",
        ):
            s[key] = median(raw.get(key, []))
        if s.get("full") and s.get("j2"):
            s["speedup"] = s["full"] / s["j2"]
        for key in ("nochange_io", "edit_io"):
            if raw.get(key):
                s[key] = raw[key][-1]
        if raw.get("edit_ok"):
            s["edit_ok"] = all(raw["edit_ok"])
        s["failed"] = any(raw.get("full_rc", [])) or any(raw.get("j2_rc", []))
        out[flavour] = s
    return out


def markdown_table(result: dict[str, Any]) -> str:
    s = summarise(result)
    flavours = [f for f in COLUMNS if f in s]
    plain = s.get(BASELINE, {})
    head = "| measure | " + " | ".join(flavours) + " |"
    lines = [head, "|" + "---|" * (len(flavours) + 1)]

    def row(label: str, cells: list[str]) -> None:
        if all(cell in ("-", "- (-)") for cell in cells):
            return  # not measured
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def timed(label: str, key: str) -> None:
        row(label, [_fmt_s(s[f][key]) + _ratio(s[f][key], plain.get(key)) for f in flavours])

    def io(key: str) -> list[str]:
        return [("{} / {}".format(*s[f][key]) if key in s[f] else "-") for f in flavours]

    timed("full build", "full")
    timed("  CPU time (user + sys)", "full_cpu")
    equivalent = s.get("equivalent", {})
    if equivalent.get("full_cpu"):
        row(
            "  CPU time against equivalent",
            [
                f"{s[f]['full_cpu'] / equivalent['full_cpu']:.2f}x" if s[f]["full_cpu"] else "-"
                for f in flavours
            ],
        )
    timed("no-change rebuild", "nochange")
    timed("  CPU time (user + sys)", "nochange_cpu")
    row("  docs read / written", io("nochange_io"))
    timed("edit one title, rebuild", "edit")
    timed("  CPU time (user + sys)", "edit_cpu")
    row(
        "  docs read / written; pages show the edit",
        [
            cell + ("" if "edit_ok" not in s[f] else ("; yes" if s[f]["edit_ok"] else "; **NO**"))
            for f, cell in zip(flavours, io("edit_io"), strict=True)
        ],
    )
    timed("full build -j 2", "j2")
    row(
        "  speedup over serial",
        [
            (f"{s[f]['speedup']:.2f}x" if s[f].get("speedup") else "-")
            + (
                f" ({s[f]['speedup'] / plain['speedup']:.2f} of {BASELINE}'s)"
                if s[f].get("speedup") and plain.get("speedup") and f != BASELINE
                else ""
            )
            for f in flavours
        ],
    )
    row(
        "peak RSS, full build",
        [
            ("-" if s[f]["full_rss"] is None else f"{s[f]['full_rss']:.0f} MB")
            + _ratio(s[f]["full_rss"], plain.get("full_rss"))
            for f in flavours
        ],
    )
    rep = result.get("report")
    if rep:
        cells = ["-"] * len(flavours)
        if "designdoc" in flavours:
            cells[flavours.index("designdoc")] = (
                f"{rep['file_bytes'] / 1e6:.1f} MB, written in {rep['write_total_s']:.2f} s "
                f"(rows {rep['steps_s'].get('rows_cached', 0.0):.2f} "
                f"+ report {rep['steps_s']['build_report']:.2f} + dumps {rep['steps_s']['dumps']:.2f} "
                f"+ write {rep['steps_s']['write']:.2f}; every row encoded anew: "
                f"{rep['steps_s'].get('rows_all', 0.0):.2f})"
            )
        row("designdoc.json", cells)
    tr = result.get("trace")
    if tr:
        cells = ["-"] * len(flavours)
        if "designdoc" in flavours:
            if "skipped" in tr:
                cells[flavours.index("designdoc")] = f"skipped: {tr['skipped']}"
            else:
                med = statistics.median(tr["seconds"])
                cells[flavours.index("designdoc")] = (
                    f"{med:.3f} s median, {max(tr['seconds']):.3f} s max, cold process"
                    + ("" if tr["returncode"] == 0 else f" (exit {tr['returncode']})")
                )
        row("`designdoc trace`", cells)
    if any(s[f]["failed"] for f in flavours):
        lines.append("")
        lines.append(
            "Failed builds: "
            + ", ".join(f for f in flavours if s[f]["failed"])
            + " (see the logs under the work folder)."
        )
    return "\n".join(lines)


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def goals(results: Sequence[dict[str, Any]]) -> str:
    """The goals of benchmarks/RESULTS.md, checked against this run.

    Time ratios are judged on the child's CPU time (user + system) when it was measured:
    on a shared machine other jobs stretch wall times at random, CPU time much less.
    The ``-j 2`` speedup can only be a wall-time ratio.
    """
    lines = ["| goal | measured | met |", "|---|---|---|"]

    def add(goal: str, measured: str, ok: bool | None) -> None:
        lines.append(
            f"| {goal} | {measured} | {'-' if ok is None else ('yes' if ok else '**no**')} |"
        )

    ratios: dict[tuple[int, int], float] = {}
    for result in results:
        s = summarise(result)
        n, per = result["objects"], sum(result["per_doc"])
        where = f"{n:,} objects, {per} per page"
        dd, base = s.get("designdoc"), s.get(BASELINE)
        if not dd or not base:
            continue
        if dd["full"] and base["full"]:
            cpu = _div(dd["full_cpu"], base["full_cpu"])
            ratio = cpu if cpu is not None else dd["full"] / base["full"]
            ratios[(n, per)] = ratio
            limit = 1.25 if per <= 22 else 1.45
            add(
                f"full build ≤ {limit:.2f}x {BASELINE} ({where})",
                f"CPU {_x(cpu)}, wall {dd['full'] / base['full']:.2f}x",
                ratio <= limit,
            )
        equivalent = s.get("equivalent")
        if equivalent and dd["full_cpu"] and equivalent["full_cpu"]:
            r = dd["full_cpu"] / equivalent["full_cpu"]
            add(f"full build ≤ 1.05x equivalent ({where})", f"CPU {r:.2f}x", r <= 1.05)
        if dd["edit"] and base["edit"]:
            cpu = _div(dd["edit_cpu"], base["edit_cpu"])
            add(
                f"one-title edit rebuild ≤ 1.25x {BASELINE}, views correct ({where})",
                f"CPU {_x(cpu)}, wall {dd['edit'] / base['edit']:.2f}x; pages correct: "
                + ("yes" if dd.get("edit_ok") else "no"),
                (cpu if cpu is not None else dd["edit"] / base["edit"]) <= 1.25
                and bool(dd.get("edit_ok")),
            )
        if "nochange_io" in dd:
            read, written = dd["nochange_io"]
            add(
                f"no-change rebuild reads and writes no document ({where})",
                f"{read} read, {written} written",
                read == 0 and written == 0,
            )
        if dd.get("speedup") and base.get("speedup"):
            r = dd["speedup"] / base["speedup"]
            add(
                f"-j 2 speedup at least {BASELINE}'s ({where})",
                f"{dd['speedup']:.2f}x vs {base['speedup']:.2f}x = {r:.2f}",
                r >= 1.0,
            )
        if dd["full_rss"] and base["full_rss"] and n >= 22000:
            r = dd["full_rss"] / base["full_rss"]
            needs = s.get("needs", {}).get("full_rss")
            measured = f"{r:.2f}x" + (
                f"; sphinx-needs {needs / base['full_rss']:.2f}x" if needs else ""
            )
            add(
                f"peak RSS ≤ 1.15x {BASELINE}, and below sphinx-needs' ({where})",
                measured,
                r <= 1.15 and (needs is None or dd["full_rss"] <= needs),
            )
        tr = result.get("trace")
        if tr and "seconds" in tr and n >= 22000:
            worst = max(tr["seconds"])
            add(
                f"`designdoc trace` < 0.3 s cold ({where})",
                f"{worst:.3f} s (worst of {len(tr['seconds'])})",
                worst < 0.3 and tr["returncode"] == 0,
            )
    for per in sorted({per for _, per in ratios}):
        sizes = sorted(n for n, p in ratios if p == per)
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            add(
                f"flat cost per object: ratio at {large:,} ≤ ratio at {small:,} ({per} per page)",
                f"{ratios[(large, per)]:.2f} vs {ratios[(small, per)]:.2f}",
                ratios[(large, per)] <= ratios[(small, per)] + 0.02,
            )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import docutils
    import sphinx

    versions = [
        f"Python {platform.python_version()}",
        f"Sphinx {sphinx.__version__}",
        f"docutils {docutils.__version__}",
    ]
    try:
        import sphinx_needs

        versions.append(f"sphinx-needs {sphinx_needs.__version__}")
    except ImportError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}; " + ", ".join(
        versions
    )


def _measured_note(result: dict[str, Any]) -> str:
    keys = {k for raw in result["raw"].values() for k in raw}
    measured = [m for m in ("full", "nochange", "edit", "j2") if m in keys]
    if len(measured) == 4:
        return ""
    return "; measured: " + ", ".join(m.replace("j2", "-j 2") for m in measured)


def render(results: Sequence[dict[str, Any]], command: str, repo: Path) -> str:
    commit = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    parts = [
        f"Date: {_dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}  ",
        f"Machine: {machine()}  ",
        # the commit names what was measured; the checkout's path is this machine's own
        f"Package: {commit or 'a checkout outside git (unknown commit)'}  ",
        f"Command: `{command}`  ",
        f"Load average after each build: median {statistics.median(LOADS):.1f}, "
        f"max {max(LOADS):.1f} (a serial build alone is 1.0)"
        if LOADS
        else "Load average: not recorded",
        "",
    ]
    for result in results:
        runs = result["runs"]
        parts.append(
            f"### {result['objects']:,} objects ({result['docs']:,} documents x "
            f"{sum(result['per_doc'])}, {'with' if result['with_matrix'] else 'without'} the "
            f"matrix page), median of {runs} run{'s' if runs != 1 else ''}" + _measured_note(result)
        )
        parts.append("")
        parts.append(markdown_table(result))
        parts.append("")
    parts.append("### Goals")
    parts.append("")
    parts.append(goals(results))
    return "\n".join(parts) + "\n"


def write_results(path: Path, text: str) -> None:
    block = f"{START}\n{text}{END}"
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        if START in old and END in old:
            head, rest = old.split(START, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail, encoding="utf-8")
            return
        path.write_text(old.rstrip() + "\n\n" + block + "\n", encoding="utf-8")
        return
    path.write_text("# Benchmark results\n\n" + block + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[2200, 22000], help="objects per corpus"
    )
    parser.add_argument(
        "--runs",
        type=int,
        nargs="+",
        default=None,
        help="runs per size (one value, or one per size; default 5 up to 5,000 objects, else 3)",
    )
    parser.add_argument(
        "--flavours", nargs="+", default=list(generate.FLAVOURS), choices=generate.FLAVOURS
    )
    parser.add_argument("--measures", nargs="+", default=list(MEASURES), choices=MEASURES)
    parser.add_argument("--per-doc", type=int, nargs=3, default=(12, 6, 4), metavar=("R", "D", "P"))
    parser.add_argument("--no-matrix", action="store_true", help="leave out the matrix page")
    parser.add_argument(
        "--full-only",
        nargs="*",
        default=[],
        choices=generate.FLAVOURS,
        help="flavours measured on the serial full build only (e.g. needs at 22,000)",
    )
    parser.add_argument(
        "--work", type=Path, default=HERE / "_work", help="corpora and build output"
    )
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="checkout of sphinx-designdoc to measure"
    )
    parser.add_argument(
        "--results", type=Path, help="also write the tables into this Markdown file"
    )
    parser.add_argument("--json", type=Path, help="also write the raw numbers as JSON")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="skip the first, unmeasured tiny builds"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: render the tables from files that --json wrote",
    )
    parser.add_argument("--command", help="with --from-json: the command to show")
    args = parser.parse_args(argv)

    if args.from_json:
        loaded: list[dict[str, Any]] = []
        commands: list[str] = []
        for path in args.from_json:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, list):  # written before the command was kept
                data = {"results": data}
            loaded.extend(data["results"])
            LOADS.extend(data.get("loads", []))
            commands.append(data.get("command", ""))
        command = args.command or " && ".join(c for c in commands if c)
        text = render(loaded, command, args.repo.resolve())
        print(text)
        if args.results:
            write_results(args.results, text)
        return 0

    if "needs" in args.flavours:
        try:
            import sphinx_needs  # noqa: F401
        except ImportError:
            print("sphinx-needs is not installed: the needs flavour is left out", file=sys.stderr)
            args.flavours = [f for f in args.flavours if f != "needs"]

    runs = args.runs or [5 if n <= 5000 else 3 for n in args.sizes]
    if len(runs) == 1:
        runs = runs * len(args.sizes)
    if len(runs) != len(args.sizes):
        parser.error("--runs takes one value or one per size")
    command = "python " + shlex.join(
        [os.path.relpath(__file__, Path.cwd()), *(sys.argv[1:] if argv is None else argv)]
    )
    if not args.no_warm_up:
        warm_up(args.work, args.flavours, args.repo.resolve())
    results = []
    for n, r in zip(args.sizes, runs, strict=True):
        print(f"== {n:,} objects, {r} runs", file=sys.stderr, flush=True)
        results.append(
            run_size(
                n,
                r,
                args.flavours,
                args.measures,
                args.work,
                args.repo.resolve(),
                not args.no_matrix,
                tuple(args.per_doc),
                sys.stderr,
                full_only=args.full_only,
            )
        )
    text = render(results, command, args.repo.resolve())
    print(text)
    if args.results:
        write_results(args.results, text)
    if args.json:
        raw = {"command": command, "loads": LOADS, "results": results}
        args.json.write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
