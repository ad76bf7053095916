"""``designdoc_types`` and ``designdoc_links`` read into the vocabulary in force: a
project's own types and links, and changes to the built-in ones.

An entry for a built-in type or link changes only the keys it names, so a project that
extends the built-in vocabulary (one more status, one more field) keeps the rest of it.
No Sphinx here: :mod:`.config` validates the settings with it once per build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .vocabulary import (
    BUILTIN_LINKS,
    BUILTIN_TYPES,
    FIELD_KINDS,
    ConfigError,
    FieldDef,
    LinkDef,
    Schema,
    TypeDef,
    did_you_mean,
    name_list,
)


def _entries(value: Any, what: str) -> list[tuple[str, Mapping[str, Any]]]:
    """Accept both ``{name: {...}}`` and ``[{"name": ..., ...}]`` forms."""
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple):
        items = []
        for entry in value:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                raise ConfigError(f"each entry of {what} needs a 'name': {entry!r}")
            items.append((entry["name"], entry))
    else:
        raise ConfigError(f"{what} must be a dict or a list, not {type(value).__name__}")
    for name, spec in items:
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise ConfigError(f"{what}: {name!r} is not a valid name (lower-case, a-z0-9_-)")
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{what}[{name!r}] must be a dict, not {spec!r}")
    return items


def _field_def(name: str, spec: Any) -> FieldDef:
    if spec is None:
        return FieldDef(name)
    if isinstance(spec, list | tuple):
        return FieldDef(name, "choice", name_list(spec, f"choices of field {name!r}"))
    if isinstance(spec, str):
        if spec not in FIELD_KINDS:
            raise ConfigError(
                f"field {name!r}: kind {spec!r} is not one of {', '.join(FIELD_KINDS)}"
            )
        return FieldDef(name, spec)
    if isinstance(spec, Mapping):
        choices = name_list(spec.get("choices"), f"choices of field {name!r}")
        kind = spec.get("kind", "choice" if choices else "text")
        if kind not in FIELD_KINDS:
            raise ConfigError(
                f"field {name!r}: kind {kind!r} is not one of {', '.join(FIELD_KINDS)}"
            )
        default = spec.get("default")
        separator = str(spec.get("separator", ","))
        return FieldDef(
            name, kind, choices, None if default is None else str(default), separator=separator
        )
    raise ConfigError(f"field {name!r}: cannot read {spec!r}")


RESERVED_OPTIONS = frozenset({"id", "status", "tags", "owner"})
#: the keys an entry of ``designdoc_types`` / ``designdoc_links`` may have
TYPE_KEYS: tuple[str, ...] = (
    *("name", "label", "statuses", "inactive_statuses", "fields", "color"),
    "verifiable",
)
LINK_KEYS: tuple[str, ...] = (
    *("name", "incoming", "source", "sources", "target", "targets"),
    *("traces", "affects", "loops"),
)


def build_schema(
    extra_types: Any = None,
    extra_links: Any = None,
    *,
    problems: list[str] | None = None,
    taken: Callable[[str], str | None] | None = None,
) -> Schema:
    """Merge project vocabulary into the built-in one.

    An entry for a built-in type or link changes only the keys it names (its other
    statuses, fields and settings stay), so extending the built-in vocabulary never
    loses it; an entry of another name defines a type or link of its own.

    Without ``problems``, the first unusable entry raises :class:`ConfigError` (and
    what is only worth a note is not said).  With it, each unusable type or link is
    left out and described there, and the rest of the vocabulary is kept: one typo must
    not take a project's other types away; a note (an unknown key, an inactive status
    that is no longer a status) is described there too, and the entry kept.
    ``taken(name)`` says what else already owns a directive name (a type is a
    directive of its name), or None when it is free.
    """

    def refuse(exc: ConfigError) -> None:
        if problems is None:
            raise exc
        problems.append(str(exc))

    def note(message: str) -> None:
        if problems is not None:
            problems.append(message)

    def merge(into: dict[str, Any], raw: Any, what: str, make: Callable[..., Any]) -> None:
        try:
            entries = _entries(raw or {}, what)
        except ConfigError as exc:
            refuse(exc)
            return
        for name, spec in entries:
            try:
                into[name] = make(name, spec)
            except ConfigError as exc:
                refuse(exc)

    builtin_types = {t.name: t for t in BUILTIN_TYPES}
    builtin_links = {link.name: link for link in BUILTIN_LINKS}
    types: dict[str, TypeDef] = dict(builtin_types)
    merge(
        types,
        extra_types,
        "designdoc_types",
        lambda name, spec: _type_def(
            name, spec, builtin_types.get(name), None if name in types else taken, note
        ),
    )
    links: dict[str, LinkDef] = dict(builtin_links)
    merge(
        links,
        extra_links,
        "designdoc_links",
        lambda name, spec: _link_def(name, spec, types, builtin_links.get(name), note),
    )
    return Schema(types=types, links=links)


def _unknown_keys(what: str, spec: Mapping[str, Any], known: Sequence[str]) -> list[str]:
    """A note for each key of an entry that means nothing (``status`` for
    ``statuses``): it would otherwise change nothing, silently."""
    return [
        f"{what}: unknown key {key!r}{did_you_mean(str(key), known)} is ignored "
        f"(known: {', '.join(k for k in known if k != 'name')})"
        for key in spec
        if key not in known
    ]


def _type_def(
    name: str,
    spec: Mapping[str, Any],
    base: TypeDef | None,
    taken: Callable[[str], str | None] | None,
    note: Callable[[str], None],
) -> TypeDef:
    """A project's type, or a built-in type (``base``) with the keys ``spec`` names
    changed: ``statuses`` and ``inactive_statuses`` replace the type's, ``fields`` are
    added to its fields or replace those of their name (``False`` removes one), and
    every key not named keeps the built-in value."""
    what = f"designdoc_types[{name!r}]"
    owner = taken(name) if taken is not None else None
    if owner:
        raise ConfigError(
            f"{what} is refused: {name!r} is already {owner}, and a type "
            "makes a directive of its name; choose another name"
        )
    if "statuses" in spec or base is None:
        statuses = name_list(spec.get("statuses", ["draft", "approved"]), f"statuses of {name!r}")
    else:
        statuses = base.statuses
    if not statuses:
        raise ConfigError(f"{what} needs at least one status")
    fields = _fields(what, name, spec.get("fields", {}), base, note)
    given_inactive = "inactive_statuses" in spec or base is None
    inactive = (
        name_list(spec.get("inactive_statuses", ()), "inactive_statuses")
        if given_inactive
        else base.inactive_statuses  # type: ignore[union-attr]  # base is set
    )
    for lost in (s for s in inactive if s not in statuses):
        note(
            f"{what}: inactive status {lost!r} is not one of its statuses "
            f"({', '.join(statuses)}), so it is dropped; add it to 'statuses', or "
            + (
                "remove it from 'inactive_statuses'"
                if given_inactive
                else "give 'inactive_statuses' to say which statuses take a "
                f"{name} out of tracing and coverage"
            )
        )
    for message in _unknown_keys(what, spec, TYPE_KEYS):
        note(message)
    default_label = name.replace("-", " ").replace("_", " ").capitalize()
    verifiable = spec.get("verifiable", base.verifiable if base else False)
    if not isinstance(verifiable, bool):
        raise ConfigError(f"{what}['verifiable'] must be True or False, not {verifiable!r}")
    return TypeDef(
        name=name,
        label=str(spec.get("label", base.label if base else default_label)),
        statuses=statuses,
        fields=fields,
        inactive_statuses=tuple(s for s in inactive if s in statuses),
        color=str(spec.get("color", base.color if base else "#e5e7eb")),
        page_header=base.page_header if base else False,
        verifiable=verifiable,
    )


def _fields(
    what: str, name: str, raw: Any, base: TypeDef | None, note: Callable[[str], None]
) -> tuple[FieldDef, ...]:
    """The ``fields`` of an entry merged by name into ``base``'s fields (kept in their
    order, new ones after them); ``False`` removes a field."""
    if isinstance(raw, list | tuple):
        raw = dict.fromkeys(raw)
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{what}['fields'] must be a dict or a list")
    fields = {f.name: f for f in (base.fields if base else ())}
    own_links = {link.name for link in BUILTIN_LINKS if name in link.sources} if base else set()
    for key, value in raw.items():
        field_name = str(key)
        if value is False:
            if fields.pop(field_name, None) is None:
                note(f"{what}: {field_name!r} is not a field of {name}, so there is none to remove")
            continue
        if field_name in RESERVED_OPTIONS:
            raise ConfigError(f"{what}: field {field_name!r} is reserved")
        if field_name in own_links:
            raise ConfigError(
                f"{what}: field {field_name!r} clashes with the link option "
                f":{field_name}: of a {name}"
            )
        fields[field_name] = _field_def(field_name, value)
    return tuple(fields.values())


def _link_def(
    name: str,
    spec: Mapping[str, Any],
    types: Mapping[str, TypeDef],
    base: LinkDef | None,
    note: Callable[[str], None],
) -> LinkDef:
    """A project's link type, or a built-in one (``base``) with the keys ``spec`` names
    changed."""
    what = f"designdoc_links[{name!r}]"

    def ends(one: str, many: str, kept: tuple[str, ...]) -> tuple[str, ...]:
        if base is not None and one not in spec and many not in spec:
            return kept
        return name_list(spec.get(one, spec.get(many)), f"{one} of link {name!r}")

    sources = ends("source", "sources", base.sources if base else ())
    targets = ends("target", "targets", base.targets if base else ())
    for t in (*sources, *targets):
        if t not in types:
            raise ConfigError(f"{what} names unknown type {t!r}")
    if not sources or not targets:
        raise ConfigError(f"{what} needs 'source' and 'target' types")
    incoming = spec.get("incoming", base.incoming if base else f"{name} (incoming)")
    if not isinstance(incoming, str):
        raise ConfigError(f"{what}['incoming'] must be a string")
    for t in sources:
        if types[t].field(name) or name in RESERVED_OPTIONS:
            raise ConfigError(f"link {name!r} clashes with an option of type {t!r}")
    kept_affects = next((k for k, v in AFFECTS.items() if base and v == base.affects), "both")
    affects = spec.get("affects", kept_affects)
    if affects not in AFFECTS:
        raise ConfigError(f"{what}['affects'] must be one of {', '.join(AFFECTS)}, not {affects!r}")
    loops = spec.get("loops", base.loops if base else False)
    if not isinstance(loops, bool):
        raise ConfigError(f"{what}['loops'] must be True or False")
    for message in _unknown_keys(what, spec, LINK_KEYS):
        note(message)
    return LinkDef(
        name,
        incoming,
        sources,
        targets,
        bool(spec.get("traces", base.traces if base else False)),
        AFFECTS[affects],
        loops,
    )


#: ``affects`` in ``designdoc_links``: which end a change of the other end affects
AFFECTS = {"both": ("source", "target"), "source": ("source",), "target": ("target",)}
