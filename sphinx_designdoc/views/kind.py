"""What a view kind is made of, so that each kind lives in one module.

A view kind's module (:mod:`.matrix`, :mod:`.table`, :mod:`.graph`) holds its options,
its plan (what it shows, decided once from its options and the vocabulary when the page
is read), the types it shows, its renderer, and a :class:`ViewKind` that gathers them;
:data:`..views.KINDS` lists the kinds.  The directive works from a :class:`ViewKind`,
the checks and incremental builds from the :class:`~..model.View` kept in the page
record and its :class:`~..model.Plan` (records, so :mod:`..model` holds them), never from a kind's raw options: a new kind needs its module, its
line in that list and its docs.

No Sphinx here: the checks read views without it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ..filters import FilterError, parse, validate
from ..model import Plan, View
from ..vocabulary import Schema, did_you_mean, split_names

if TYPE_CHECKING:
    from docutils import nodes

    from .output import ViewContext

#: a view's options as written, by name
Options = Mapping[str, str]


P = TypeVar("P", bound=Plan)


class Unusable(Exception):
    """An option whose value leaves nothing to show: the view is replaced by a note
    (the problems, reported where the view is written, say why)."""


@dataclass(frozen=True)
class ViewKind(Generic[P]):
    """Everything the rest of the package needs of one view kind."""

    #: the kind's name: its directive is ``dd-<name>``
    name: str
    #: the options its directive takes, in the order the docs list them
    options: tuple[str, ...]
    #: the plan from the options, adding to the problems; raises :class:`Unusable`
    planner: Callable[[Options, Schema, list[str]], P]
    #: the nodes that replace the view's placeholder (:class:`View` in ``node["view"]``)
    render: Callable[[P, nodes.Element, ViewContext], list[nodes.Node]]
    #: whether it is drawn with Graphviz: when ``dot`` cannot be run, one finding says
    #: so, and the page is rewritten once it can
    uses_graphviz: bool = False

    @property
    def directive(self) -> str:
        return f"dd-{self.name}"

    def read(
        self, options: Options, schema: Schema, source: str, line: int
    ) -> tuple[View, list[str]]:
        """The view as its page keeps it, and the problems its options have: unknown
        options first, then what the planner found."""
        problems = [
            f"unknown option :{name}:{did_you_mean(name, self.options)} "
            f"(known: {', '.join(self.options)})"
            for name in options
            if name not in self.options
        ]
        plan: P | None
        try:
            plan = self.planner(options, schema, problems)
        except Unusable:
            plan = None
        classes = tuple(split_names(options.get("class")))
        return View(self.name, plan, classes, source, line, self.uses_graphviz), problems


def watched_types(view: View, schema: Schema) -> frozenset[str] | None:
    """The object types whose changes can change what a view shows; None for all.

    A view shows its own types and, through link columns, backlinks and the traced flag,
    the types linked to them in either direction.
    """
    if view.plan is None:
        return frozenset()
    shown_types = view.plan.shown_types()
    if shown_types is None:
        return None
    shown = set(shown_types)
    related = set(shown)
    for link in schema.links.values():
        if shown.intersection(link.targets):
            related.update(link.sources)
        if shown.intersection(link.sources):
            related.update(link.targets)
    return frozenset(related)


# -- checking options, for the planners ------------------------------------------------


def graph_types(schema: Schema) -> list[str]:
    """The types a view shows when it names none: those of objects, not page headers."""
    return [t.name for t in schema.types.values() if not t.page_header]


def check_filter(options: Options, schema: Schema, problems: list[str]) -> str | None:
    """The ``:filter:`` expression, None without one; raises :class:`Unusable` when it
    cannot be used."""
    text = options.get("filter")
    if text is None or not text.strip():
        return None
    try:
        validate(parse(text), schema)
    except FilterError as exc:
        problems.append(f"invalid :filter: {text!r}: {exc}")
        raise Unusable from exc
    return text


def check_types(
    options: Options, schema: Schema, problems: list[str], *option_names: str
) -> list[list[str]]:
    """The known types each option names; raises :class:`Unusable` when one names only
    unknown ones (after checking them all, so every unknown name is reported)."""
    found: list[list[str]] = []
    for option in option_names:
        names = []
        for name in split_names(options.get(option)):
            if name in schema.types:
                names.append(name)
            else:
                problems.append(
                    f"unknown type {name!r} in :{option}:{did_you_mean(name, schema.types)} "
                    f"(known: {', '.join(sorted(schema.types))})"
                )
        found.append(names)
    if any(
        options.get(option) and not names for option, names in zip(option_names, found, strict=True)
    ):
        raise Unusable
    return found


def check_choice(
    options: Options, option: str, choices: tuple[str, ...], problems: list[str]
) -> str:
    """An option's value out of ``choices``, the first of them by default (and when the
    value is unknown, which is a problem)."""
    value = (options.get(option) or choices[0]).strip()
    if value in choices:
        return value
    problems.append(
        f"unknown :{option}: {value!r}{did_you_mean(value, choices)} "
        f"(expected {', '.join(choices)})"
    )
    return choices[0]
