"""Read-only views over a ``designdoc.json`` report, shared by the writers and the CLI.

The writers show the report's rows as the build wrote them (URLs, fields, the traced
flag), so ``designdoc export`` renders any saved report without Sphinx.  Whatever
follows links (neighbours, impact, why an object is untraced) is asked of the one
:class:`~..graph.Graph`, decoded from the rows (:func:`..codec.graph_of`), so no reader
walks the rows by a rule of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..codec import decode_vocabulary, graph_of
from ..evidence.verify import STATES
from ..graph import Affected, Coverage, Graph, format_percent
from ..marks import InactiveMark, inactive_mark, marked_text
from ..neighbourhood import neighbourhood, untraced_reason
from ..safety import natural_key, safe_url, url_scheme
from ..vocabulary import LinkDef, Schema, TypeDef, status_tone

Obj = Mapping[str, Any]


@dataclass(frozen=True)
class Relation:
    """One row of an object's neighbourhood.

    ``direction`` is ``down`` for the object's own links, ``up`` for backlinks; rows with
    ``via`` are one hop further, reached through the object named there.
    """

    relation: str
    direction: str
    id: str
    obj: Obj | None
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        o = self.obj or {}
        return {
            "relation": self.relation,
            "direction": self.direction,
            "id": self.id,
            "type": o.get("type"),
            "title": o.get("title"),
            "status": o.get("status"),
            "url": o.get("url"),
            "known": self.obj is not None,
            "via": self.via,
        }


def text(value: Any, sep: str = ", ") -> str:
    """A field value as one line of text: lists joined, ``None`` empty, booleans yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return sep.join(text(v) for v in value)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def location(obj: Obj, prefix: str = "") -> str:
    source = obj.get("source") or ""
    if not source:
        return ""
    line = obj.get("line")
    return f"{prefix}{source}:{line}" if line else f"{prefix}{source}"


def coverage_of(figures: Mapping[str, Any]) -> Coverage:
    """A coverage entry of a report as a :class:`.Coverage`: every output writes its
    share from the counts, by the one rule, whatever share the entry holds."""
    return Coverage(int(figures.get("traced", 0)), int(figures.get("total", 0)))


def share(figures: Mapping[str, Any]) -> str:
    """``92.9%``: a coverage entry's share as every output writes it."""
    return format_percent(coverage_of(figures).percent)


def coverage_figures(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The report's coverage: types with objects to trace, and their figures.  A report
    of an earlier version may hold a type with a total of 0: it has nothing to trace, and
    no figure (not 100%: nothing to compare, nor to drop from)."""
    coverage = report.get("coverage") or {}
    return {t: c for t, c in coverage.items() if (c or {}).get("total")}


class ReportView:
    """Indexes of one report, built once: objects by ID and the link vocabulary."""

    def __init__(self, report: Mapping[str, Any], url_base: str = "") -> None:
        self.report = report
        #: put in front of the objects' relative URLs (relative to the build's output
        #: folder): the output folder as seen from where a report is written, or an
        #: absolute base (``--base-url``, ``designdoc_report_base_url``)
        self.url_base = url_base
        self.objects: Sequence[Obj] = report.get("objects") or []
        self.by_id: dict[str, Obj] = {o["id"]: o for o in self.objects}
        #: the report's vocabulary, read by the codec's one reader, as the graph reads it
        self.schema: Schema = decode_vocabulary(report.get("vocabulary") or {})
        self.types: Mapping[str, TypeDef] = self.schema.types
        self.links: Mapping[str, LinkDef] = self.schema.links
        self.link_of_incoming: dict[str, str] = {
            spec.incoming: name for name, spec in self.links.items()
        }
        self.tracing_statuses: list[str] = list(report.get("tracing_statuses") or [])

    def url(self, obj: Obj | None) -> str | None:
        """The link to an object from the report being written, or None: no URL, or one
        the URL policy does not allow."""
        url = safe_url((obj or {}).get("url"))
        if url is None or not self.url_base or url_scheme(url) or url.startswith(("/", "#")):
            return url
        return self.url_base.rstrip("/") + "/" + url

    # -- vocabulary ------------------------------------------------------------

    @property
    def project(self) -> str:
        return str(self.report.get("project") or "")

    @property
    def generator(self) -> str:
        gen = self.report.get("generator") or {}
        return f"{gen.get('name', 'sphinx-designdoc')} {gen.get('version', '')}".strip()

    def label(self, type_name: str) -> str:
        spec = self.types.get(type_name)
        return spec.label if spec is not None else type_name

    def tone(self, type_name: Any, status: Any) -> str:
        """:func:`..vocabulary.status_tone` of an object's status, from the report's
        vocabulary."""
        spec = self.types.get(str(type_name))
        if spec is None:
            return ""
        return status_tone(spec.statuses, spec.inactive_statuses, str(status))

    def mark(self, obj: Obj | None) -> InactiveMark | None:
        """The mark of a link to ``obj`` (:mod:`..marks`): the same rule as the build's
        pages, from the report's vocabulary."""
        if obj is None:
            return None
        spec = self.types.get(str(obj.get("type")))
        return inactive_mark(obj.get("status"), spec.inactive_statuses if spec else ())

    def linked_text(self, obj: Obj | None, item_id: str) -> str:
        """A link written as text: the ID, followed by its mark (``PG-DEC-7
        (rejected)``)."""
        return marked_text(item_id, self.mark(obj))

    def separators(self, type_name: str) -> dict[str, str]:
        """Field name -> the separator of its values, for a type of the vocabulary."""
        spec = self.types.get(type_name)
        return {f.name: f.separator for f in spec.fields} if spec else {}

    def tracing_links_into(self, type_name: str) -> list[LinkDef]:
        return [spec for spec in self.links.values() if spec.traces and type_name in spec.targets]

    def traced_types(self) -> list[str]:
        """Types that links trace and that the project has objects of, with every type
        that has a coverage figure, by name: a traced type the project does not use
        (the built-in requirement in a project of its own types) is left out."""
        present = {o.get("type") for o in self.objects}
        linked = {
            str(t)
            for spec in self.links.values()
            if spec.traces
            for t in spec.targets
            if t in present
        }
        return sorted(linked | set(self.coverage_figures()))

    def coverage_figures(self) -> dict[str, Mapping[str, Any]]:
        return coverage_figures(self.report)

    def nothing_to_trace(self) -> list[str]:
        """Traced types with objects, none of which must be traced (all inactive or
        other projects'): reports say so rather than show a share of nothing."""
        figures = self.coverage_figures()
        return [t for t in self.traced_types() if t not in figures]

    def field_names(self) -> list[str]:
        names: set[str] = set()
        for o in self.objects:
            names.update((o.get("fields") or {}).keys())
        return sorted(names)

    def link_names(self) -> list[str]:
        used = {name for o in self.objects for name in (o.get("links") or {})}
        return [n for n in self.links if n in used] + sorted(used - set(self.links))

    def incoming_names(self) -> list[str]:
        used = {name for o in self.objects for name in (o.get("incoming") or {})}
        known = [spec.incoming for spec in self.links.values()]
        return [n for n in known if n in used] + sorted(used - set(known))

    # -- objects ---------------------------------------------------------------

    def of_type(self, type_name: str) -> list[Obj]:
        return [o for o in self.objects if o.get("type") == type_name]

    def must_be_traced(self) -> list[Obj]:
        return [o for o in self.objects if o.get("traced") is not None]

    def verification_counts(self) -> dict[str, dict[str, int]]:
        """Per type with verified objects, how many are in each state (:data:`STATES`
        order), for the reports' Verification section; empty without test results."""
        counts: dict[str, dict[str, int]] = {}
        for obj in self.objects:
            verification = obj.get("verification")
            if isinstance(verification, Mapping):
                per_type = counts.setdefault(str(obj.get("type")), dict.fromkeys(STATES, 0))
                state = str(verification.get("state"))
                per_type[state] = per_type.get(state, 0) + 1
        return counts

    def not_verified(self) -> list[tuple[Obj, str]]:
        """Objects whose verification is not ``passed``, worst first, each with why:
        the tests that failed or were skipped, or that no test verifies it."""
        rank = {state: index for index, state in enumerate(STATES)}
        out: list[tuple[int, Obj, str]] = []
        for obj in self.objects:
            verification = obj.get("verification")
            if not isinstance(verification, Mapping):
                continue
            state = str(verification.get("state"))
            if state == "passed":
                continue
            tests = [t for t in verification.get("tests") or () if isinstance(t, Mapping)]
            shown = [t for t in tests if t.get("outcome") == state] or tests
            why = "; ".join(
                f"{t.get('id')}: {t.get('message')}" if t.get("message") else str(t.get("id"))
                for t in shown
            )
            out.append((rank.get(state, len(rank)), obj, f"{state}: {why}" if why else state))
        return [(obj, why) for _, obj, why in sorted(out, key=lambda entry: entry[0])]

    def untraced(self) -> list[Obj]:
        return [o for o in self.objects if o.get("traced") is False]

    def coverage_line(self, type_name: str) -> str:
        """``2 of 3 traced (66.7%)``, or ``nothing to trace``: :attr:`.Coverage.text`."""
        return coverage_of(self.coverage_figures().get(type_name) or {}).text

    def finding_for(self, subtype: str, item_id: str) -> Obj | None:
        for f in self.report.get("findings") or ():
            if f.get("subtype") == subtype and f.get("id") == item_id:
                return f
        return None

    def untraced_reason(self, obj: Obj) -> str:
        """Why ``obj`` is untraced, as the graph says it (:func:`..neighbourhood.untraced_reason`):
        the whole graph once a walk has decoded it, else the untraced objects and their
        sources alone (JUnit explains every untraced object and walks nothing)."""
        graph = self.__dict__.get("graph") or self._untraced_graph
        if obj["id"] not in graph:
            graph = self.graph
        return untraced_reason(graph, obj["id"])

    @cached_property
    def _untraced_graph(self) -> Graph:
        """The untraced objects and the sources of their backlinks: all that a reason
        asks of the graph, without decoding every row."""
        rows: dict[str, Obj] = {}
        for obj in self.untraced():
            rows[obj["id"]] = obj
            for sources in (obj.get("incoming") or {}).values():
                rows.update((s, self.by_id[s]) for s in sources if s in self.by_id)
        return graph_of({**self.report, "objects": list(rows.values())})

    def neighbourhood(self, obj: Obj) -> list[Relation]:
        """The object's links and backlinks, and one hop further through backlinks, as the
        graph walks them (:func:`..neighbourhood.neighbourhood`), with the rows they name."""
        return [
            Relation(n.relation, n.direction, n.id, self.by_id.get(n.id), n.via)
            for n in neighbourhood(self.graph, obj["id"])
        ]

    @cached_property
    def graph(self) -> Graph:
        """The graph every walk and tracing question asks: the report's rows, decoded on
        first use (:func:`..codec.graph_of`)."""
        return graph_of(self.report)

    def affects(self, item_id: str, max_depth: int | None = None) -> list[Affected]:
        """What a change to an object may affect (:meth:`..graph.Graph.impact`): the
        same answer as ``designdoc impact`` and ``dd-graph :root:``."""
        return self.graph.impact(item_id, max_depth)

    def matrix(self, type_name: str) -> list[MatrixRow]:
        """One row per object of a traced type: what traces it, and what a change to it
        reaches through those (their dependencies and successors, as ``designdoc
        impact`` walks)."""
        tracing_names = {spec.incoming for spec in self.tracing_links_into(type_name)}
        rows = []
        for obj in self.of_type(type_name):
            if obj.get("external"):
                continue
            hood = self.neighbourhood(obj)
            tracers = [r for r in hood if r.direction == "up" and r.relation in tracing_names]
            tracer_ids = {r.id for r in tracers}
            through = [
                Relation(
                    a.hops[1].relation,
                    "down" if a.hops[1].forward else "up",
                    a.item.id,
                    self.by_id.get(a.item.id),
                    via=a.path[1],
                )
                for a in self.affects(obj["id"], 2)
                if a.depth == 2 and a.path[1] in tracer_ids
            ]
            rows.append(MatrixRow(obj, tracers, through))
        return rows

    def impact_groups(self, item_id: str) -> list[tuple[str, list[Relation]]]:
        """What a change to an object affects, grouped by type (in the vocabulary's
        order), nearest first: the rows of a report's impact table."""
        groups: dict[str, list[Relation]] = {t: [] for t in self.types}
        for a in sorted(self.affects(item_id), key=lambda a: (a.depth, natural_key(a.item.id))):
            hop = a.hops[-1]
            relation = Relation(
                hop.relation, "down" if hop.forward else "up", a.item.id, self.by_id.get(a.item.id)
            )
            groups.setdefault(a.item.type, []).append(relation)
        return [(self.label(t), rels) for t, rels in groups.items() if rels]

    def impact_tables(self) -> list[ImpactTable]:
        """The reports' "what a change affects" sections: one per dependency-like type
        (:meth:`leaf_types`) with objects of this project, each object with what a change
        to it affects (:meth:`impact_groups`).  HTML and Markdown differ in markup only."""
        tables = []
        for type_name in self.leaf_types():
            objects = [o for o in self.of_type(type_name) if not o.get("external")]
            if objects:
                rows = [(o, self.impact_groups(o["id"])) for o in objects]
                tables.append(ImpactTable(self.label(type_name), rows))
        return tables

    def leaf_types(self) -> list[str]:
        """Types that links point to but that link to nothing themselves (dependencies):
        what a change to one of them affects is a question reports answer."""
        sources = {t for spec in self.links.values() for t in spec.sources}
        targets = {t for spec in self.links.values() for t in spec.targets}
        return [t for t in self.types if t in targets and t not in sources]


@dataclass(frozen=True)
class ImpactTable:
    label: str
    #: each object, and the groups of :meth:`ReportView.impact_groups`
    rows: list[tuple[Obj, list[tuple[str, list[Relation]]]]]


@dataclass(frozen=True)
class MatrixRow:
    obj: Obj
    tracers: list[Relation]
    through: list[Relation]
