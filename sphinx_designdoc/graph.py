"""The traceability graph: backlinks, tracing and coverage, computed once per build.

Pure Python over :class:`~.model.Item` records, so the Sphinx extension, the report
writers and the command line all share one implementation.
"""

# implements: DEC-IMPACT-WALK (docs/design.rst)

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from .config import DEFAULTS
from .evidence.model import CodeTag
from .evidence.verify import Verification
from .lock import Suspect
from .model import Item
from .safety import natural_key
from .vocabulary import LinkDef, Schema

#: what every output says of a type that has no object to trace, instead of a share
NOTHING_TO_TRACE = "nothing to trace"


@dataclass(frozen=True, slots=True)
class Coverage:
    """Traced objects of all that must be, for one type."""

    traced: int
    total: int

    @property
    def ratio(self) -> float:
        """The exact share in percent, for comparisons (``designdoc_min_coverage``)."""
        return 100.0 if self.total == 0 else 100.0 * self.traced / self.total

    @property
    def text(self) -> str:
        """The coverage line of every output: ``2 of 3 traced (66.7%)``, or
        :data:`NOTHING_TO_TRACE` when no object must be traced (a share of nothing is
        no 100%)."""
        if self.total == 0:
            return NOTHING_TO_TRACE
        return f"{self.traced} of {self.total} traced ({format_percent(self.percent)})"

    @property
    def fraction(self) -> str:
        """``13/14 (92.9%)``: the exact fraction, and the share by the one rule of
        :attr:`percent` (``designdoc diff`` writes a coverage so)."""
        return f"{self.traced}/{self.total} ({format_percent(self.percent)})"

    @property
    def percent(self) -> float:
        """The share as reports show it: one decimal, and never 100 while one object
        is untraced, nor 0 once one is traced."""
        value = round(self.ratio, 1)
        if self.traced < self.total and value >= 100:
            return 99.9
        if self.traced > 0 and value <= 0:
            return 0.1
        return value


def format_percent(value: float) -> str:
    """A coverage percentage as every output writes it: ``66.7%``, ``100%``.  Write a
    coverage's share through :attr:`Coverage.percent`, never a figure of its own: every
    output then rounds it one way."""
    return f"{value:g}%"


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a walk along links: how ``item`` was reached from the previous one."""

    item: Item
    link: str  # link option name (downstream) or incoming name (upstream)
    path: tuple[str, ...]  # IDs from the start to ``item`` inclusive


@dataclass(frozen=True, slots=True)
class Hop:
    """One link an impact walk followed, in the words a reader uses: ``relation`` is the
    link's name when the walk went from a source to its target (``uses``), its incoming
    name when it went from a target to its source (``addressed by``)."""

    link: str
    forward: bool
    relation: str
    #: the object the hop reached
    to: str


@dataclass(frozen=True, slots=True)
class Affected:
    """An object that a change to the start of an impact walk may affect, and how."""

    item: Item
    #: IDs from the start to ``item`` inclusive
    path: tuple[str, ...]
    #: the links followed, one per hop
    hops: tuple[Hop, ...]

    @property
    def depth(self) -> int:
        return len(self.hops)

    def explain(self) -> str:
        """How the change reaches the object, in words: ``FR-1 is addressed by DEC-1,
        which uses DEP-STRIPE``."""
        parts = []
        for index, hop in enumerate(self.hops):
            subject = self.path[0] if index == 0 else "which"
            verb = hop.relation if hop.forward else f"is {hop.relation}"
            parts.append(f"{subject} {verb} {hop.to}")
        return ", ".join(parts)


def _declaration_order(item: Item) -> tuple[bool, str, int, str, str]:
    if item.external:  # a stable sort keeps the order of the entries
        return (True, "", 0, "", "")
    return (False, item.docname, item.line, item.source, item.id)


class Graph:
    """All objects of a project, indexed, with derived links computed eagerly.

    Duplicates keep the first declaration (in document order, then by line) as the
    object of that ID everywhere; the others stay listed in :attr:`duplicates` so checks
    can name them.  Ordering by document, not by file, keeps the choice the same
    whatever order documents are read in, also for a file included by two pages.  The
    project's own objects come before other projects' (``designdoc_external``), and
    those keep the order they are given in: the entry listed first keeps an ID two
    entries share (their page names are another project's, no order of ours).
    """

    def __init__(
        self,
        items: Iterable[Item],
        schema: Schema,
        tracing_statuses: Iterable[str] = DEFAULTS["designdoc_tracing_statuses"],
        hidden: Iterable[str] = (),
    ) -> None:
        self.schema = schema
        self._natural: list[Item] | None = None
        self.tracing_statuses = frozenset(tracing_statuses)
        #: IDs that exist in the sources but not for this builder (``.. only::``)
        self.hidden = frozenset(hidden)
        #: per object ID, its links whose target changed since they were reviewed
        #: (``designdoc.lock``): set by whoever knows the lock, the project in a build
        self.suspects: Mapping[str, Sequence[Suspect]] = {}
        #: per object ID, what the test results say of it (``designdoc_test_results``),
        #: and per object ID the code tags naming it (``designdoc_code``): set, like the
        #: suspects, by whoever read them, the project in a build
        self.verification: Mapping[str, Verification] = {}
        self.code: Mapping[str, Sequence[CodeTag]] = {}
        #: whether test results were configured: views then show a Verified column
        self.tests_configured = False
        ordered = sorted(items, key=_declaration_order)
        self.by_id: dict[str, Item] = {}
        self.duplicates: dict[str, list[Item]] = {}
        for item in ordered:
            first = self.by_id.setdefault(item.id, item)
            if first is not item:
                self.duplicates.setdefault(item.id, [first]).append(item)
        #: target ID -> incoming name -> sorted source IDs
        self.incoming: dict[str, dict[str, list[str]]] = {}
        for item in self.by_id.values():
            for link_name, targets in item.links.items():
                link = schema.links.get(link_name)
                if link is None:
                    continue
                for target in dict.fromkeys(targets):
                    if target in self.by_id:
                        self.incoming.setdefault(target, {}).setdefault(link.incoming, []).append(
                            item.id
                        )
        for per_link in self.incoming.values():
            for sources in per_link.values():
                sources.sort()
        self._tracing_links = [link for link in schema.links.values() if link.traces]
        self._links_into: dict[str, list[LinkDef]] = {}
        self._links_from: dict[str, list[LinkDef]] = {}
        self._links_by_incoming = schema.links_by_incoming()
        self.traced: dict[str, bool] = {}
        for item in self.by_id.values():
            if self.must_be_traced(item):
                self.traced[item.id] = self._is_traced(item)

    # -- queries ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.by_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.by_id

    def get(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)

    def items(self, type_name: str | None = None) -> list[Item]:
        """Objects in natural ID order (``REQ-2`` before ``REQ-10``), optionally of one
        type: the order of every report.  Sorted once per graph (a build asks several
        times, and 20,000 sort keys cost a tenth of a second); each call gets its own list."""
        if self._natural is None:
            self._natural = sorted(self.by_id.values(), key=lambda i: natural_key(i.id))
        if type_name is None:
            return list(self._natural)
        return [i for i in self._natural if i.type == type_name]

    # -- the tracing rule: every check, view and report asks these -------------

    def is_active(self, item: Item) -> bool:
        typedef = self.schema.types.get(item.type)
        return typedef is None or item.status not in typedef.inactive_statuses

    def counts_while_active(self, type_name: str) -> bool:
        """Whether the type has its own vocabulary: none of its statuses is a tracing
        status (a ``spec`` with ``draft, active, inactive``), so its objects count
        whenever they are active; otherwise ``designdoc_tracing_statuses`` decides."""
        typedef = self.schema.types.get(type_name)
        return typedef is not None and not self.tracing_statuses.intersection(typedef.statuses)

    def counts_for_tracing(self, item: Item) -> bool:
        """Whether ``item``'s outgoing links make their targets traced (and a source of
        a tracing link must then justify itself: :meth:`must_justify`)."""
        if item.status in self.tracing_statuses:
            return True
        return self.counts_while_active(item.type) and self.is_active(item)

    def counting_statuses(self, type_name: str) -> tuple[str, ...]:
        """The statuses of a type whose objects count (:meth:`counts_for_tracing`),
        sorted: what messages name, in the type's own words (``accepted or proposed``
        for a decision, ``active or draft`` for a ``spec`` that counts while active)."""
        typedef = self.schema.types.get(type_name)
        if typedef is None:
            return tuple(sorted(self.tracing_statuses))
        if self.counts_while_active(type_name):
            return tuple(sorted(s for s in typedef.statuses if s not in typedef.inactive_statuses))
        return tuple(sorted(s for s in typedef.statuses if s in self.tracing_statuses))

    def tracing_links_into(self, type_name: str) -> list[LinkDef]:
        links = self._links_into.get(type_name)
        if links is None:  # asked once per object: found once per type
            links = [link for link in self._tracing_links if type_name in link.targets]
            self._links_into[type_name] = links
        return links

    def tracing_links_from(self, type_name: str) -> list[LinkDef]:
        links = self._links_from.get(type_name)
        if links is None:
            links = [link for link in self._tracing_links if type_name in link.sources]
            self._links_from[type_name] = links
        return links

    def must_be_traced(self, item: Item) -> bool:
        """An active object of this project of a type that tracing links point to."""
        return (
            not item.external and self.is_active(item) and bool(self.tracing_links_into(item.type))
        )

    def must_justify(self, item: Item) -> bool:
        """A counting object declared here of a type that tracing links start from: it
        must trace something (``unjustified`` otherwise), as it would trace its
        targets.  A need's or another project's links are theirs, not judged here."""
        return (
            item.declared_here
            and bool(self.tracing_links_from(item.type))
            and self.counts_for_tracing(item)
        )

    def justifies(self, item: Item) -> bool:
        """Whether one of ``item``'s tracing links names an object of a type it traces."""
        for link in self.tracing_links_from(item.type):
            for target_id in item.links.get(link.name, ()):
                target = self.by_id.get(target_id)
                if target is not None and target.type in link.targets:
                    return True
        return False

    def no_counting_source(self, links: Iterable[LinkDef]) -> str:
        """``no accepted or proposed decision addresses it``: which objects would make
        a target traced (or used), each source type in its own counting statuses."""
        phrases = []
        for link in links:
            by_statuses: dict[tuple[str, ...], list[str]] = {}
            for source in link.sources:
                by_statuses.setdefault(self.counting_statuses(source), []).append(source)
            for statuses, sources in by_statuses.items():
                kinds = "/".join(sources)
                if statuses:
                    phrases.append(f"no {' or '.join(statuses)} {kinds} {link.name} it")
                else:
                    phrases.append(f"no {kinds} {link.name} it (none of their statuses counts)")
        return ", and ".join(phrases)

    def _is_traced(self, item: Item) -> bool:
        per_link = self.incoming.get(item.id, {})
        for link in self.tracing_links_into(item.type):
            for source_id in per_link.get(link.incoming, ()):
                source = self.by_id[source_id]
                if source.type in link.sources and self.counts_for_tracing(source):
                    return True
        return False

    def is_traced(self, item_id: str) -> bool | None:
        """True/False for objects that must be traced; None for the others."""
        return self.traced.get(item_id)

    def coverage(self) -> dict[str, Coverage]:
        """Per type that has objects to trace: traced objects of all that must be.  A
        type with none (no object, or only inactive ones and other projects') has no
        entry: its share is not 100% of nothing, and ``designdoc_min_coverage`` does
        not judge it."""
        totals: dict[str, list[int]] = {}
        for item_id, traced in self.traced.items():
            counts = totals.setdefault(self.by_id[item_id].type, [0, 0])
            counts[1] += 1
            counts[0] += traced
        return {t: Coverage(c[0], c[1]) for t, c in sorted(totals.items())}

    def outgoing(self, item: Item) -> Iterator[tuple[str, str]]:
        """(link name, target ID) pairs, targets de-duplicated, in the order written."""
        for link_name, targets in item.links.items():
            for target in dict.fromkeys(targets):
                yield link_name, target

    def incoming_of(self, item_id: str) -> dict[str, list[str]]:
        return self.incoming.get(item_id, {})

    # -- walks -----------------------------------------------------------------

    def walk(self, start: str, direction: str = "down", max_depth: int | None = None) -> list[Step]:
        """Breadth-first walk along outgoing (``down``) or incoming (``up``) links.

        Cycle-safe: every object is reported once, with the shortest path that reaches it.
        """
        if start not in self.by_id:
            return []
        seen = {start}
        queue: deque[tuple[str, tuple[str, ...]]] = deque([(start, (start,))])
        steps: list[Step] = []
        while queue:
            current, path = queue.popleft()
            if max_depth is not None and len(path) > max_depth:
                continue
            for link, target in self._neighbours(current, direction):
                if target in seen or target not in self.by_id:
                    continue
                seen.add(target)
                new_path = (*path, target)
                steps.append(Step(self.by_id[target], link, new_path))
                queue.append((target, new_path))
        return steps

    def impact(self, start: str, max_depth: int | None = None) -> list[Affected]:
        """What a change to ``start`` may affect, along the trace chain both ways.

        A link carries a change to the end its ``affects`` names (both ends, except a
        superseded decision's change, which reaches its successor and not the other way
        round).  The walk moves along the chain and never back: once it has left a type
        it does not return to it, and it does not turn back along the link it came by.
        So from a requirement it reaches the decisions that address it and, through them,
        their dependencies and successors, and the requirements it refines or that refine
        it (and theirs), but not the other requirements its decisions address; from a
        dependency, the decisions that use it, the requirements they address and those
        requirements' refinements, but not the other dependencies of those decisions.

        Breadth first and cycle-safe: each object once, with the shortest path to it;
        ``max_depth`` hops at most.
        """
        if start not in self.by_id:
            return []
        found: dict[str, Affected] = {}
        # a state: an object, how it was reached, and the types the walk has left
        State = tuple[str, Hop | None, frozenset[str]]
        seen: set[tuple[str, str, bool, frozenset[str]]] = set()
        queue: deque[tuple[State, tuple[str, ...], tuple[Hop, ...]]] = deque(
            [((start, None, frozenset()), (start,), ())]
        )
        while queue:
            (current, arrived, left), path, hops = queue.popleft()
            if max_depth is not None and len(hops) >= max_depth:
                continue
            here = self.by_id[current].type
            for hop in self._impact_hops(current, arrived):
                there = self.by_id[hop.to].type
                if hop.to == start or there in left:
                    continue  # never back to the start, nor to a type left behind
                now_left = left if there == here else left | {here}
                state = (hop.to, hop.link, hop.forward, now_left)
                if state in seen:
                    continue
                seen.add(state)
                new_path, new_hops = (*path, hop.to), (*hops, hop)
                if hop.to not in found:
                    found[hop.to] = Affected(self.by_id[hop.to], new_path, new_hops)
                queue.append(((hop.to, hop, now_left), new_path, new_hops))
        return list(found.values())

    def _impact_hops(self, item_id: str, arrived: Hop | None) -> Iterator[Hop]:
        item = self.by_id[item_id]
        for link_name, target in self.outgoing(item):
            link = self.schema.links.get(link_name)
            if link is None or "target" not in link.affects or target not in self.by_id:
                continue
            if arrived is not None and arrived.link == link_name and not arrived.forward:
                continue  # back along the link it came by
            yield Hop(link_name, True, link_name, target)
        for incoming_name, sources in sorted(self.incoming_of(item_id).items()):
            link = self._links_by_incoming.get(incoming_name)
            if link is None or "source" not in link.affects:
                continue
            if arrived is not None and arrived.link == link.name and arrived.forward:
                continue
            for source in sources:
                yield Hop(link.name, False, incoming_name, source)

    def _neighbours(self, item_id: str, direction: str) -> Iterator[tuple[str, str]]:
        if direction == "down":
            yield from self.outgoing(self.by_id[item_id])
        else:
            for incoming_name, sources in sorted(self.incoming_of(item_id).items()):
                for source in sources:
                    yield incoming_name, source


# -- graph algorithms ----------------------------------------------------------------


def strongly_connected(succ: Mapping[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of ``succ`` (Tarjan's algorithm, without
    recursion: chains of links can be long), each sorted naturally."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(succ):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            recursed = False
            for i in range(child_index, len(children)):
                child = children[i]
                if child not in index:
                    work.append((node, i + 1))
                    work.append((child, 0))
                    recursed = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if recursed:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component, key=natural_key))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def cycle_path(start: str, members: set[str], succ: Mapping[str, list[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside one component."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in succ.get(node, ()):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if child not in parents:
                parents[child] = node
                queue.append(child)
    return [start, start]  # pragma: no cover - a component always has a cycle
