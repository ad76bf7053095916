"""``dd-matrix``: a traceability matrix, one row per object of one type.

Columns: ID (sticky on screen), title, status, whether the row is traced, then either
one column per linked object (grid) or the linked IDs in one column (list).  A grid
mark tells apart a link that counts for tracing (an accepted or proposed decision, or
an object of a type that counts while active: ``Graph.counts_for_tracing``) from one
that does not (a rejected or superseded decision), and a legend under the table says so,
in the column type's own statuses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from docutils import nodes

from ..graph import Coverage, Graph
from ..model import Item
from ..safety import natural_key
from ..vocabulary import Schema, display_name
from .cells import (
    Cell,
    Fragment,
    Row,
    TableModel,
    compile_predicate,
    id_list,
    label,
    ref_cell,
    row,
    select,
    status_cell,
    untraced_mark,
)
from .output import Output, ViewContext, latex_layout, scrolling, wrap
from .plans import GRID_MAX_COLUMNS, MatrixPlan


@dataclass(frozen=True)
class Marks:
    """The marks of a grid cell, in the builder's alphabet (LaTeX's default fonts have
    no check mark)."""

    counts: str
    void: str

    @classmethod
    def for_format(cls, output_format: str) -> Marks:
        if output_format == "latex":
            return cls("X", "o")
        return cls("\u2713", "\u25cb")

    def cell(self, counts: bool) -> Cell:
        if counts:
            return [("text", self.counts, ("dd-mark",))]
        return [("text", self.void, ("dd-mark-void",))]


#: outputs of a fixed width, where ``:layout: auto`` asks whether the grid fits
PRINT_FORMATS = frozenset({"latex", "texinfo"})
#: in print, the grid is used when its title column keeps at least this share of the
#: line at the normal font size
MIN_PRINT_TITLE = 0.22


@dataclass
class Matrix:
    """One matrix's rows, computed once, and the table of either layout."""

    plan: MatrixPlan
    graph: Graph
    schema: Schema
    marks: Marks
    rows: list[Item]
    #: per row ID, the IDs of the linked column objects, in natural order
    linked: dict[str, list[str]]
    #: every column object that some row links to, in natural order
    column_ids: list[str]

    def counts(self, column_id: str) -> bool:
        """Whether a link from this column makes the row traced: when the columns are
        the sources of the links (decisions addressing requirements), their status
        decides; the other way round the row's own status does (shown as n/a)."""
        return not self.plan.incoming or self.graph.counts_for_tracing(self.graph.by_id[column_id])

    def active(self, item: Item) -> bool:
        """Counted in coverage (objects of other projects are shown, not counted)."""
        return self.graph.is_active(item) and not item.external

    def traced(self, item: Item) -> bool:
        return any(self.counts(i) for i in self.linked[item.id])

    def coverage(self) -> tuple[int, int]:
        counted = [item for item in self.rows if self.active(item)]
        return sum(self.traced(item) for item in counted), len(counted)

    def model(self, grid: bool) -> TableModel:
        """The table, its rows made when it is written (every link of a matrix names a
        known object: the rows and the columns are objects of the graph)."""
        row_label = self.schema.types[self.plan.rows].label
        headers: list[Cell] = [label("ID"), label(row_label), label("Status"), label("Traced")]
        widths = [12, 40, 10, 12]  # "**untraced**" on one line in plain text
        fit = ["l", "", "l", "l"]
        if grid:
            # header cells of object columns link to the objects too
            headers.extend(ref_cell(column_id) for column_id in self.column_ids)
            widths.extend([5] * len(self.column_ids))
            fit.extend(["c"] * len(self.column_ids))
        else:
            headers.append(label(f"{self.link_label} ({self.column_label})"))
            widths.append(30)
            fit.append("")
        classes = ["dd-matrix-table", "dd-matrix-grid" if grid else "dd-matrix-list"]
        rows = partial(self._rows, grid)
        return TableModel(headers, rows, widths, classes, self.plan.caption, fit, True)

    def _rows(self, grid: bool) -> Iterator[Row]:
        graph, marks = self.graph, self.marks
        for item in self.rows:
            ids = self.linked[item.id]
            classes = ["dd-row"]
            marker: Fragment
            if not self.active(item):
                classes.append("dd-inactive")
                marker = ("text", "n/a", ("dd-na",))
            elif self.traced(item):
                classes.append("dd-traced")
                marker = ("text", marks.counts, ("dd-mark",))
            else:
                classes.append("dd-untraced")
                marker = untraced_mark()
            cells: list[Cell] = [
                [("ref", item.id, item.id)],
                [("text", item.title, ())],
                status_cell(item, self.schema),
                [marker],
            ]
            if grid:
                members = set(ids)
                cells.extend(
                    marks.cell(self.counts(c)) if c in members else [("text", "", ())]
                    for c in self.column_ids
                )
            else:
                cells.append(id_list(ids, graph) if ids else [("text", "\u2014", ("dd-na",))])
            yield row(cells, classes)

    @property
    def column_label(self) -> str:
        return self.schema.types[self.plan.columns].label.lower()

    @property
    def link_label(self) -> str:
        link = self.plan.link
        return display_name(link.incoming if self.plan.incoming else link.name)

    def legend(self) -> nodes.paragraph:
        """What the marks mean, under a grid."""
        marks, what = self.marks, self.column_label
        link_name = self.plan.link.incoming
        statuses = " or ".join(self.graph.counting_statuses(self.plan.columns)) or "active"
        legend = nodes.paragraph(classes=["dd-legend"])
        legend += nodes.inline(marks.counts, marks.counts, classes=["dd-mark"])
        legend += nodes.Text(f" {link_name} a {what} that is {statuses}: the row is traced")
        legend += nodes.Text(" \u00b7 ")
        legend += nodes.inline(marks.void, marks.void, classes=["dd-mark-void"])
        legend += nodes.Text(f" {link_name} a {what} that is not: it does not count")
        return legend


def build_matrix(plan: MatrixPlan, ctx: ViewContext) -> Matrix:
    graph, schema = ctx.graph, ctx.schema
    predicate = compile_predicate(plan.filter, graph, schema)
    rows = select(graph, [plan.rows], predicate)
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

    linked_ids = {item.id: linked(item) for item in rows}
    column_ids = sorted({c for ids in linked_ids.values() for c in ids}, key=natural_key)
    marks = Marks.for_format(ctx.builder.format)
    return Matrix(plan, graph, schema, marks, rows, linked_ids, column_ids)


def choose_model(matrix: Matrix, output_format: str) -> TableModel:
    """The grid or the list, as ``:layout:`` asks.  ``auto`` draws a grid: on screen it
    scrolls inside its own box beside a sticky ID column, so no width hides a column,
    up to :data:`.GRID_MAX_COLUMNS` columns; in print, whose width is fixed, while its
    title column keeps :data:`MIN_PRINT_TITLE` of the line at the normal font size."""
    layout = matrix.plan.layout
    columns = len(matrix.column_ids)
    if layout == "list" or (layout == "auto" and not 0 < columns <= GRID_MAX_COLUMNS):
        return matrix.model(grid=False)
    grid = matrix.model(grid=True)
    if layout == "auto" and output_format in PRINT_FORMATS:
        fitted = latex_layout(grid)
        if fitted.size != "normalsize" or fitted.fractions[1] < MIN_PRINT_TITLE:
            return matrix.model(grid=False)
    return grid


def render_matrix(plan: MatrixPlan, node: nodes.Element, ctx: ViewContext) -> list[nodes.Node]:
    matrix = build_matrix(plan, ctx)
    model = choose_model(matrix, ctx.builder.format)
    table = Output(ctx).render(model, node)
    traced, total = matrix.coverage()
    coverage_text = Coverage(traced, total).text
    coverage = nodes.paragraph(coverage_text, coverage_text, classes=["dd-coverage"])
    if total and traced < total:
        coverage["classes"].append("dd-coverage-incomplete")
    children: list[nodes.Node] = [coverage, scrolling(table)]
    if "dd-matrix-grid" in model.classes and plan.incoming:
        children.append(matrix.legend())
    return [wrap("matrix", node["spec"], *children)]
