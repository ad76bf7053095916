"""Time ``designdoc.json`` from a finished build, outside Sphinx.

Loads the pickled environment of an HTML build (``OUTDIR/.doctrees/environment.pickle``),
rebuilds the project graph and the checks from the domain's per-document records exactly
as the extension does, and times each step of writing the report with the package's own
code: graph, checks, the object rows (reused from the build's cache, as an incremental
build does, and all encoded anew, as a full build does), the rest of the report,
``dumps`` and the atomic write.  Prints one JSON object.  Run it with the checkout to measure first on ``PYTHONPATH``.

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
    from types import SimpleNamespace

    from sphinx_designdoc import codec
    from sphinx_designdoc.checks import CheckContext, checked_subtypes, run_checks
    from sphinx_designdoc.config import build_settings, config_values
    from sphinx_designdoc.fileio import write_atomic
    from sphinx_designdoc.graph import Graph
    from sphinx_designdoc.incremental import cached_rows

    t0 = time.perf_counter()
    with (outdir / ".doctrees" / "environment.pickle").open("rb") as fh:
        env = pickle.load(fh)
    load = time.perf_counter() - t0
    data = env.domaindata["dd"]
    docs = data["docs"]
    settings = build_settings(config_values(env.config))[0]
    srcdir = os.fspath(env.srcdir)

    def url_for(item: Any) -> str:
        return f"{item.docname}.html#{item.id}"

    # the URL scheme the build cached its rows under (a key is the page digest + scheme)
    keys = {doc: cached[0] for doc, cached in data["rows"].items()}
    scheme = next(iter(keys.values()))[32:] if keys else ""
    fingerprints = {doc: key[:32] for doc, key in keys.items()}
    steps: dict[str, list[float]] = {
        "graph": [],
        "checks": [],
        "rows_cached": [],
        "rows_all": [],
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
            # what build-finished does: the rows (cached by the build), then the rest
            domain = SimpleNamespace(graph=graph, data=data, current_fingerprints=fingerprints)
            t = time.perf_counter()
            rows = cached_rows(domain, url_for, scheme)  # type: ignore[arg-type]
            steps["rows_cached"].append(time.perf_counter() - t)
            # what a build pays when no row can be reused (a full build)
            t = time.perf_counter()
            for item in graph.items():
                codec.encode_object(codec.ObjectRow.of(item, graph, url_for(item)))
            steps["rows_all"].append(time.perf_counter() - t)
            t = time.perf_counter()
            report = codec.build_report(
                graph,
                findings,
                settings.schema,
                settings.tracing_statuses,
                project=str(env.config.project),
                suppress_warnings=list(env.config.suppress_warnings),
                checks_run=checked_subtypes(),
                objects=[],
            )
            steps["build_report"].append(time.perf_counter() - t)
            t = time.perf_counter()
            text = codec.dumps(report, objects=rows)
            steps["dumps"].append(time.perf_counter() - t)
            t = time.perf_counter()
            write_atomic(Path(tmp) / codec.FILENAME, text)
            steps["write"].append(time.perf_counter() - t)
            size = len(text.encode("utf-8"))
    medians = {name: statistics.median(values) for name, values in steps.items()}
    return {
        "objects": len(graph),
        "findings": len(findings),
        "pickle_load_s": load,
        "steps_s": medians,
        # what build-finished costs after a one-file edit: rows (reused), the rest of
        # the report, serialisation, atomic write
        "write_total_s": (
            medians["rows_cached"] + medians["build_report"] + medians["dumps"] + medians["write"]
        ),
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
