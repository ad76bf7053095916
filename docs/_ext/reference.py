"""Reference tables generated from the definitions the code uses, so the documentation
cannot drift from it: ``designdoc-config-reference`` (every setting, from
``config.CONFIG_VALUES``) and ``designdoc-warnings`` (every warning kind, from
``subtypes.SUBTYPES``)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from sphinx_designdoc.config import CONFIG_VALUES
from sphinx_designdoc.subtypes import SUBTYPES


def _table(
    classes: str,
    widths: tuple[int, ...],
    header: list[str],
    rows: list[list[str]],
    literal: tuple[bool, ...],
    ids: list[str] | None = None,
) -> nodes.table:
    table = nodes.table(classes=[classes])
    group = nodes.tgroup(cols=len(widths))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(header, (False,) * len(header))
    body = nodes.tbody()
    group += body
    for index, cells in enumerate(rows):
        row = _row(cells, literal)
        if ids is not None:  # a link target per row: the badges and SARIF help link here
            row["ids"].append(ids[index])
        body += row
    return table


def _row(cells: list[str], literal: tuple[bool, ...]) -> nodes.row:
    row = nodes.row()
    for text, is_literal in zip(cells, literal, strict=True):
        entry = nodes.entry()
        para = nodes.paragraph()
        para += nodes.literal(text, text) if is_literal else nodes.Text(text)
        entry += para
        row += entry
    return row


class ConfigReference(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [[cv.name, repr(cv.default), cv.help] for cv in CONFIG_VALUES]
        return [
            _table(
                "designdoc-config",
                (25, 25, 50),
                ["Setting", "Default", "Meaning"],
                rows,
                (True, True, False),
            )
        ]


class WarningsReference(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        rows = [
            [s.rule, s.summary, s.fix, s.level, "yes" if s.regression else "no"]
            for s in SUBTYPES.values()
        ]
        return [
            _table(
                "designdoc-warnings",
                (18, 36, 28, 9, 9),
                ["Warning", "Meaning", "What to do", "SARIF level", "A regression"],
                rows,
                (True, False, False, False, False),
                [s.rule.replace(".", "-") for s in SUBTYPES.values()],
            )
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("designdoc-config-reference", ConfigReference)
    app.add_directive("designdoc-warnings", WarningsReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
