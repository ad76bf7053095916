"""How a link says that the object it names is out of force.  No Sphinx here.

An object in an inactive status (a rejected or superseded decision, a deprecated
dependency, a project type's own inactive statuses) is marked the same way wherever it
is linked: an object's links and backlinks, ``:dd:ref:``, the cells of ``dd-matrix``,
``dd-table`` and a graph's table, and the reports.  "Addressed by PG-DEC-7" must not
read like a live decision when PG-DEC-7 was rejected.

The mark is the status in words, in brackets, after the link text and inside the link
(so the link's accessible name says it too, and it never rests on colour alone), with
classes the stylesheets use.  Every output asks :func:`inactive_mark`; none decides on
its own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .model import Item
from .vocabulary import Schema

#: the class every mark has (the stylesheet mutes it; LaTeX sets it in italics)
MARK_CLASS = "dd-inactive-mark"


@dataclass(frozen=True)
class InactiveMark:
    """The mark of a link to an object in an inactive status."""

    status: str

    @property
    def text(self) -> str:
        """What it reads, after the link text: ``(rejected)``."""
        return f"({self.status})"

    @property
    def classes(self) -> tuple[str, ...]:
        """Its CSS classes: one, which LaTeX styles too (Sphinx 7.4's LaTeX writer
        styles an inline of several classes only by a macro for all of them at once)."""
        return (MARK_CLASS,)

    def after(self, text: str) -> str:
        """``text`` followed by the mark, for outputs of plain text: ``PG-DEC-7
        (rejected)`` in a CSV cell or a JUnit message."""
        return f"{text} {self.text}"


def inactive_mark(status: object, inactive_statuses: Collection[str]) -> InactiveMark | None:
    """The mark of an object in ``status``, whose type takes ``inactive_statuses`` out of
    force; ``None`` for an active object (or an unknown status: a report of another
    version may hold anything)."""
    if isinstance(status, str) and status in inactive_statuses:
        return InactiveMark(status)
    return None


def mark_of(item: Item, schema: Schema) -> InactiveMark | None:
    """:func:`inactive_mark` of an object of the project graph (an object of a type the
    vocabulary does not know is never marked: the graph counts it as active too)."""
    typedef = schema.types.get(item.type)
    if typedef is None:
        return None
    return inactive_mark(item.status, typedef.inactive_statuses)


def marked_text(text: str, mark: InactiveMark | None) -> str:
    """``text``, followed by its mark when there is one."""
    return mark.after(text) if mark is not None else text
