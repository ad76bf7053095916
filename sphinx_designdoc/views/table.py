"""``dd-table``: a table of objects, with the columns, filter and order asked for."""

from __future__ import annotations

from docutils import nodes

from ..model import Item
from ..safety import css_class
from .cells import (
    Cell,
    Row,
    TableModel,
    column_value,
    compile_predicate,
    id_list,
    label,
    row,
    select,
    sort_by,
    sort_text,
    status_cell,
    untraced_mark,
)
from .output import Output, ViewContext, scrolling, wrap
from .plans import Column, TablePlan

#: columns whose values are never broken across lines in print
_UNBROKEN = frozenset({"id", "status", "traced", "type"})


def _doc_cell(item: Item, ctx: ViewContext) -> Cell:
    if item.external:
        return [("text", item.external_url or "", ())]
    return [("doc", ctx.page_title(item.docname), item.docname)]


def render_table(plan: TablePlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    spec = node["spec"]
    graph, schema = ctx.graph, ctx.schema
    items = select(graph, plan.types, compile_predicate(plan.filter, graph, schema))
    for column, descending in reversed(plan.sort):
        items = sort_by(items, column, descending, graph, schema)
    if not items:
        text = "No objects match."
        return [wrap("table", spec, nodes.paragraph(text, text, classes=["dd-empty"]))]
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
    return [wrap("table", spec, scrolling(output.render(model, node)))]


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
    value = column_value(item, column, graph)
    if column.kind in ("link", "incoming"):
        return id_list(list(value), graph) if value else [("text", "", ())]
    if column.key == "traced" and value == "untraced":
        return [untraced_mark()]
    return [("text", sort_text(value), ())]
