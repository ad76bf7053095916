"""The ``designdoc-config-reference`` directive: the settings table, generated from the
one dataclass that defines them, so the documentation cannot drift from the code."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from sphinx_designdoc.config import CONFIG_VALUES


class ConfigReference(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        table = nodes.table(classes=["designdoc-config"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (25, 25, 50):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row(["Setting", "Default", "Meaning"])
        body = nodes.tbody()
        group += body
        for cv in CONFIG_VALUES:
            body += self._row([cv.name, repr(cv.default), cv.help], literal=(True, True, False))
        return [table]

    @staticmethod
    def _row(cells: list[str], literal: tuple[bool, ...] = (False, False, False)) -> nodes.row:
        row = nodes.row()
        for text, is_literal in zip(cells, literal, strict=True):
            entry = nodes.entry()
            para = nodes.paragraph()
            para += nodes.literal(text, text) if is_literal else nodes.Text(text)
            entry += para
            row += entry
        return row


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("designdoc-config-reference", ConfigReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
