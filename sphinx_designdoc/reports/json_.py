"""``designdoc.json``: the machine-readable record of a build.

Everything is sorted and nothing depends on time or on the order documents were read,
so serial and parallel builds of the same sources write byte-identical files.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Settings
from ..graph import Graph
from ..model import Finding, Item

SCHEMA_VERSION = 1
FILENAME = "designdoc.json"


def is_suppressed(subtype: str, suppress_warnings: Iterable[str]) -> bool:
    """Mirror Sphinx's ``suppress_warnings`` matching for our warning type."""
    patterns = set(suppress_warnings)
    return (
        "designdoc" in patterns or f"designdoc.{subtype}" in patterns or "designdoc.*" in patterns
    )


def item_to_json(item: Item, graph: Graph, url: str | None) -> dict[str, Any]:
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in item.fields.items()}
    return {
        "id": item.id,
        "type": item.type,
        "title": item.title,
        "status": item.status,
        "fields": dict(sorted(fields.items())),
        "docname": item.docname,
        "source": item.source,
        "line": item.line,
        "url": url,
        "external": item.external,
        "links": {
            name: list(dict.fromkeys(targets)) for name, targets in sorted(item.links.items())
        },
        "incoming": {name: list(ids) for name, ids in sorted(graph.incoming_of(item.id).items())},
        "traced": graph.is_traced(item.id),
    }


def encode_object(item: Item, graph: Graph, url: str | None) -> str:
    """One line of the report's ``objects`` list, as :func:`dumps` writes it."""
    return _encode_row(item_to_json(item, graph, url))


def _encode_row(row: Any) -> str:
    """A record on one line, through :mod:`json`'s C encoder (no ``indent``)."""
    return json.dumps(row, ensure_ascii=False)


def build_report(
    graph: Graph,
    findings: Sequence[Finding],
    settings: Settings,
    *,
    project: str = "",
    url_for: Callable[[Item], str | None] = lambda item: None,
    suppress_warnings: Iterable[str] = (),
    checks_run: Iterable[str] = (),
    objects: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The report; ``objects`` replaces the object rows, which a caller that has them
    already encoded leaves empty (see :func:`dumps`)."""
    suppress = list(suppress_warnings)
    found = []
    for f in findings:
        entry = f.to_json()
        entry["suppressed"] = is_suppressed(f.subtype, suppress)
        found.append(entry)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.subtype] = counts.get(f.subtype, 0) + 1
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "sphinx-designdoc", "version": __version__},
        "project": project,
        "vocabulary": settings.schema.to_json(),
        "tracing_statuses": sorted(settings.tracing_statuses),
        "coverage": {
            t: {"traced": c.traced, "total": c.total, "percent": c.percent}
            for t, c in graph.coverage().items()
        },
        "checks": {name: counts.get(name, 0) for name in sorted(set(checks_run) | set(counts))},
        "objects": (
            [item_to_json(item, graph, url_for(item)) for item in graph.items()]
            if objects is None
            else objects
        ),
        "findings": found,
    }


#: top-level lists written one element per line
_ROW_KEYS = frozenset({"objects", "findings"})


def dumps(report: dict[str, Any], objects: Sequence[str] | None = None) -> str:
    """The report as text: indented at the top, one object or finding per line.

    One line per record keeps diffs of two builds readable, and encoding each record
    without indentation lets :mod:`json` use its C encoder (``indent`` forces the
    pure-Python one, ten times slower on a 20,000-object project).  ``objects`` are
    object rows already encoded by :func:`encode_object`, written in place of the
    report's own: an incremental build reuses the rows of unchanged documents.
    """
    parts = []
    for key, value in report.items():
        lines: Sequence[str] = ()
        if key == "objects" and objects is not None:
            lines = objects
        elif key in _ROW_KEYS and isinstance(value, list):
            lines = [_encode_row(row) for row in value]
        if lines:
            text = "[\n" + ",\n".join("  " + line for line in lines) + "\n ]"
        else:
            text = json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")
        parts.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write through a temporary file and a rename: readers never see half a report."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: The JSON Schema of ``designdoc.json``, shipped with the package.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "designdoc.schema.json"
