"""``dd-table``: a table of objects, with the columns, filter and order asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docutils import nodes

from ..evidence.verify import evidence_value
from ..graph import Graph
from ..lock import describe
from ..model import Item, Plan, pickled_by_field_names
from ..safety import css_class, natural_key
from ..vocabulary import COMMON_FIELDS, Schema, did_you_mean, display_name, split_names
from .cells import (
    Cell,
    Row,
    TableModel,
    id_list,
    label,
    row,
    select,
    status_cell,
    untraced_mark,
    verified_cell,
)
from .kind import Options, ViewKind, check_filter, check_types, graph_types
from .output import Output, ViewContext, scrolling, wrap

OPTIONS = ("type", "columns", "filter", "sort", "caption", "class")
#: Table columns that every object has, besides its fields and links.
BASE_COLUMNS = ("id", "title", "status", "type", "doc", "traced", "suspect", "verified", "code")
DEFAULT_COLUMNS = ("id", "title", "status")


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    #: attr, field, link, incoming
    kind: str
    key: str


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class TablePlan(Plan):
    types: tuple[str, ...]
    columns: tuple[Column, ...]
    sort: tuple[tuple[Column, bool], ...]  # (column, descending)
    filter: str | None
    caption: str | None

    def shown_types(self) -> tuple[str, ...]:
        return self.types


def _column_index(schema: Schema) -> dict[str, Column]:
    index: dict[str, Column] = {}
    labels = {"doc": "Document"}
    for name in BASE_COLUMNS:
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


def plan_table(options: Options, schema: Schema, problems: list[str]) -> TablePlan:
    (types,) = check_types(options, schema, problems, "type")
    index = _column_index(schema)
    columns: list[Column] = []
    for name in split_names(options.get("columns"), r",") or DEFAULT_COLUMNS:
        column = index.get(name) or index.get(name.lower())
        if column is None:
            problems.append(f"unknown column {name!r} in :columns:{did_you_mean(name, index)}")
        elif column not in columns:
            columns.append(column)
    if not columns:
        columns = [index[name] for name in DEFAULT_COLUMNS]
    sort: list[tuple[Column, bool]] = []
    for name in split_names(options.get("sort"), r","):
        descending = name.startswith("-")
        column = index.get(name.lstrip("+-").strip())
        if column is None:
            key = name.lstrip("+-").strip()
            problems.append(f"unknown column {key!r} in :sort:{did_you_mean(key, index)}")
        else:
            sort.append((column, descending))
    flt = check_filter(options, schema, problems)
    return TablePlan(
        tuple(types or graph_types(schema)),
        tuple(columns),
        tuple(sort),
        flt,
        options.get("caption"),
    )


def column_value(item: Item, column: Column, graph: Graph) -> Any:
    if column.kind == "attr":
        if column.key == "traced":
            traced = graph.is_traced(item.id)
            return None if traced is None else ("yes" if traced else "untraced")
        if column.key == "doc":
            return item.docname
        if column.key == "suspect":
            # which targets changed, and how: what to look at when reviewing the link
            suspects = graph.suspects.get(item.id, ())
            shown = [f"{s.target} ({describe(s.changed)})" for s in suspects]
            return "; ".join(shown) or None
        if column.key in ("verified", "code"):
            return evidence_value(item.id, column.key, graph)
        return getattr(item, column.key)
    if column.kind == "field":
        return item.fields.get(column.key)
    if column.kind == "link":
        return tuple(dict.fromkeys(item.links.get(column.key, ())))
    return tuple(graph.incoming_of(item.id).get(column.key, ()))


def sort_by(
    items: list[Item], column: Column, descending: bool, graph: Graph, schema: Schema
) -> list[Item]:
    """One stable sort pass; a choice field sorts in its declared order (must before
    should, proposed before accepted) and objects without a value always come last."""
    present: list[tuple[Any, Item]] = []
    missing: list[Item] = []
    for item in items:
        value = column_value(item, column, graph)
        if value is None or value == () or value == "":
            missing.append(item)
            continue
        order: Sequence[str] = ()
        typedef = schema.types.get(item.type)
        if typedef is not None:
            if column.key == "status":
                order = typedef.statuses
            elif column.kind == "field":
                fdef = typedef.field(column.key)
                order = fdef.choices if fdef is not None else ()
        text = sort_text(value)
        rank = order.index(text) if text in order else len(order)
        present.append(((rank, natural_key(text)), item))
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [item for _, item in present] + missing


def sort_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


#: columns whose values are never broken across lines in print
_UNBROKEN = frozenset({"id", "status", "traced", "type"})


def _doc_cell(item: Item, ctx: ViewContext) -> Cell:
    if item.external:
        return [("text", item.external_url or "", ())]
    return [("doc", ctx.page_title(item.docname), item.docname)]


def render_table(plan: TablePlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    graph, schema = ctx.graph, ctx.schema
    items = select(graph, schema, plan.types, plan.filter)
    for column, descending in reversed(plan.sort):
        items = sort_by(items, column, descending, graph, schema)
    if not items:
        text = "No objects match."
        return [wrap(node, nodes.paragraph(text, text, classes=["dd-empty"]))]
    rows: list[Row] = []
    # an object's own ID is marked when it is inactive, unless its status is shown
    id_kind = "ref" if any(c.kind == "attr" and c.key == "status" for c in plan.columns) else "link"
    for item in items:
        cells = [_cell(item, column, ctx, id_kind) for column in plan.columns]
        classes = ["dd-row", f"dd-type-{css_class(item.type)}"]
        if graph.is_traced(item.id) is False:
            classes.append("dd-untraced")
        elif not graph.is_active(item):
            classes.append("dd-inactive")
        rows.append(row(cells, classes))
    widths = [12 if c.name == "id" else 40 if c.name == "title" else 14 for c in plan.columns]
    headers = [label(c.label) for c in plan.columns]
    fit = ["l" if c.kind == "attr" and c.key in _UNBROKEN else "" for c in plan.columns]
    model = TableModel(headers, rows, widths, [], plan.caption, fit)
    output = Output(ctx)
    return [wrap(node, scrolling(output.render(model, node)))]


def _cell(item: Item, column: Column, ctx: ViewContext, id_kind: str) -> Cell:
    graph = ctx.graph
    if column.kind == "attr":
        if column.key == "id":
            return [(id_kind, item.id, item.id)]
        if column.key == "status":
            return status_cell(item, ctx.schema)
        if column.key == "doc":
            return _doc_cell(item, ctx)
        if column.key == "type":
            typedef = ctx.schema.types.get(item.type)
            return [("text", typedef.label if typedef else item.type, ())]
        if column.key == "verified":
            return verified_cell(graph.verification.get(item.id))
    value = column_value(item, column, graph)
    if column.kind in ("link", "incoming"):
        return id_list(list(value), graph) if value else [("text", "", ())]
    if column.key == "traced" and value == "untraced":
        return [untraced_mark()]
    return [("text", sort_text(value), ())]


KIND = ViewKind("table", OPTIONS, plan_table, render_table)
