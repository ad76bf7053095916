"""Lifecycle checks: supersession (by the built-in link ``supersedes`` and the statuses
``superseded`` and ``rejected``, which a project's own types use only if they declare
them), cycles of links between objects of one type, and the sections a design
document's template requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..graph import cycle_path, strongly_connected
from ..model import Finding
from ..safety import natural_key
from ..vocabulary import LinkDef, did_you_mean
from .context import CheckContext, finding


def check_supersession(ctx: CheckContext) -> Iterator[Finding]:
    """Superseded objects need a successor; successors need superseded targets;
    supersession must not loop."""
    graph, schema = ctx.graph, ctx.settings.schema
    link = schema.links.get("supersedes")
    if link is None:
        return
    members = [i for i in graph.by_id.values() if i.type in link.sources or i.type in link.targets]
    for item in members:
        if not item.declared_here:
            continue
        typedef = schema.types.get(item.type)
        if (
            item.status == "superseded"
            and item.type in link.targets
            and not graph.incoming_of(item.id).get(link.incoming)
        ):
            yield finding(
                "supersession",
                item,
                f"{item.id} has status superseded but nothing supersedes it; add "
                f"':{link.name}: {item.id}' to the {'/'.join(link.sources)} that replaces "
                "it, or change its status",
            )
        if item.type not in link.sources or item.status == "rejected" or typedef is None:
            continue
        for target_id in dict.fromkeys(item.links.get(link.name, ())):
            target = graph.get(target_id)
            if target is None or target.id == item.id:
                continue
            target_def = schema.types.get(target.type)
            if (
                target_def is not None
                and "superseded" in target_def.statuses
                and target.status != "superseded"
            ):
                yield finding(
                    "supersession",
                    item,
                    f"{item.id} supersedes {target.id}, whose status is {target.status!r}; "
                    f"set {target.id}'s status to superseded",
                )
    yield from _supersession_cycles(ctx, link)


def _supersession_cycles(ctx: CheckContext, link: LinkDef) -> Iterator[Finding]:
    return _cycles(
        ctx,
        link,
        _successors(ctx, [link.name])[link.name],
        "supersession",
        "supersession cycle: {path}; an object cannot (even indirectly) supersede itself, "
        "remove one of these ':{link}:' links",
    )


def check_cycles(ctx: CheckContext) -> Iterator[Finding]:
    """Links between objects of one type (``refines``, a project's own) must not loop:
    a requirement cannot refine itself, even through others.  ``supersedes`` cycles
    are reported by :func:`check_supersession`; a link that may loop (``relates-to``,
    which both ends often state) is not checked."""
    links = [
        link
        for link in ctx.settings.schema.links.values()
        if link.name != "supersedes" and not link.loops and set(link.sources) & set(link.targets)
    ]
    successors = _successors(ctx, [link.name for link in links])
    for link in links:
        yield from _cycles(
            ctx,
            link,
            successors[link.name],
            "cycle",
            "{link} cycle: {path}; ':{link}:' links must not lead back to the object they "
            "start from, remove one of them",
        )


def _successors(ctx: CheckContext, names: list[str]) -> dict[str, dict[str, list[str]]]:
    """Per link name, each declared object's targets of that link that exist: one walk
    over the objects for every link checked."""
    graph = ctx.graph
    wanted = set(names)
    successors: dict[str, dict[str, list[str]]] = {name: {} for name in names}
    for item in graph.by_id.values():
        if not item.links or not item.declared_here:
            continue
        for name in wanted.intersection(item.links):
            targets = [t for t in dict.fromkeys(item.links[name]) if t in graph]
            if targets:
                successors[name][item.id] = targets
    return successors


def _cycles(
    ctx: CheckContext,
    link: LinkDef,
    succ: dict[str, list[str]],
    subtype: str,
    template: str,
) -> Iterator[Finding]:
    """One finding per cycle of ``link`` (strongly connected component of ``succ``), at
    its first object in natural ID order."""
    graph = ctx.graph
    for component in strongly_connected(succ):
        if len(component) == 1 and component[0] not in succ.get(component[0], ()):
            continue
        start = min(component, key=natural_key)
        path = cycle_path(start, set(component), succ)
        message = template.format(path=" -> ".join(path), link=link.name)
        yield finding(subtype, graph.by_id[start], message)


def _norm_title(title: str) -> str:
    title = re.sub(r"^\s*(?:\d+[.)]\s*)+", "", title)
    return " ".join(title.casefold().split()).rstrip(":")


def check_sections(ctx: CheckContext) -> Iterator[Finding]:
    """A design document has the top-level sections of its template."""
    schema, templates = ctx.settings.schema, ctx.settings.templates
    folded = {name.casefold(): name for name in templates}
    for record in ctx.records.values():
        header = next(
            (
                i
                for i in sorted(record.items, key=lambda i: i.line)
                if schema.types.get(i.type) is not None and schema.types[i.type].page_header
            ),
            None,
        )
        if header is None:
            continue
        raw = header.fields.get("template") or "default"
        name = raw if isinstance(raw, str) else ", ".join(raw)
        key = name if name in templates else folded.get(name.casefold())
        if key is None:
            yield finding(
                "invalid",
                header,
                f"{header.id}: unknown :template: {name!r}{did_you_mean(name, templates)} "
                f"(known: {', '.join(sorted(templates))}); "
                "define it in designdoc_templates or use one of those",
            )
            continue
        present = {_norm_title(t) for t in record.sections}
        for titles in templates[key]:
            if not any(_norm_title(t) in present for t in titles):
                also = f" (or {', '.join(repr(t) for t in titles[1:])})" if titles[1:] else ""
                yield finding(
                    "section",
                    header,
                    f"design document {header.id} lacks the section {titles[0]!r}{also} "
                    f"required by template {key!r}; add a top-level section with that title",
                )
