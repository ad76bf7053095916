"""Tracing checks: every requirement addressed, every dependency used, every decision
justified, and coverage above the minimum.

They read the vocabulary: a link with ``traces: True`` traces its targets, so a project's
own types and links are checked the same way.  ``unused`` is about the ``uses`` link
and its targets (dependencies), as the specification defines it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import format_percent
from ..model import Finding
from ..vocabulary import LinkDef
from .context import CheckContext, finding


def _statuses(ctx: CheckContext) -> str:
    return " or ".join(sorted(ctx.settings.tracing_statuses)) or "tracing"


def check_untraced(ctx: CheckContext) -> Iterator[Finding]:
    """Every active object of a type that tracing links point to must be traced."""
    graph, schema = ctx.graph, ctx.settings.schema
    for item_id, traced in graph.traced.items():
        if traced:
            continue
        item = graph.by_id[item_id]
        links = graph.tracing_links_into(item.type)
        how = " or ".join(f"{'/'.join(link.sources)} {link.name} it" for link in links)
        first = links[0] if links else None
        typedef = schema.types.get(item.type)
        inactive = "/".join(typedef.inactive_statuses) if typedef else ""
        fix = f"add ':{first.name}: {item.id}' to a {first.sources[0]}" if first else ""
        if inactive:
            fix += f", or set its status to {inactive} if it is dropped"
        yield finding(
            "untraced",
            item,
            f"{item.type} {item.id} is untraced: no {_statuses(ctx)} {how}; {fix}",
        )


def check_unused(ctx: CheckContext) -> Iterator[Finding]:
    """Dependencies (targets of ``uses``) that no counting decision uses."""
    graph, schema = ctx.graph, ctx.settings.schema
    uses = schema.links.get("uses")
    if uses is None:
        return
    into: dict[str, list[str]] = {}
    for link in schema.links.values():
        for target_type in link.targets:
            into.setdefault(target_type, []).append(link.incoming)
    for item in graph.by_id.values():
        if item.type not in uses.targets or item.external or not graph.is_active(item):
            continue
        incoming = graph.incoming_of(item.id)
        used = any(
            graph.counts_for_tracing(graph.by_id[source])
            for name in into.get(item.type, ())
            for source in incoming.get(name, ())
        )
        if not used:
            yield finding(
                "unused",
                item,
                f"{item.type} {item.id} is unused: no {_statuses(ctx)} "
                f"{'/'.join(uses.sources)} uses it; add ':uses: {item.id}' to the "
                f"{uses.sources[0]} that needs it, or set its status to deprecated",
            )


def check_unjustified(ctx: CheckContext) -> Iterator[Finding]:
    """Counting decisions (sources of tracing links) must address something."""
    graph, schema = ctx.graph, ctx.settings.schema
    tracing = [link for link in schema.links.values() if link.traces]
    by_source: dict[str, list[LinkDef]] = {}
    for link in tracing:
        for source_type in link.sources:
            by_source.setdefault(source_type, []).append(link)
    for item in graph.by_id.values():
        links = by_source.get(item.type)
        # a need's own links are sphinx-needs', not read here: only ours are judged
        if not links or not item.declared_here or item.status not in ctx.settings.tracing_statuses:
            continue
        justified = False
        for link in links:
            for target_id in item.links.get(link.name, ()):
                target = graph.get(target_id)
                if target is not None and target.type in link.targets:
                    justified = True
                    break
        if not justified:
            what = " or ".join(
                f"':{link.name}:' naming the {'/'.join(link.targets)} it answers" for link in links
            )
            message = (
                f"{item.type} {item.id} ({item.status}) {links[0].name} no "
                f"{'/'.join(links[0].targets)}; add {what}, or set its status to rejected"
            )
            yield finding("unjustified", item, message)


def check_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """Traced share per traceable type against ``designdoc_min_coverage``."""
    minimum = ctx.settings.min_coverage
    if minimum <= 0:
        return
    graph, schema = ctx.graph, ctx.settings.schema
    local = [i for i in graph.by_id.values() if not i.external]
    headers = [i for i in local if schema.types.get(i.type) and schema.types[i.type].page_header]
    for type_name, cov in graph.coverage().items():
        if cov.total == 0 or cov.ratio >= minimum:
            continue
        # a type with a total has objects of its own: the first design document or the
        # first object is where a reader looks
        anchor = min(
            headers or [i for i in local if i.type == type_name], key=lambda i: (i.source, i.line)
        )
        message = (
            f"{type_name} coverage is {format_percent(cov.percent)} ({cov.traced} of {cov.total} traced), "
            f"below designdoc_min_coverage {minimum:g}%; trace the untraced {type_name}s "
            "(see the designdoc.untraced warnings) or lower designdoc_min_coverage"
        )
        yield Finding("coverage", message, anchor.source, anchor.line, anchor.docname)


#: how to install Graphviz, for the warning of a graph that cannot be drawn
