"""Objects and check contexts made in memory, for the checks' unit tests."""

from __future__ import annotations

from typing import Any

from sphinx_designdoc.checks import CheckContext
from sphinx_designdoc.config import build_settings
from sphinx_designdoc.confpy import ConfLocation
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import DocRecord, Item


def obj(
    item_id: str,
    type_name: str,
    status: str = "",
    *,
    doc: str = "design",
    line: int = 1,
    source: str | None = None,
    fields: dict[str, Any] | None = None,
    **links: str,
) -> Item:
    defaults = {"requirement": "proposed", "decision": "accepted", "dependency": "approved"}
    return Item(
        item_id,
        type_name,
        f"Title of {item_id}",
        status or defaults.get(type_name, "draft"),
        doc,
        source or f"{doc}.rst",
        line,
        fields or {},
        {name: tuple(targets.split()) for name, targets in links.items()},
    )


def context(
    *items: Item,
    settings: dict[str, Any] | None = None,
    records: dict[str, DocRecord] | None = None,
    hidden: tuple[str, ...] = (),
    srcdir: str = "",
    graphviz: bool = True,
    conf: ConfLocation | None = None,
) -> CheckContext:
    built, problems = build_settings(settings or {})
    assert problems == []
    graph = Graph(items, built.schema, built.tracing_statuses, hidden=hidden)
    return CheckContext(graph, built, records or {}, srcdir, conf=conf, graphviz=graphviz)


def messages(findings: Any) -> list[tuple[str, str]]:
    return [(f.subtype, f.message) for f in findings]
