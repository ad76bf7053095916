"""Table cells, independent of the output: no Sphinx here.

``dd-matrix``, ``dd-table`` and the table a graph becomes without Graphviz first
describe their table as cells of fragments, then :mod:`.output` writes it either as
docutils nodes (every builder) or straight to HTML (the HTML builders): one
description, so both outputs show the same rows, texts and links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..evidence.verify import VERIFICATION_TONES, Verification
from ..filters import compile_filter
from ..graph import Graph
from ..model import Item
from ..safety import natural_key
from ..vocabulary import Schema, status_classes


def select(
    graph: Graph,
    schema: Schema,
    types: Iterable[str],
    flt: str | None,
    among: Iterable[Item] | None = None,
) -> list[Item]:
    """The objects of ``types`` that pass the filter, in natural order of their IDs:
    of the whole graph, or of the objects ``among``."""
    wanted = set(types)
    items = [i for i in (graph.by_id.values() if among is None else among) if i.type in wanted]
    if flt is not None:
        predicate = compile_filter(flt, schema, graph)
        items = [i for i in items if predicate(i)]
    items.sort(key=lambda i: natural_key(i.id))
    return items


# -- table cells, independent of the output ---------------------------------------------
#
# ``dd-matrix`` and ``dd-table`` first describe their table as cells of fragments, then
# write it either as docutils nodes (every builder) or straight to HTML (HTML builders):
# one description, so both outputs show the same rows, texts and links.

#: One piece of a cell: ``("text", text, classes)``, ``("strong", text, classes)``,
#: ``("ref", text, object ID)`` (a link to an object, looked up in the graph when
#: written), ``("link", text, object ID)`` (the same, with the object's inactive mark
#: after the text inside the link: :mod:`..marks`) or ``("doc", page title, docname)``
#: (a link to a page).  Plain strings and
#: tuples only: Python's collector stops tracking such tuples after one pass, so a
#: table of thousands of rows does not wake full collections over a large environment.
Fragment = tuple[str, str, Any]
Cell = list[Fragment]
#: a finished row: its cells and its classes, as tuples
Row = tuple[tuple[tuple[Fragment, ...], ...], tuple[str, ...]]


def row(cells: Sequence[Cell], classes: Sequence[str]) -> Row:
    """A row as the table keeps it (see :data:`Fragment`)."""
    return tuple(tuple(cell) for cell in cells), tuple(classes)


@dataclass
class TableModel:
    headers: list[Cell]
    #: the rows, or a function that makes them when the table is written: a matrix of
    #: thousands of rows is then never held whole, only the text written from it
    rows: Sequence[Row] | Callable[[], Iterable[Row]]
    widths: list[int]
    classes: list[str]
    caption: str | None = None
    #: per column, ``"l"`` or ``"c"`` for a column as wide as its longest text (IDs,
    #: statuses, marks: never broken), ``""`` for one that shares the rest by width
    fit: list[str] | None = None
    #: every object link names an object of the graph (known when the table is made)
    known_links: bool = False

    def row_list(self) -> Iterable[Row]:
        return self.rows() if callable(self.rows) else self.rows

    def column_fit(self) -> list[str]:
        return self.fit if self.fit is not None else [""] * len(self.widths)

    def column_texts(self, index: int) -> Iterable[str]:
        """The texts of one column, header included."""
        for cells in [self.headers, *(cells for cells, _ in self.row_list())]:
            if index < len(cells):
                yield "".join(text for _kind, text, _extra in cells[index])

    def resolvable(self, graph: Graph) -> bool:
        """True when every object link has its object: links to unknown IDs stay
        ``pending_xref`` for Sphinx (``missing-reference`` handlers such as intersphinx
        may still resolve them), which only the docutils path can carry."""
        if self.known_links:
            return True
        by_id = graph.by_id
        return all(
            kind not in ("ref", "link") or extra in by_id
            for cells in [self.headers, *(cells for cells, _ in self.row_list())]
            for cell in cells
            for kind, _text_, extra in cell
        )


def label(text: str) -> Cell:
    return [("text", text, ())]


def ref_cell(item_id: str) -> Cell:
    return [("ref", item_id, item_id)]


def link_cell(item_id: str) -> Cell:
    """A link to an object, marked when the object is inactive (:mod:`..marks`)."""
    return [("link", item_id, item_id)]


def id_list(ids: Sequence[str], graph: Graph, counting: bool = False) -> Cell:
    """Links to objects, comma-separated, each marked when its object is inactive
    (``PG-DEC-7 (rejected)``: :mod:`..marks`, the mark every place that links an object
    shows).  With ``counting`` (a matrix's list of what traces a row), an active object
    that does not count for tracing is followed by its status too, muted: a ``spec``
    still in ``draft`` where only ``accepted`` counts."""
    out: Cell = []
    for index, item_id in enumerate(ids):
        if index:
            out.append(("text", ", ", ()))
        out.append(("link", item_id, item_id))
        item = graph.get(item_id)
        if (
            counting
            and item is not None
            and graph.is_active(item)
            and not graph.counts_for_tracing(item)
        ):
            out += [("text", " ", ()), ("text", f"({item.status})", ("dd-muted",))]
    return out


def status_cell(item: Item, schema: Schema) -> Cell:
    return [("text", item.status, tuple(status_classes(schema.types.get(item.type), item.status)))]


def verified_cell(verification: Verification | None) -> Cell:
    """An object's verification as a pill (its state), a dash for an object that no
    test names and whose type is not verified by tests."""
    if verification is None:
        return [("text", "\u2014", ("dd-na",))]
    state = verification.state
    tone = VERIFICATION_TONES.get(state, "none")
    return [("text", state, ("dd-status", f"dd-verified-{state}", f"dd-tone-{tone}"))]


def untraced_mark() -> Fragment:
    return ("strong", "untraced", ("dd-untraced-mark",))
