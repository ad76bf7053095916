"""What a reader asks of the graph about one object: what is around it, and why it is
untraced.  No Sphinx here.

``designdoc trace``, the reports' matrices and their untraced lists ask these of the one
:class:`~.graph.Graph`, the graph the build checked or one decoded from its report, so a
reader cannot follow links or judge tracing by a rule of its own: a project type that
counts while active (:meth:`.Graph.counts_while_active`) is judged as the checks judge
it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Graph
from .marks import InactiveMark, mark_of


@dataclass(frozen=True, slots=True)
class Neighbour:
    """One object near another: ``direction`` is ``down`` along the object's own links,
    ``up`` along its backlinks; ``via`` names the object a second hop went through."""

    relation: str
    direction: str
    id: str
    via: str | None = None


def neighbourhood(graph: Graph, item_id: str) -> list[Neighbour]:
    """The object's links and backlinks, and one hop further through backlinks, in the
    order ``designdoc.json`` lists them (links by name, sources by ID).

    The second hop follows what a reader asks next: a requirement's decisions and,
    through them, their dependencies; a dependency's decisions and the requirements
    behind them.  It never repeats the link that was followed in (a decision's other
    requirements), nor links between objects of one type (supersession chains).  A link
    to an unknown ID is a neighbour of the object itself, but no path further.
    """
    item = graph.get(item_id)
    if item is None:
        return []
    link_of_incoming = graph.schema.links_by_incoming()
    rows = [
        Neighbour(name, "down", target)
        for name, targets in sorted(item.links.items())
        for target in dict.fromkeys(targets)
    ]
    for incoming_name, sources in sorted(graph.incoming_of(item_id).items()):
        arrived = link_of_incoming.get(incoming_name)
        for source_id in sources:
            rows.append(Neighbour(incoming_name, "up", source_id))
            source = graph.by_id[source_id]
            if source.type == item.type:
                continue
            for name, targets in sorted(source.links.items()):
                if arrived is not None and name == arrived.name:
                    continue
                for target in dict.fromkeys(targets):
                    reached = graph.get(target)
                    if target == item_id or reached is None or reached.type == source.type:
                        continue
                    rows.append(Neighbour(name, "down", target, via=source_id))
    return rows


def untraced_reason(graph: Graph, item_id: str) -> str:
    """Why an object is untraced, in words a reviewer can act on: the sources that do
    not count, each with its mark, and the statuses that would count, each source
    type's own (:meth:`.Graph.counting_statuses`)."""
    item = graph.by_id[item_id]
    incoming = graph.incoming_of(item_id)
    links = graph.tracing_links_into(item.type)
    by_link: dict[str, list[str]] = {}
    kinds: list[str] = []
    for link in links:
        for source_id in incoming.get(link.incoming, ()):
            source = graph.by_id[source_id]
            # a source that does not count: inactive (its mark), or of a status that
            # does not count (said the same way)
            mark = mark_of(source, graph.schema) or InactiveMark(source.status)
            by_link.setdefault(link.incoming, []).append(mark.after(source_id))
            if source.type and source.type not in kinds:
                kinds.append(source.type)
    if by_link:
        named = "; ".join(f"{name} {', '.join(ids)}" for name, ids in by_link.items())
        counts = "; ".join(
            f"a {kind} counts when it is {' or '.join(statuses)}"
            if (statuses := graph.counting_statuses(kind))
            else f"no status of a {kind} counts"
            for kind in sorted(kinds)
        )
        return f"{item_id} is untraced: {named} only" + (f", and {counts}" if counts else "")
    if not links:
        return f"{item_id} is untraced"
    return f"{item_id} is untraced: {graph.no_counting_source(links)}"
