"""What a view shows, from its options and the vocabulary alone: no Sphinx here.

A view is planned twice from the same raw options: while reading, to report problems
with a location (the directive does that), and while writing, to render from the whole
project graph.  Planning is a pure function of the options and the vocabulary, so both
passes agree, and the incremental-build digest (:func:`view_types`) can tell which object
types a page's views can show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..filters import FilterError, parse, validate
from ..vocabulary import COMMON_FIELDS, LinkDef, Schema, did_you_mean, display_name, split_names

#: A graph larger than this is cut (with a note): Graphviz output stops being readable.
MAX_GRAPH_NODES = 400
DEFAULT_GRAPH_DEPTH = 2

MATRIX_OPTIONS = ("rows", "columns", "link", "filter", "layout", "caption", "class")
TABLE_OPTIONS = ("type", "columns", "filter", "sort", "caption", "class")
GRAPH_OPTIONS = ("root", "depth", "filter", "types", "direction", "caption", "class")
VIEW_OPTIONS = {"matrix": MATRIX_OPTIONS, "table": TABLE_OPTIONS, "graph": GRAPH_OPTIONS}
LAYOUTS = ("auto", "grid", "list")
DIRECTIONS = ("both", "down", "up")

#: Table columns that every object has, besides its fields and links.
TABLE_BASE_COLUMNS = ("id", "title", "status", "type", "doc", "traced")
DEFAULT_TABLE_COLUMNS = ("id", "title", "status")


def _check_filter(text: str | None, schema: Schema, problems: list[str]) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        validate(parse(text), schema)
    except FilterError as exc:
        problems.append(f"invalid :filter: {text!r}: {exc}")
        return None
    return text


def _check_types(value: str | None, schema: Schema, option: str, problems: list[str]) -> list[str]:
    names = []
    for name in split_names(value):
        if name in schema.types:
            names.append(name)
        else:
            problems.append(
                f"unknown type {name!r} in :{option}:{did_you_mean(name, schema.types)} "
                f"(known: {', '.join(sorted(schema.types))})"
            )
    return names


def _options(kind: str, spec: Mapping[str, Any]) -> tuple[Mapping[str, str], list[str]]:
    """The options of a view, and a list of problems that starts with unknown ones."""
    known = VIEW_OPTIONS[kind]
    opts = spec.get("options", {})
    problems = [
        f"unknown option :{name}:{did_you_mean(name, known)} (known: {', '.join(known)})"
        for name in opts
        if name not in known
    ]
    return opts, problems


def graph_types(schema: Schema) -> list[str]:
    return [t.name for t in schema.types.values() if not t.page_header]


# -- matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixPlan:
    rows: str
    columns: str
    link: LinkDef
    #: True when column objects link to row objects (decision -addresses-> requirement)
    incoming: bool
    filter: str | None
    layout: str
    caption: str | None


def _connects(link: LinkDef, rows: str, columns: str) -> bool | None:
    """True: columns link to rows; False: rows link to columns; None: not connected."""
    if columns in link.sources and rows in link.targets:
        return True
    if rows in link.sources and columns in link.targets:
        return False
    return None


def plan_matrix(spec: Mapping[str, Any], schema: Schema) -> tuple[MatrixPlan | None, list[str]]:
    opts, problems = _options("matrix", spec)
    row_types = _check_types(opts.get("rows"), schema, "rows", problems)
    column_types = _check_types(opts.get("columns"), schema, "columns", problems)
    if (opts.get("rows") and not row_types) or (opts.get("columns") and not column_types):
        return None, problems
    rows = (row_types or ["requirement"])[0]
    columns = (column_types or ["decision"])[0]
    link_name = (opts.get("link") or "").strip()
    link: LinkDef | None = None
    if link_name:
        link = schema.links.get(link_name) or schema.links_by_incoming().get(link_name)
        if link is None:
            problems.append(
                f"unknown link {link_name!r} in :link:"
                f"{did_you_mean(link_name, [*schema.links, *schema.links_by_incoming()])} "
                f"(known: {', '.join(sorted(schema.links))})"
            )
            return None, problems
    else:
        candidates = sorted(schema.links.values(), key=lambda lk: (not lk.traces, lk.name))
        default = schema.links.get("addresses")
        if default is not None:
            candidates.insert(0, default)
        link = next((lk for lk in candidates if _connects(lk, rows, columns) is not None), None)
        if link is None:
            problems.append(
                f"no link type connects {rows!r} rows and {columns!r} columns; name one with :link:"
            )
            return None, problems
    incoming = _connects(link, rows, columns)
    if incoming is None:
        problems.append(
            f"link {link.name!r} goes from {'/'.join(link.sources)} to {'/'.join(link.targets)}; "
            f"it does not connect {rows!r} rows and {columns!r} columns"
        )
        return None, problems
    layout = (opts.get("layout") or "auto").strip()
    if layout not in LAYOUTS:
        problems.append(
            f"unknown :layout: {layout!r}{did_you_mean(layout, LAYOUTS)} "
            f"(expected {', '.join(LAYOUTS)})"
        )
        layout = "auto"
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return MatrixPlan(rows, columns, link, incoming, flt, layout, opts.get("caption")), problems


# -- table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    #: attr, field, link, incoming
    kind: str
    key: str


@dataclass(frozen=True)
class TablePlan:
    types: tuple[str, ...]
    columns: tuple[Column, ...]
    sort: tuple[tuple[Column, bool], ...]  # (column, descending)
    filter: str | None
    caption: str | None


def _column_index(schema: Schema) -> dict[str, Column]:
    index: dict[str, Column] = {}
    labels = {"doc": "Document"}
    for name in TABLE_BASE_COLUMNS:
        index[name] = Column(name, labels.get(name, display_name(name)), "attr", name)
    for fdef in COMMON_FIELDS:
        index[fdef.name] = Column(fdef.name, display_name(fdef.name), "field", fdef.name)
    for typedef in schema.types.values():
        for fdef in typedef.fields:
            index.setdefault(
                fdef.name, Column(fdef.name, display_name(fdef.name), "field", fdef.name)
            )
    for link in schema.links.values():
        index.setdefault(link.name, Column(link.name, display_name(link.name), "link", link.name))
        incoming = Column(link.incoming, display_name(link.incoming), "incoming", link.incoming)
        index.setdefault(link.incoming, incoming)
        index.setdefault(link.incoming.replace(" ", "_"), incoming)
    return index


def plan_table(spec: Mapping[str, Any], schema: Schema) -> tuple[TablePlan | None, list[str]]:
    opts, problems = _options("table", spec)
    types = _check_types(opts.get("type"), schema, "type", problems)
    if opts.get("type") and not types:
        return None, problems
    index = _column_index(schema)
    columns: list[Column] = []
    for name in split_names(opts.get("columns"), r",") or DEFAULT_TABLE_COLUMNS:
        column = index.get(name) or index.get(name.lower())
        if column is None:
            problems.append(f"unknown column {name!r} in :columns:{did_you_mean(name, index)}")
        elif column not in columns:
            columns.append(column)
    if not columns:
        columns = [index[name] for name in DEFAULT_TABLE_COLUMNS]
    sort: list[tuple[Column, bool]] = []
    for name in split_names(opts.get("sort"), r","):
        descending = name.startswith("-")
        column = index.get(name.lstrip("+-").strip())
        if column is None:
            key = name.lstrip("+-").strip()
            problems.append(f"unknown column {key!r} in :sort:{did_you_mean(key, index)}")
        else:
            sort.append((column, descending))
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return (
        TablePlan(
            tuple(types or graph_types(schema)),
            tuple(columns),
            tuple(sort),
            flt,
            opts.get("caption"),
        ),
        problems,
    )


# -- graph ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphPlan:
    root: str | None
    depth: int
    direction: str
    types: tuple[str, ...] | None
    filter: str | None
    caption: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def plan_graph(spec: Mapping[str, Any], schema: Schema) -> tuple[GraphPlan | None, list[str]]:
    opts, problems = _options("graph", spec)
    root = (opts.get("root") or "").strip() or None
    depth = DEFAULT_GRAPH_DEPTH
    raw_depth = (opts.get("depth") or "").strip()
    if raw_depth:
        if raw_depth.isdigit():
            depth = int(raw_depth)
        else:
            problems.append(f":depth: must be a whole number, not {raw_depth!r}")
    direction = (opts.get("direction") or "both").strip()
    if direction not in DIRECTIONS:
        problems.append(
            f"unknown :direction: {direction!r}{did_you_mean(direction, DIRECTIONS)} "
            f"(expected {', '.join(DIRECTIONS)})"
        )
        direction = "both"
    types = _check_types(opts.get("types"), schema, "types", problems)
    if opts.get("types") and not types:
        return None, problems
    flt = _check_filter(opts.get("filter"), schema, problems)
    if opts.get("filter") and flt is None:
        return None, problems
    return (
        GraphPlan(root, depth, direction, tuple(types) or None, flt, opts.get("caption")),
        problems,
    )


PLANNERS: dict[str, Callable[..., tuple[Any, list[str]]]] = {
    "matrix": plan_matrix,
    "table": plan_table,
    "graph": plan_graph,
}


def view_types(spec: Mapping[str, Any], schema: Schema) -> frozenset[str] | None:
    """The object types whose changes can change what a view shows; None for all.

    A view shows its own types and, through link columns, backlinks and the traced flag,
    the types linked to them in either direction.
    """
    kind = spec.get("view", "")
    planner = PLANNERS.get(kind)
    if planner is None:
        return None
    plan, _ = planner(spec, schema)
    if plan is None:
        return frozenset()
    if isinstance(plan, MatrixPlan):
        shown = {plan.rows, plan.columns}
    elif isinstance(plan, TablePlan):
        shown = set(plan.types)
    elif isinstance(plan, GraphPlan):
        if plan.root is not None or plan.types is None:
            return None
        shown = set(plan.types)
    else:  # pragma: no cover
        return None
    related = set(shown)
    for link in schema.links.values():
        if shown.intersection(link.targets):
            related.update(link.sources)
        if shown.intersection(link.sources):
            related.update(link.targets)
    return frozenset(related)
