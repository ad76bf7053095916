"""Tracing checks: every requirement addressed, every dependency used, every decision
justified, and coverage above the minimum.

They read the vocabulary: a link with ``traces: True`` traces its targets, so a project's
own types and links are checked the same way.  ``unused`` is about the ``uses`` link
and its targets (dependencies), as the specification defines it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph import format_percent
from ..model import Finding, Item
from ..vocabulary import Schema, is_decided
from .context import CheckContext, finding


def _drop(type_name: str, ctx: CheckContext, every: bool = True) -> str:
    """``, or set its status to rejected/deprecated``: the type's own inactive statuses
    (the first one only unless ``every``), or nothing for a type that has none."""
    typedef = ctx.settings.schema.types.get(type_name)
    inactive = typedef.inactive_statuses if typedef else ()
    if not inactive:
        return ""
    return f", or set its status to {'/'.join(inactive if every else inactive[:1])}"


def check_untraced(ctx: CheckContext) -> Iterator[Finding]:
    """Every object that must be traced (:meth:`.Graph.must_be_traced`) is traced."""
    graph = ctx.graph
    for item_id, traced in graph.traced.items():
        if traced:
            continue
        item = graph.by_id[item_id]
        links = graph.tracing_links_into(item.type)
        fix = f"add ':{links[0].name}: {item.id}' to a {links[0].sources[0]}"
        drop = _drop(item.type, ctx)
        yield finding(
            "untraced",
            item,
            f"{item.type} {item.id} is untraced: {graph.no_counting_source(links)}; {fix}"
            + (f"{drop} if it is dropped" if drop else ""),
        )


def scope_of(item: Item, schema: Schema) -> str:
    """What a dependency's ``:scope:`` means (``development`` is ``dev``): a value the
    type does not know (reported as invalid) is read as the default, ``runtime``, as
    is every object of a type without a choice of scopes."""
    typedef = schema.types.get(item.type)
    fdef = typedef.field("scope") if typedef is not None else None
    if fdef is None or fdef.kind != "choice":
        return "runtime"
    value = item.fields.get("scope")
    meaning = fdef.meaning(value) if isinstance(value, str) else ""
    return meaning if meaning in fdef.choices else fdef.default or "runtime"


def _undecided(ctx: CheckContext, type_name: str) -> str:
    """``; or set its :scope: to dev/test/...`` when the type has scopes that need no
    decision: a dependency used only to develop the system may say so."""
    typedef = ctx.settings.schema.types.get(type_name)
    fdef = typedef.field("scope") if typedef is not None else None
    if fdef is None or fdef.kind != "choice":
        return ""
    free = [c for c in fdef.choices if not is_decided(c, ctx.settings.decided_scopes)]
    if not free:
        return ""
    return f"; or, if it is not needed at run time, set its :scope: to {'/'.join(free)}"


def check_unused(ctx: CheckContext) -> Iterator[Finding]:
    """Dependencies (targets of ``uses``) of a scope that ``designdoc_decided_scopes``
    names that no counting object uses: a test runner needs no deciding decision."""
    graph, schema = ctx.graph, ctx.settings.schema
    decided = ctx.settings.decided_scopes
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
        if not is_decided(scope_of(item, schema), decided):
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
                f"{item.type} {item.id} is unused: {graph.no_counting_source([uses])}; add "
                f"':uses: {item.id}' to the {uses.sources[0]} that needs it{_drop(item.type, ctx)}"
                f"{_undecided(ctx, item.type)}",
            )


def check_unjustified(ctx: CheckContext) -> Iterator[Finding]:
    """Objects that must justify themselves (:meth:`.Graph.must_justify`) trace
    something."""
    graph = ctx.graph
    for item in graph.by_id.values():
        if not graph.must_justify(item) or graph.justifies(item):
            continue
        links = graph.tracing_links_from(item.type)
        what = " or ".join(
            f"':{link.name}:' naming the {'/'.join(link.targets)} it answers" for link in links
        )
        message = (
            f"{item.type} {item.id} ({item.status}) {links[0].name} no "
            f"{'/'.join(links[0].targets)}; add {what}{_drop(item.type, ctx, every=False)}"
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
    # a type with nothing to trace has no coverage: neither passed nor failed
    for type_name, cov in graph.coverage().items():
        if cov.ratio >= minimum:
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
