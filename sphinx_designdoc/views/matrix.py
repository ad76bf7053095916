"""``dd-matrix``: a traceability matrix, one row per object of one type.

Columns: ID (sticky on screen), title, status, whether the row is traced (sticky at the
right edge while the table scrolls), then either one column per linked object (grid) or
the linked IDs in one column (list).  A grid mark tells apart a link that counts for
tracing (an accepted or proposed decision, or an object of a type that counts while
active: ``Graph.counts_for_tracing``) from one that does not (a rejected or superseded
decision); a linked object in an inactive status is marked as everywhere
(:mod:`..marks`); and a legend under every matrix, in every output, says what the marks
mean, in the types' own statuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from docutils import nodes

from ..graph import Coverage, Graph
from ..marks import InactiveMark, mark_of
from ..model import Item, Plan, pickled_by_field_names
from ..safety import natural_key
from ..vocabulary import LinkDef, Schema, did_you_mean, display_name
from .cells import (
    Cell,
    Fragment,
    Row,
    TableModel,
    id_list,
    label,
    link_cell,
    row,
    select,
    status_cell,
    untraced_mark,
    verified_cell,
)
from .kind import Options, Unusable, ViewKind, check_choice, check_filter, check_types
from .output import Output, ViewContext, latex_layout, scrolling, wrap

OPTIONS = ("rows", "columns", "link", "filter", "layout", "caption", "class", "verified")
#: the values of ``:verified:``: ``auto`` shows the Verified column once test results are set
VERIFIED = ("auto", "yes", "no")
#: the first is the default
LAYOUTS = ("auto", "grid", "list")


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class MatrixPlan(Plan):
    rows: str
    columns: str
    #: the link's name (the renderer finds it in the vocabulary)
    link: str
    #: True when column objects link to row objects (decision -addresses-> requirement)
    incoming: bool
    filter: str | None
    layout: str
    caption: str | None
    #: ``:verified:`` (:data:`VERIFIED`)
    verified: str = "auto"

    def shown_types(self) -> tuple[str, ...]:
        return (self.rows, self.columns)


def _connects(link: LinkDef, rows: str, columns: str) -> bool | None:
    """True: columns link to rows; False: rows link to columns; None: not connected."""
    if columns in link.sources and rows in link.targets:
        return True
    if rows in link.sources and columns in link.targets:
        return False
    return None


def _link(
    options: Options, schema: Schema, rows: str, columns: str, problems: list[str]
) -> LinkDef:
    """The link named by ``:link:`` (by its name or its incoming name) or, without one,
    the first that connects the two types: ``addresses``, then the tracing links."""
    link_name = (options.get("link") or "").strip()
    if link_name:
        link = schema.links.get(link_name) or schema.links_by_incoming().get(link_name)
        if link is None:
            problems.append(
                f"unknown link {link_name!r} in :link:"
                f"{did_you_mean(link_name, [*schema.links, *schema.links_by_incoming()])} "
                f"(known: {', '.join(sorted(schema.links))})"
            )
            raise Unusable
        return link
    candidates = sorted(schema.links.values(), key=lambda lk: (not lk.traces, lk.name))
    default = schema.links.get("addresses")
    if default is not None:
        candidates.insert(0, default)
    found = next((lk for lk in candidates if _connects(lk, rows, columns) is not None), None)
    if found is None:
        problems.append(
            f"no link type connects {rows!r} rows and {columns!r} columns; name one with :link:"
        )
        raise Unusable
    return found


def plan_matrix(options: Options, schema: Schema, problems: list[str]) -> MatrixPlan:
    row_types, column_types = check_types(options, schema, problems, "rows", "columns")
    rows = (row_types or ["requirement"])[0]
    columns = (column_types or ["decision"])[0]
    link = _link(options, schema, rows, columns, problems)
    incoming = _connects(link, rows, columns)
    if incoming is None:
        problems.append(
            f"link {link.name!r} goes from {'/'.join(link.sources)} to {'/'.join(link.targets)}; "
            f"it does not connect {rows!r} rows and {columns!r} columns"
        )
        raise Unusable
    layout = check_choice(options, "layout", LAYOUTS, problems)
    verified = check_choice(options, "verified", VERIFIED, problems)
    flt = check_filter(options, schema, problems)
    return MatrixPlan(
        rows, columns, link.name, incoming, flt, layout, options.get("caption"), verified
    )


@dataclass(frozen=True)
class Marks:
    """The marks of a grid cell: the same in every output (Sphinx's LaTeX writer sets
    ✓ as amssymb's ``\\checkmark``, and ``sphinxdesigndoc.sty`` gives ○ a glyph)."""

    counts: str = "\u2713"
    void: str = "\u25cb"

    def cell(self, counts: bool) -> Cell:
        if counts:
            return [("text", self.counts, ("dd-mark",))]
        return [("text", self.void, ("dd-mark-void",))]


#: outputs of a fixed width, where ``:layout: auto`` asks whether the grid fits
PRINT_FORMATS = frozenset({"latex", "texinfo"})
#: in print, the grid is used when its title column keeps at least this share of the
#: line at the normal font size
MIN_PRINT_TITLE = 0.22
#: elsewhere (screens, plain text), the grid is used when it needs at most this many em
#: of the table's text: the narrowest content column of the five themes most projects
#: use, at 1,400 pixels (alabaster's: 658 pixels of 15.3-pixel table text), so the
#: default matrix never scrolls sideways there; a wider grid scrolls inside its box
SCREEN_EM = 42.0
#: em per character, measured in Chromium on those themes: IDs and statuses (capitals
#: and digits), bold headers, and an inactive mark (in italics, at 0.92em)
_CHAR_EM = 0.6
_BOLD_CHAR_EM = 0.62
_MARK_CHAR_EM = 0.45
#: a cell's padding (0.6em each side), a status pill's font size and padding, and the
#: least width of a grid's title column (``designdoc.css``)
_CELL_EM = 1.2
_PILL_SCALE = 0.88
_PILL_EM = 1.0
_GRID_TITLE_EM = 10.0


@dataclass
class Matrix:
    """One matrix's rows, computed once, and the table of either layout."""

    plan: MatrixPlan
    graph: Graph
    schema: Schema
    link: LinkDef
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
        if self.verified:
            headers.append(label("Verified"))
            widths.append(10)
            fit.append("l")
        if grid:
            # header cells of object columns link to the objects too, marked when the
            # object is inactive (the mark on a line of its own on screen)
            headers.extend(link_cell(column_id) for column_id in self.column_ids)
            widths.extend([5] * len(self.column_ids))
            fit.extend(["c"] * len(self.column_ids))
        else:
            headers.append(label(f"{self.link_label} ({self.column_label})"))
            widths.append(30)
            fit.append("")
        classes = ["dd-matrix-table", "dd-matrix-grid" if grid else "dd-matrix-list"]
        if self.verified:
            classes.append("dd-matrix-verified")
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
            if self.verified:
                cells.append(verified_cell(graph.verification.get(item.id)))
            if grid:
                members = set(ids)
                cells.extend(
                    marks.cell(self.counts(c)) if c in members else [("text", "", ())]
                    for c in self.column_ids
                )
            else:
                empty: Cell = [("text", "\u2014", ("dd-na",))]
                cells.append(id_list(ids, graph, counting=self.plan.incoming) if ids else empty)
            yield row(cells, classes)

    @property
    def verified(self) -> bool:
        """Whether the table has a Verified column: asked for, or by default once test
        results are set."""
        wanted = self.plan.verified
        return wanted == "yes" or (wanted == "auto" and self.graph.tests_configured)

    @property
    def column_label(self) -> str:
        return self.schema.types[self.plan.columns].label.lower()

    @property
    def link_label(self) -> str:
        link = self.link
        return display_name(link.incoming if self.plan.incoming else link.name)

    def legend(self, grid: bool) -> nodes.paragraph | None:
        """What the marks mean, under every matrix and in every output: those the table
        shows (the grid's cells, the Traced column's ✓, **untraced** and n/a, the
        inactive mark after an ID), in the types' own words and statuses; ``None`` when
        it shows none."""
        marks, what = self.marks, self.column_label
        link = self.link
        shown = self._shown()
        if self.plan.incoming:
            statuses = " or ".join(self.graph.counting_statuses(self.plan.columns)) or "active"
            phrase = f"{link.incoming} a {what} that is {statuses}"
        else:
            phrase = f"{link.name} a {what}"
        untraced = nodes.strong("untraced", "untraced", classes=["dd-untraced-mark"])
        parts: list[list[nodes.Node]] = []
        if grid:
            if "counts" in shown:
                parts.append([_mark(marks.counts, "dd-mark"), nodes.Text(f" {phrase}")])
            if "void" in shown:
                parts.append(
                    [
                        _mark(marks.void, "dd-mark-void"),
                        nodes.Text(f" {link.incoming} a {what} that is not: it does not count"),
                    ]
                )
            if shown & {"traced", "untraced"}:
                parts.append(
                    [
                        nodes.Text("Traced: "),
                        _mark(marks.counts, "dd-mark"),
                        nodes.Text(f" when a row has a {marks.counts} in a column, "),
                        untraced,
                        nodes.Text(" when it has none"),
                    ]
                )
        else:
            if "traced" in shown:
                parts.append([_mark(marks.counts, "dd-mark"), nodes.Text(f" traced: {phrase}")])
            if "untraced" in shown:
                parts.append([untraced, nodes.Text(f": no such {what}")])
        rows_type = self.schema.types[self.plan.rows]
        if "n/a" in shown:
            inactive = _either(rows_type.inactive_statuses)
            parts.append(
                [
                    _mark("n/a", "dd-na"),
                    nodes.Text(f": a {inactive} {rows_type.label.lower()}, not counted"),
                ]
            )
        example = self._shown_inactive()
        if example is not None:
            inactive = _either(self.schema.types[self.plan.columns].inactive_statuses)
            parts.append(
                [
                    nodes.inline(example.text, example.text, classes=list(example.classes)),
                    nodes.Text(f" after an ID: a {what} that is {inactive}"),
                ]
            )
        if not parts:
            return None
        legend = nodes.paragraph(classes=["dd-legend"])
        for index, part in enumerate(parts):
            if index:
                legend += nodes.Text(" \u00b7 ")
            legend.extend(part)
        return legend

    def _shown(self) -> set[str]:
        """The marks the table shows: ``counts`` and ``void`` (grid cells), ``traced``,
        ``untraced`` and ``n/a`` (the Traced column)."""
        shown: set[str] = set()
        for item in self.rows:
            if not self.active(item):
                shown.add("n/a")
            else:
                shown.add("traced" if self.traced(item) else "untraced")
            for column_id in self.linked[item.id]:
                shown.add("counts" if self.counts(column_id) else "void")
        return shown

    def _shown_inactive(self) -> InactiveMark | None:
        """The mark of the first inactive object the matrix links, for the legend."""
        for column_id in self.column_ids:
            mark = mark_of(self.graph.by_id[column_id], self.schema)
            if mark is not None:
                return mark
        return None

    def screen_em(self) -> float:
        """An estimate of the least width of the grid on screen, in em of the table's
        text (within a tenth of what Chromium draws on the five themes, never less):
        IDs, statuses and marks never break, the title keeps its least width."""
        statuses = _em((item.status for item in self.rows), _CHAR_EM * _PILL_SCALE)
        columns = [
            _em((item.id for item in self.rows), _CHAR_EM),
            _GRID_TITLE_EM,
            statuses + _PILL_EM,
            _em(("Traced", "untraced"), _BOLD_CHAR_EM),
        ]
        for column_id in self.column_ids:
            mark = mark_of(self.graph.by_id[column_id], self.schema)
            width = len(column_id) * _BOLD_CHAR_EM
            if mark is not None:  # on a line of its own, under the ID
                width = max(width, len(mark.text) * _MARK_CHAR_EM)
            columns.append(width)
        return sum(columns) + _CELL_EM * len(columns)


def _em(texts: Iterable[str], per_char: float) -> float:
    return max((len(text) for text in texts), default=1) * per_char


def _mark(text: str, cls: str) -> nodes.inline:
    return nodes.inline(text, text, classes=[cls])


def _either(statuses: Sequence[str]) -> str:
    """``rejected, superseded or deprecated``."""
    names = list(statuses)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def build_matrix(plan: MatrixPlan, ctx: ViewContext) -> Matrix:
    graph, schema = ctx.graph, ctx.schema
    rows = select(graph, schema, [plan.rows], plan.filter)
    link = schema.links[plan.link]

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
    return Matrix(plan, graph, schema, link, Marks(), rows, linked_ids, column_ids)


def choose_model(matrix: Matrix, output_format: str) -> TableModel:
    """The grid or the list, as ``:layout:`` asks.  ``auto`` draws the grid where it
    fits, so the default matrix never scrolls sideways: in print, whose width is fixed,
    while its title column keeps :data:`MIN_PRINT_TITLE` of the line at the normal font
    size; elsewhere (screens, plain text) while it needs at most :data:`SCREEN_EM`.
    Else, and with nothing to put in columns, the list."""
    layout = matrix.plan.layout
    if layout == "list" or (layout == "auto" and not matrix.column_ids):
        return matrix.model(grid=False)
    if layout == "grid":
        return matrix.model(grid=True)
    if output_format in PRINT_FORMATS:
        grid = matrix.model(grid=True)
        fitted = latex_layout(grid)
        if fitted.size == "normalsize" and fitted.fractions[1] >= MIN_PRINT_TITLE:
            return grid
        return matrix.model(grid=False)
    if matrix.screen_em() <= SCREEN_EM:
        return matrix.model(grid=True)
    return matrix.model(grid=False)


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
    legend = matrix.legend("dd-matrix-grid" in model.classes)
    if legend is not None:
        children.append(legend)
    return [wrap(node, *children)]


KIND = ViewKind("matrix", OPTIONS, plan_matrix, render_matrix)
