"""Plain records of what the directives read.  No docutils or Sphinx here.

Records are what the environment pickles, so they stay small and flat: everything
derived (backlinks, tracing, findings) is recomputed by :mod:`.graph` after reading.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from .subtypes import SUBTYPES

FieldValue = str | tuple[str, ...]

_Record = TypeVar("_Record")


def pickled_by_field_names(cls: type[_Record]) -> type[_Record]:
    """Give a slotted dataclass the pickled form :mod:`dataclasses` gives it (its field
    values in order), read back without calling :func:`dataclasses.fields` per object.

    Every build that loads an environment, and the main process of a parallel build
    merging its readers' environments, unpickles one record per object and link: the
    generated ``__setstate__`` spent a third of that time asking for the field list.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    set_slot = object.__setattr__

    def __getstate__(self: _Record) -> list[Any]:
        return [getattr(self, name) for name in names]

    def __setstate__(self: _Record, state: Sequence[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            set_slot(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Item:
    """One traceable object as its directive declared it."""

    id: str
    type: str
    title: str
    status: str
    docname: str
    #: path of the file that holds the directive, relative to the source folder (posix)
    source: str
    line: int
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    #: outgoing links: link option name -> target IDs in the order written
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: set for objects loaded from another project (``designdoc_external``): the URL
    #: of the object there, ``""`` when it has none that may be linked
    external_url: str | None = None
    #: the expressions of the ``.. only::`` directives around the object: a builder
    #: whose tags do not satisfy them all leaves the object out, as it leaves the text
    only: tuple[str, ...] = ()
    #: who declared the object when not one of our directives: ``"sphinx-needs"`` for a
    #: need of this project whose type ``designdoc_needs_types`` maps to one of ours
    origin: str = ""
    #: the object's body as written (reStructuredText or MyST), for the needs export;
    #: no view shows it, so it is not part of :meth:`state`
    content: str = ""
    #: the body as plain text, one line per paragraph or block with its whitespace
    #: collapsed: what the body means, the same in reStructuredText and MyST, for the
    #: suspect-link fingerprints and ``designdoc diff``; no view shows it either
    text: str = ""

    @property
    def external(self) -> bool:
        return self.external_url is not None

    @property
    def declared_here(self) -> bool:
        """Declared by one of our directives in this project: its options, statuses and
        fields are ours to check (a need's vocabulary is sphinx-needs', an external
        object's another project's)."""
        return self.external_url is None and not self.origin

    def state(self) -> tuple[Any, ...]:
        """Everything a view can show of the object, as builtin values (for digests)."""
        return (
            self.id,
            self.type,
            self.title,
            self.status,
            self.docname,
            self.external_url,
            tuple(self.fields.items()),
            tuple(self.links.items()),
            self.only,
            self.origin,
        )


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Finding:
    """One check result, located at the object (or role) at fault."""

    subtype: str
    message: str
    source: str | None = None
    line: int | None = None
    docname: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        if self.subtype not in SUBTYPES:  # every warning kind is listed in one place
            raise ValueError(f"unknown finding subtype {self.subtype!r}")

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.source or "", self.line or 0, self.subtype, self.id or "", self.message)


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class Ref:
    """A ``:dd:ref:`` role occurrence, remembered so dangling ones are reported once."""

    target: str
    source: str
    line: int
    docname: str


class Plan(ABC):
    """What a view shows, as plain values: a kind's plan (:mod:`.views`) is a frozen
    dataclass of this class, kept in the page record, so the checks and incremental builds ask it rather
    than read the view's options again."""

    __slots__ = ()

    @abstractmethod
    def shown_types(self) -> Iterable[str] | None:
        """The object types the view shows, None for every type: incremental builds
        rewrite its page when an object of these (or linked to them) changes."""

    def named_ids(self) -> Iterable[tuple[str, str]]:
        """The object IDs its options name, as ``(option, ID)``: each must be an object
        (known only once every page is read)."""
        return ()


@pickled_by_field_names
@dataclass(frozen=True, slots=True)
class View:
    """A view as read on its page, planned once: kept in the page record (for the
    checks and incremental builds) and in its placeholder (for the renderer)."""

    kind: str
    #: the kind's plan, or None when an option leaves nothing to show
    plan: Plan | None
    #: the ``:class:`` option's names, given to the view's box
    classes: tuple[str, ...]
    source: str
    line: int
    #: drawn with Graphviz (:attr:`.views.kind.ViewKind.uses_graphviz`), even when unusable
    drawn: bool


@pickled_by_field_names
@dataclass(slots=True)
class DocRecord:
    """Everything the extension read from one document."""

    items: list[Item] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    #: problems found while reading (bad option values, missing IDs, ...)
    findings: list[Finding] = field(default_factory=list)
    #: titles of the top-level sections (children of the page title)
    sections: list[str] = field(default_factory=list)
    #: the views on this page (``dd-matrix`` etc.), planned, for the checks and
    #: incremental rewrites (:class:`.views.View`)
    views: list[View] = field(default_factory=list)
    #: the page's title, which ``dd-table``'s ``doc`` column shows on other pages
    title: str = ""
    #: cache of :meth:`type_digests`; whoever changes ``items`` resets it to None
    digests: dict[str, bytes] | None = None

    def type_digests(self) -> dict[str, bytes]:
        """Per object type, a digest of the :meth:`Item.state` of this document's objects.

        Kept with the record, which is replaced whenever the document is read again, so
        a build hashes the objects of the documents it read, not of the whole project.
        """
        if self.digests is None:
            states: dict[str, list[tuple[Any, ...]]] = {}
            for item in self.items:
                states.setdefault(item.type, []).append(item.state())
            self.digests = {name: digest((self.title, value)) for name, value in states.items()}
        return self.digests


def option_offset(lines: Sequence[str], name: str) -> int | None:
    """Where option ``name`` is in a directive's text (``lines[0]`` is the directive's
    own line): its offset, or None.  The option block ends at the first blank line, in
    reStructuredText (``:name: value``) and MyST (the same, or ``name: value`` between
    ``---`` lines) alike."""
    pattern = re.compile(rf"^\s*:?{re.escape(name)}\s*:", re.IGNORECASE)
    in_yaml = False
    for offset, text in enumerate(lines[1:], 1):
        if text.strip() == "---":
            in_yaml = not in_yaml
            continue
        if not text.strip() and not in_yaml:
            break
        if pattern.match(text):
            return offset
    return None


def encode(value: Any) -> bytes:
    """Builtin values as bytes, in C.  Version 2 of :mod:`marshal`'s format has no
    back-references, so equal values give equal bytes however their objects are shared
    (a digest must not change because the environment was unpickled)."""
    return marshal.dumps(value, 2)


def digest(value: Any) -> bytes:
    return hashlib.blake2b(encode(value), digest_size=16).digest()
