"""Time ``designdoc.json`` from a finished build, outside Sphinx.

Loads the pickled environment of an HTML build (``OUTDIR/.doctrees/environment.pickle``),
rebuilds the project graph and the checks from the domain's per-document records exactly
as the extension does, and times each step of writing the report with the package's own
code: graph, checks, ``build_report``, ``dumps`` and the atomic write.  Prints one JSON
object.  Run it with the checkout to measure first on ``PYTHONPATH``.

Usage::

    python benchmarks/report_timing.py OUTDIR [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def time_report(outdir: Path, repeat: int = 3) -> dict[str, Any]:
    from sphinx_designdoc.checks import CheckContext, checked_subtypes, run_checks
    from sphinx_designdoc.domain import _settings_for
    from sphinx_designdoc.graph import Graph
    from sphinx_designdoc.reports import json_

    t0 = time.perf_counter()
    with (outdir / ".doctrees" / "environment.pickle").open("rb") as fh:
        env = pickle.load(fh)
    load = time.perf_counter() - t0
    docs = env.domaindata["dd"]["docs"]
    settings = _settings_for(env)
    srcdir = os.fspath(env.srcdir)
    steps: dict[str, list[float]] = {
        "graph": [],
        "checks": [],
        "build_report": [],
        "dumps": [],
        "write": [],
    }
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t = time.perf_counter()
            items = (item for rec in docs.values() for item in rec.items)
            graph = Graph(items, settings.schema, settings.tracing_statuses)
            steps["graph"].append(time.perf_counter() - t)
            t = time.perf_counter()
            findings = run_checks(CheckContext(graph, settings, docs, srcdir))
            steps["checks"].append(time.perf_counter() - t)
            t = time.perf_counter()
            report = json_.build_report(
                graph,
                findings,
                settings,
                project=str(env.config.project),
                url_for=lambda item: f"{item.docname}.html#{item.id}",
                suppress_warnings=list(env.config.suppress_warnings),
                checks_run=checked_subtypes(),
            )
            steps["build_report"].append(time.perf_counter() - t)
            t = time.perf_counter()
            text = json_.dumps(report)
            steps["dumps"].append(time.perf_counter() - t)
            t = time.perf_counter()
            json_.write_atomic(Path(tmp) / json_.FILENAME, text)
            steps["write"].append(time.perf_counter() - t)
            size = len(text.encode("utf-8"))
    medians = {name: statistics.median(values) for name, values in steps.items()}
    return {
        "objects": len(graph),
        "findings": len(findings),
        "pickle_load_s": load,
        "steps_s": medians,
        # what build-finished costs: report dict, serialisation, atomic write
        "write_total_s": medians["build_report"] + medians["dumps"] + medians["write"],
        "size_bytes": size,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="output folder of a finished HTML build")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(time_report(args.outdir, args.repeat), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
