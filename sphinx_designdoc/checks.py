"""Design checks: each a small function from the project state to findings.

Checks never log; :func:`run_checks` collects and sorts their findings and the extension
logs them in one place, so the JSON report, the CLI and the Sphinx warnings agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from .config import Settings
from .graph import Graph
from .model import DocRecord, Finding, Item

#: Every subtype a finding can have, in the order the documentation lists them.
SUBTYPES = (
    "duplicate",
    "dangling",
    "link_type",
    "untraced",
    "unused",
    "unjustified",
    "supersession",
    "invalid",
    "section",
    "coverage",
    "pyproject",
    "config",
    "external",
)


@dataclass(frozen=True)
class CheckContext:
    graph: Graph
    settings: Settings
    records: Mapping[str, DocRecord]
    #: absolute path of the Sphinx source folder (for files such as pyproject.toml)
    srcdir: str = ""


Check = Callable[[CheckContext], Iterable[Finding]]


def finding(subtype: str, item: Item, message: str) -> Finding:
    return Finding(subtype, message, item.source, item.line, item.docname, item.id)


def check_read_problems(ctx: CheckContext) -> Iterator[Finding]:
    """Problems found while reading directives (``invalid`` and friends)."""
    for record in ctx.records.values():
        yield from record.findings


def check_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    for item_id, items in ctx.graph.duplicates.items():
        first = items[0]
        for other in items[1:]:
            yield finding(
                "duplicate",
                other,
                f"duplicate ID {item_id!r}: also declared at {first.source}:{first.line}; "
                "give one of them a new ID",
            )


def check_links(ctx: CheckContext) -> Iterator[Finding]:
    """``dangling`` and ``link_type``: every outgoing link must name a fitting object."""
    graph, schema = ctx.graph, ctx.settings.schema
    candidates: list[Item] = list(graph.by_id.values())
    for dups in graph.duplicates.values():
        candidates.extend(dups[1:])
    for item in candidates:
        if item.external:
            continue
        for link_name, target_id in graph.outgoing(item):
            link = schema.links.get(link_name)
            if link is None:
                continue
            target = graph.get(target_id)
            if target is None:
                yield finding(
                    "dangling",
                    item,
                    f"{item.id}: :{link_name}: names unknown ID {target_id!r}"
                    + _suggest(target_id, graph),
                )
            elif target.type not in link.targets:
                yield finding(
                    "link_type",
                    item,
                    f"{item.id}: :{link_name}: must point to a {' or '.join(link.targets)}, "
                    f"but {target_id} is a {target.type}",
                )


def check_refs(ctx: CheckContext) -> Iterator[Finding]:
    for record in ctx.records.values():
        for ref in record.refs:
            if ref.target not in ctx.graph:
                yield Finding(
                    "dangling",
                    f":dd:ref: to unknown ID {ref.target!r}" + _suggest(ref.target, ctx.graph),
                    ref.source,
                    ref.line,
                    ref.docname,
                    None,
                )


def _suggest(unknown: str, graph: Graph) -> str:
    import difflib

    close = difflib.get_close_matches(unknown, graph.by_id.keys(), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class RegisteredCheck:
    """A check and the subtypes it can report, so reports can say what was checked."""

    subtypes: tuple[str, ...]
    run: Check


#: The checks run on every build, in order.  Later features append to this list.
CHECKS: list[RegisteredCheck] = [
    RegisteredCheck(("invalid",), check_read_problems),
    RegisteredCheck(("duplicate",), check_duplicates),
    RegisteredCheck(("dangling", "link_type"), check_links),
    RegisteredCheck(("dangling",), check_refs),
]


def checked_subtypes() -> list[str]:
    """Subtypes that the registered checks report, in documentation order."""
    names = {s for c in CHECKS for s in c.subtypes}
    return [s for s in SUBTYPES if s in names]


def run_checks(ctx: CheckContext) -> list[Finding]:
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check.run(ctx))
    return sorted(set(found), key=Finding.sort_key)
