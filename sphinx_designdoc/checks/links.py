"""Checks of identity and reference: duplicate IDs, links and roles that name unknown IDs
or objects of the wrong type, graph roots, and the problems the directives found
while reading.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Finding, Item, View
from .context import CheckContext, finding, suggest


def check_read_problems(ctx: CheckContext) -> Iterator[Finding]:
    """Problems found while reading directives (``invalid`` and friends)."""
    for record in ctx.records.values():
        yield from record.findings


def check_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    for item_id, items in ctx.graph.duplicates.items():
        first = items[0]
        for other in items[1:]:
            if (other.source, other.line) == (first.source, first.line):
                message = (
                    f"duplicate ID {item_id!r}: {first.source}:{first.line} is included by "
                    f"the pages {first.docname!r} and {other.docname!r}; the object belongs "
                    f"to {first.docname!r} (the first page), so include the file in one page "
                    "only and link to it with :dd:ref: from the other"
                )
            elif other.external:
                message = _external_duplicate(item_id, first)
            else:
                page = "" if _own_file(first) else f" (in page {first.docname!r})"
                message = (
                    f"duplicate ID {item_id!r}: also declared at {first.source}:{first.line}"
                    f"{page}, which keeps the ID; give one of them a new ID"
                )
            yield finding("duplicate", other, message)


def _external_duplicate(item_id: str, first: Item) -> str:
    """The message at an object of another project whose ID ``first`` has: the
    project's own objects keep their IDs, then the entry listed first keeps its."""
    if first.external:
        where = f"{first.source}:{first.line}" if first.line else first.source
        return (
            f"duplicate ID {item_id!r}: another designdoc_external entry has it too, at "
            f"{where}, and keeps it (its entry is listed first), so links to {item_id!r} "
            "go there; give one of the entries a 'prefix'"
        )
    page = "" if _own_file(first) else f" (in page {first.docname!r})"
    return (
        f"duplicate ID {item_id!r}: this project's object at {first.source}:{first.line}"
        f"{page} has it too and keeps it, so links to {item_id!r} go there, not to this "
        "object of designdoc_external; give the entry a 'prefix' (or one of them a new ID)"
    )


def _own_file(item: Item) -> bool:
    """Whether ``item`` is written in its page's own file, not in an included one."""
    return item.source.rsplit(".", 1)[0] == item.docname


def check_links(ctx: CheckContext) -> Iterator[Finding]:
    """``dangling`` and ``link_type``: every outgoing link must name a fitting object."""
    graph, schema = ctx.graph, ctx.settings.schema
    candidates: list[Item] = list(graph.by_id.values())
    for dups in graph.duplicates.values():
        candidates.extend(dups[1:])
    for item in candidates:
        if not item.declared_here:
            continue
        for link_name, target_id in graph.outgoing(item):
            link = schema.links.get(link_name)
            if link is None:
                continue
            target = graph.get(target_id)
            if target is None and target_id in graph.hidden:
                continue  # declared in an ``.. only::`` block this builder leaves out
            if target is None:
                message = f"{item.id}: :{link_name}: names unknown ID {target_id!r}"
                message += suggest(target_id, ctx)
                yield finding("dangling", item, message, ctx.option_line(item, link_name))
            elif target.type not in link.targets:
                message = (
                    f"{item.id}: :{link_name}: must point to a {' or '.join(link.targets)}, "
                    f"but {target_id} is a {target.type}"
                )
                yield finding("link_type", item, message, ctx.option_line(item, link_name))


def check_refs(ctx: CheckContext) -> Iterator[Finding]:
    for record in ctx.records.values():
        for ref in record.refs:
            if ref.target not in ctx.graph and ref.target not in ctx.graph.hidden:
                yield Finding(
                    "dangling",
                    f":dd:ref: to unknown ID {ref.target!r}" + suggest(ref.target, ctx),
                    ref.source,
                    ref.line,
                    ref.docname,
                    None,
                )


GRAPHVIZ_INSTALL = (
    "install Graphviz (Debian/Ubuntu: 'sudo apt-get install graphviz'; macOS: 'brew "
    "install graphviz'; Windows: 'winget install graphviz') or point graphviz_dot in "
    "conf.py at its dot program"
)


def check_views(ctx: CheckContext) -> Iterator[Finding]:
    """The objects a view names (a ``dd-graph``'s root) must exist, which is known only
    once everything is read, and views drawn with Graphviz need it: one finding, at the
    first, when it cannot be run."""
    drawn: list[tuple[str, View]] = []
    for docname, record in sorted(ctx.records.items()):
        for view in record.views:
            if view.drawn:
                drawn.append((docname, view))
            if view.plan is None:
                continue
            for option, target in view.plan.named_ids():
                if target not in ctx.graph and target not in ctx.graph.hidden:
                    yield Finding(
                        "dangling",
                        f"dd-{view.kind}: :{option}: names unknown ID {target!r}"
                        + suggest(target, ctx),
                        view.source,
                        view.line,
                        docname,
                    )
    if drawn and not ctx.graphviz:
        docname, view = drawn[0]
        others = f" (and {len(drawn) - 1} more)" if len(drawn) > 1 else ""
        yield Finding(
            "graph",
            f"dd-{view.kind}{others} is shown as a table: Graphviz's dot "
            "program cannot be run; " + GRAPHVIZ_INSTALL,
            view.source,
            view.line,
            docname,
        )
