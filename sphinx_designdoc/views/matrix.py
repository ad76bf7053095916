"""``dd-matrix``: a traceability matrix, one row per object of one type."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..model import Item
from ..safety import natural_key
from .cells import (
    Cell,
    Fragment,
    TableModel,
    compile_predicate,
    id_list,
    label,
    percent,
    ref_cell,
    select,
    status_cell,
    untraced_mark,
)
from .output import Output, ViewContext, wrap
from .plans import GRID_MAX_COLUMNS, MatrixPlan


def render_matrix(plan: MatrixPlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    spec = node["spec"]
    graph, schema = ctx.graph, ctx.schema
    predicate = compile_predicate(plan.filter, graph, schema)
    row_items = select(graph, [plan.rows], predicate)
    link = plan.link

    def linked(item: Item) -> list[str]:
        ids: Sequence[str]
        if plan.incoming:
            ids = graph.incoming_of(item.id).get(link.incoming, ())
        else:
            ids = tuple(dict.fromkeys(item.links.get(link.name, ())))
        out = []
        for other_id in ids:
            other = graph.get(other_id)
            if other is not None and other.type == plan.columns:
                out.append(other_id)
        out.sort(key=natural_key)
        return out

    cells_of = {item.id: linked(item) for item in row_items}
    column_ids = sorted({c for ids in cells_of.values() for c in ids}, key=natural_key)
    grid = plan.layout == "grid" or (
        plan.layout == "auto" and 0 < len(column_ids) <= GRID_MAX_COLUMNS
    )
    mark = "X" if ctx.builder.format == "latex" else "\u2713"
    mark_cell: Cell = [("text", mark, ("dd-mark",))]
    empty_cell: Cell = [("text", "", ())]
    col_label = schema.types[plan.columns].label
    link_label = (link.incoming if plan.incoming else link.name).capitalize()

    traced_count = total = 0
    rows: list[tuple[list[Cell], list[str]]] = []
    for item in row_items:
        ids = cells_of[item.id]
        # objects of other projects are shown but, as in coverage, not counted
        active = graph.is_active(item) and not item.external
        if plan.incoming:
            traced = any(graph.counts_for_tracing(graph.by_id[i]) for i in ids)
        else:
            traced = bool(ids)
        classes = ["dd-row"]
        if active:
            total += 1
            traced_count += traced
            classes.append("dd-traced" if traced else "dd-untraced")
        else:
            classes.append("dd-inactive")
        marker: Fragment
        if not active:
            marker = ("text", "n/a", ("dd-na",))
        elif traced:
            marker = ("text", mark, ("dd-mark",))
        else:
            marker = untraced_mark()
        cells: list[Cell] = [
            [("ref", item.id, item)],
            [("text", item.title, ())],
            status_cell(item.status),
        ]
        if grid:
            members = set(ids)
            for column_id in column_ids:
                cells.append(mark_cell if column_id in members else empty_cell)
            cells.append([marker])
        else:
            if ids:
                cell = id_list(ids, graph)
                if active and not traced:
                    cell += [("text", " ", ()), marker]
                cells.append(cell)
            else:
                cells.append([marker] if active else [("text", "\u2014", ("dd-na",))])
        rows.append((cells, classes))

    row_label = schema.types[plan.rows].label
    headers: list[Cell] = [label("ID"), label(row_label), label("Status")]
    widths = [12, 40, 10]
    if grid:
        # header cells of object columns link to the objects too
        headers.extend(ref_cell(column_id, graph) for column_id in column_ids)
        widths.extend([6] * len(column_ids))
        headers.append(label("Traced"))
        widths.append(10)
    else:
        headers.append(label(f"{link_label} ({col_label.lower()})"))
        widths.append(30)
    model = TableModel(headers, rows, widths, ["dd-matrix-table"], plan.caption)
    output = Output(ctx)
    table = output.render(model, node)
    coverage_text = f"{traced_count} of {total} traced ({percent(traced_count, total)})"
    coverage = nodes.paragraph(coverage_text, coverage_text, classes=["dd-coverage"])
    if total and traced_count < total:
        coverage["classes"].append("dd-coverage-incomplete")
    scroll = nodes.container(classes=["dd-scroll"])
    scroll += table
    return [wrap("matrix", spec, coverage, scroll)]
