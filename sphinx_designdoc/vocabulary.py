"""The vocabulary of a project: object types, link types and their fields.

The built-in types and links are declared with exactly the same structures that
``designdoc_types`` and ``designdoc_links`` produce, so custom vocabulary is
first-class everywhere (directives, views, checks, reports) without special cases.
No Sphinx here: the command line and the report writers use it too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .safety import css_class

#: Field value kinds understood by the directive option parser and the checks.
FIELD_KINDS = ("text", "choice", "list", "date", "specifier", "url")


@dataclass(frozen=True)
class FieldDef:
    """One option of an object directive that is stored as a field."""

    name: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    default: str | None = None
    help: str = ""
    #: how a ``list`` value is split
    separator: str = ","
    #: whether an object shows the field when it holds the default value
    show_default: bool = True
    #: other spellings a ``choice`` accepts, each read as one of the choices (an old
    #: name kept so existing documents build): (spelling, choice) pairs
    aliases: tuple[tuple[str, str], ...] = ()

    def meaning(self, value: str) -> str:
        """The choice ``value`` stands for: itself, or the choice an alias names."""
        return dict(self.aliases).get(value, value)


#: field and link names shown in capitals rather than capitalised
_ACRONYMS = {"url": "URL", "id": "ID", "api": "API", "sdk": "SDK", "adr": "ADR"}


def display_name(name: str) -> str:
    """A field's or link's name as a label: ``scope`` -> ``Scope``, ``url`` -> ``URL``,
    ``verified-by`` -> ``Verified by``."""
    name = name.replace("-", " ")  # verified-by: Verified by
    return _ACRONYMS.get(name.lower(), name[:1].upper() + name[1:])


#: statuses that read as "not settled yet" wherever a type lists them
PENDING_STATUSES = frozenset({"proposed", "draft", "review", "open"})


def status_tone(statuses: Sequence[str], inactive: Collection[str], status: str) -> str:
    """How a status reads, for colours: ``bad`` when it takes the object out (an
    inactive status), ``pending`` for the type's first status and statuses named like
    proposed, draft, review or open, ``good`` for its other statuses, ``""`` for one the
    type does not know.  Read from the vocabulary, so a project's own statuses get
    colours too."""
    if status in inactive:
        return "bad"
    if status not in statuses:
        return ""
    if status == statuses[0] or status in PENDING_STATUSES:
        return "pending"
    return "good"


def status_classes(typedef: TypeDef | None, status: str) -> list[str]:
    """The CSS classes of a status wherever it is shown: its own, and its tone (good,
    pending, bad), which the stylesheet colours, so a project's own statuses have
    colours too."""
    tone = typedef.tone(status) if typedef is not None else ""
    return ["dd-status", f"dd-status-{css_class(status)}", f"dd-tone-{tone or 'none'}"]


@dataclass(frozen=True)
class TypeDef:
    """An object type: one directive (and its ``dd:`` alias) and its vocabulary."""

    name: str
    label: str
    statuses: tuple[str, ...]
    fields: tuple[FieldDef, ...] = ()
    #: statuses that take an object out of tracing and coverage (e.g. rejected)
    inactive_statuses: tuple[str, ...] = ()
    color: str = "#e0e0e0"
    #: the ``designdoc`` type is a page header, not a node in the traceability graph
    page_header: bool = False
    #: its objects are verified by tests (``designdoc_test_results``): each has a
    #: verification, ``missing`` while no test names it
    verifiable: bool = False

    @property
    def default_status(self) -> str:
        return self.statuses[0]

    def tone(self, status: str) -> str:
        """:func:`status_tone` of a status of this type."""
        return status_tone(self.statuses, self.inactive_statuses, status)

    def field(self, name: str) -> FieldDef | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True)
class LinkDef:
    """A link type: an option on its source types and a computed backlink name."""

    name: str
    incoming: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    #: a target of this link type counts as traced when an active source links to it
    traces: bool = False
    #: which end a change of the other end affects (``designdoc impact``): ``source``
    #: (a change to the target affects the source), ``target``, or both
    affects: tuple[str, ...] = ("source", "target")
    #: the link may lead back to where it started ("relates to", said from both ends):
    #: no ``designdoc.cycle`` check
    loops: bool = False


#: what a dependency is needed for (its ``:scope:``): to run the system, to develop,
#: test, build or document it, or a service it runs against (``development``, the old
#: spelling of ``dev``, is read as ``dev``)
DEPENDENCY_SCOPES = ("runtime", "dev", "test", "build", "docs", "service")
#: a scope that ``designdoc_decided_scopes`` decides whenever it names another: a
#: service (a database, a provider's API) is relied on at run time like a library
DECIDED_WITH = {"service": "runtime"}


def is_decided(scope: str, decided: Collection[str]) -> bool:
    """Whether a dependency of ``scope`` (its meaning, aliases resolved) needs a
    deciding decision under ``designdoc_decided_scopes`` ``decided``."""
    return scope in decided or DECIDED_WITH.get(scope) in decided


COMMON_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("tags", "list", help="comma-separated tags"),
    FieldDef("owner", "text", help="who owns the object"),
    FieldDef(
        "verified-by",
        "list",
        help="tests that verify the object (IDs or * globs), separated by commas or lines",
        separator=",\n",
    ),
)

BUILTIN_TYPES: tuple[TypeDef, ...] = (
    TypeDef(
        name="requirement",
        label="Requirement",
        statuses=(
            "proposed",
            "draft",
            "approved",
            "implemented",
            "verified",
            "rejected",
            "deprecated",
        ),
        fields=(
            FieldDef(
                "kind",
                "choice",
                ("functional", "non-functional"),
                default="functional",
                help="functional or non-functional",
            ),
            FieldDef("category", "text", help="performance, security, observability, ..."),
            FieldDef("priority", "choice", ("must", "should", "could", "wont"), help="MoSCoW"),
        ),
        inactive_statuses=("rejected", "deprecated"),
        color="#dbeafe",
        verifiable=True,
    ),
    TypeDef(
        name="decision",
        label="Decision",
        statuses=("proposed", "accepted", "rejected", "superseded", "deprecated"),
        fields=(
            FieldDef(
                "alternatives", "list", help="';'-separated options considered", separator=";"
            ),
            FieldDef("date", "date", help="ISO date of the decision"),
            FieldDef("deciders", "text", help="who decided"),
        ),
        inactive_statuses=("rejected", "superseded", "deprecated"),
        color="#dcfce7",
    ),
    TypeDef(
        name="dependency",
        label="Dependency",
        statuses=("proposed", "approved", "deprecated"),
        fields=(
            FieldDef(
                "scope",
                "choice",
                DEPENDENCY_SCOPES,
                default="runtime",
                help="what needs it: runtime, dev, test, build or docs; service for a "
                "service run against (a database, an API), decided like runtime",
                aliases=(("development", "dev"),),
            ),
            FieldDef("package", "text", help="distribution name"),
            FieldDef("version", "specifier", help="PEP 440 version specifier"),
            FieldDef("license", "text", help="licence of the dependency"),
            FieldDef("url", "url", help="home page"),
        ),
        inactive_statuses=("deprecated",),
        color="#fef3c7",
    ),
    TypeDef(
        name="designdoc",
        label="Design document",
        statuses=("draft", "review", "approved", "implemented", "obsolete"),
        fields=(
            FieldDef("authors", "text", help="authors"),
            FieldDef("reviewers", "text", help="reviewers"),
            FieldDef("date", "date", help="ISO date"),
            FieldDef(
                "template",
                "text",
                default="default",
                help="section template name",
                show_default=False,  # "Template: default" on every page says nothing
            ),
        ),
        inactive_statuses=("obsolete",),
        color="#f3e8ff",
        page_header=True,
    ),
)

BUILTIN_LINKS: tuple[LinkDef, ...] = (
    LinkDef("addresses", "addressed by", ("decision",), ("requirement",), traces=True),
    LinkDef("uses", "used by", ("decision",), ("dependency",)),
    # a change to a superseded decision may matter to its successor, not the other way
    LinkDef("supersedes", "superseded by", ("decision",), ("decision",), affects=("source",)),
    LinkDef("refines", "refined by", ("requirement",), ("requirement",)),
    # how decision records relate (adr-tools' and MADR's relation lines): a change to
    # the older decision may matter to the one that builds on it
    LinkDef(
        "partly-supersedes",
        "partly superseded by",
        ("decision",),
        ("decision",),
        affects=("source",),
    ),
    LinkDef("amends", "amended by", ("decision",), ("decision",), affects=("source",)),
    LinkDef("clarifies", "clarified by", ("decision",), ("decision",), affects=("source",)),
    LinkDef("extends", "extended by", ("decision",), ("decision",), affects=("source",)),
    LinkDef("relates-to", "related from", ("decision",), ("decision",), loops=True),
)


def split_names(text: str | None, separators: str = r"[,\s]+") -> list[str]:
    """The names in ``text``, split on commas and whitespace (or ``separators``): the one
    way option values that list IDs, types or columns are read."""
    if not text:
        return []
    return [part.strip() for part in re.split(separators, text) if part.strip()]


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'approved'?)`` for a value close to one of a closed list (case
    aside), or ``""``: every message about an unknown name offers the likely one."""
    names = list(dict.fromkeys(choices))
    folded = {name.casefold(): name for name in names}
    if value.casefold() in folded and folded[value.casefold()] != value:
        return f" (did you mean {folded[value.casefold()]!r}?)"
    close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


class ConfigError(ValueError):
    """A ``designdoc_*`` setting that cannot be used as given."""


@dataclass(frozen=True)
class Schema:
    """The vocabulary in force for one project: types and links, keyed by name."""

    types: Mapping[str, TypeDef]
    links: Mapping[str, LinkDef]

    def links_from(self, type_name: str) -> list[LinkDef]:
        return [link for link in self.links.values() if type_name in link.sources]

    def links_by_incoming(self) -> dict[str, LinkDef]:
        return {link.incoming: link for link in self.links.values()}


def name_list(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = split_names(value)
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings, not {value!r}")
    return tuple(value)
