"""All ``designdoc_*`` settings and the object/link vocabulary they define.

The built-in types and links are declared with exactly the same structures that
``designdoc_types`` and ``designdoc_links`` produce, so custom vocabulary is
first-class everywhere (directives, views, checks, reports) without special cases.
Nothing here imports Sphinx, so the command line can reuse it cheaply.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .reports import FORMATS

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

    @property
    def default_status(self) -> str:
        return self.statuses[0]

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


COMMON_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("tags", "list", help="comma-separated tags"),
    FieldDef("owner", "text", help="who owns the object"),
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
                ("runtime", "development", "service"),
                default="runtime",
                help="runtime, development or service",
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
            FieldDef("template", "text", default="default", help="section template name"),
        ),
        inactive_statuses=("obsolete",),
        color="#f3e8ff",
        page_header=True,
    ),
)

BUILTIN_LINKS: tuple[LinkDef, ...] = (
    LinkDef("addresses", "addressed by", ("decision",), ("requirement",), traces=True),
    LinkDef("uses", "used by", ("decision",), ("dependency",)),
    LinkDef("supersedes", "superseded by", ("decision",), ("decision",)),
    LinkDef("refines", "refined by", ("requirement",), ("requirement",)),
)

#: The top-level sections of the design-document template, in order.  Each entry is a
#: tuple of accepted titles (the first is canonical, the rest are aliases).
DEFAULT_TEMPLATE: tuple[tuple[str, ...], ...] = (
    ("Current Context",),
    ("Requirements",),
    ("Design Decisions",),
    ("Technical Design",),
    ("Implementation Plan",),
    ("Observability",),
    ("Future Considerations",),
    ("Dependencies",),
    ("Security Considerations",),
    ("Rollout Strategy",),
    ("References",),
)

DEFAULT_ID_REGEX = r"^[A-Za-z][A-Za-z0-9_.:-]*$"
#: formats ``designdoc_exports`` accepts: the report registry is the one list of them
EXPORT_FORMATS = tuple(FORMATS)


@dataclass(frozen=True)
class ConfigValue:
    """A ``designdoc_*`` setting: the one place that names its default and meaning."""

    name: str
    default: Any
    types: tuple[type, ...]
    help: str
    #: what a change of the value makes Sphinx redo ("env": read every document again)
    rebuild: Literal["", "env"] = "env"


CONFIG_VALUES: tuple[ConfigValue, ...] = (
    ConfigValue(
        "designdoc_id_regex",
        DEFAULT_ID_REGEX,
        (str,),
        "Regular expression every object ID must match.",
    ),
    ConfigValue(
        "designdoc_types",
        {},
        (dict, list),
        "Extra object types: name -> {label, statuses, fields, inactive_statuses, color}.",
    ),
    ConfigValue(
        "designdoc_links",
        {},
        (dict, list),
        "Extra link types: option -> {incoming, source, target, traces}.",
    ),
    ConfigValue(
        "designdoc_tracing_statuses",
        ["accepted", "proposed"],
        (list, tuple),
        "Statuses of a linking object (e.g. a decision) that make its links count for tracing.",
    ),
    ConfigValue(
        "designdoc_min_coverage",
        0,
        (int, float),
        "Minimum traced share of requirements, in percent; 0 turns the check off.",
    ),
    ConfigValue(
        "designdoc_templates",
        {},
        (dict,),
        "Section templates: name -> list of required top-level section titles "
        "(a title may be a list of aliases).",
    ),
    ConfigValue(
        "designdoc_pyproject",
        None,
        (str, type(None)),
        "Path (relative to the source folder) of a pyproject.toml to check dependencies against.",
    ),
    ConfigValue(
        "designdoc_exports",
        [],
        (list, tuple),
        "Report formats written next to designdoc.json in every build "
        "(csv, md, html, junit, sarif, needs).",
    ),
    ConfigValue(
        "designdoc_external",
        [],
        (list, tuple),
        "Objects from other projects: [{path, prefix, base_url}] of designdoc.json or needs.json.",
    ),
    ConfigValue(
        "designdoc_gc_freeze",
        True,
        (bool,),
        "Keep the objects loaded with the environment out of Python's cyclic garbage "
        "collector until the build ends (faster incremental builds of large projects).",
        rebuild="",
    ),
)


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

    def to_json(self) -> dict[str, Any]:
        return {
            "types": {
                t.name: {
                    "label": t.label,
                    "statuses": list(t.statuses),
                    "inactive_statuses": list(t.inactive_statuses),
                    "fields": {
                        f.name: {"kind": f.kind, "choices": list(f.choices), "default": f.default}
                        for f in t.fields
                    },
                }
                for t in self.types.values()
            },
            "links": {
                link.name: {
                    "incoming": link.incoming,
                    "sources": list(link.sources),
                    "targets": list(link.targets),
                    "traces": link.traces,
                }
                for link in self.links.values()
            },
        }


def schema_from_json(vocabulary: Mapping[str, Any]) -> Schema:
    """The inverse of :meth:`Schema.to_json`: a report's vocabulary as a Schema, so tools
    reading ``designdoc.json`` walk it with the same :class:`~.graph.Graph` as a build."""
    types = {
        name: TypeDef(
            name=name,
            label=str(spec.get("label", name)),
            statuses=tuple(spec.get("statuses") or ("",)),
            fields=tuple(
                FieldDef(
                    fname,
                    str(f.get("kind", "text")),
                    tuple(f.get("choices") or ()),
                    f.get("default"),
                )
                for fname, f in (spec.get("fields") or {}).items()
            ),
            inactive_statuses=tuple(spec.get("inactive_statuses") or ()),
        )
        for name, spec in (vocabulary.get("types") or {}).items()
    }
    links = {
        name: LinkDef(
            name,
            str(spec.get("incoming", name)),
            tuple(spec.get("sources") or ()),
            tuple(spec.get("targets") or ()),
            bool(spec.get("traces")),
        )
        for name, spec in (vocabulary.get("links") or {}).items()
    }
    return Schema(types, links)


@dataclass(frozen=True)
class Settings:
    """Validated ``designdoc_*`` settings of one project."""

    schema: Schema
    id_regex: re.Pattern[str]
    tracing_statuses: frozenset[str]
    min_coverage: float = 0.0
    templates: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    pyproject: str | None = None
    exports: tuple[str, ...] = ()
    external: tuple[Mapping[str, Any], ...] = ()


def _names(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings, not {value!r}")
    return tuple(value)


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
        return FieldDef(name, "choice", _names(spec, f"choices of field {name!r}"))
    if isinstance(spec, str):
        if spec not in FIELD_KINDS:
            raise ConfigError(
                f"field {name!r}: kind {spec!r} is not one of {', '.join(FIELD_KINDS)}"
            )
        return FieldDef(name, spec)
    if isinstance(spec, Mapping):
        choices = _names(spec.get("choices"), f"choices of field {name!r}")
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


def build_schema(
    extra_types: Any = None,
    extra_links: Any = None,
    *,
    problems: list[str] | None = None,
    taken: Callable[[str], str | None] | None = None,
) -> Schema:
    """Merge project vocabulary into the built-in one.

    Without ``problems``, the first unusable entry raises :class:`ConfigError`.  With
    it, each unusable type or link is left out and described there, and the rest of the
    vocabulary is kept: one typo must not take a project's other types away.
    ``taken(name)`` says what else already owns a directive name (a type is a
    directive of its name), or None when it is free.
    """

    def refuse(exc: ConfigError) -> None:
        if problems is None:
            raise exc
        problems.append(str(exc))

    types: dict[str, TypeDef] = {t.name: t for t in BUILTIN_TYPES}
    try:
        type_entries = _entries(extra_types or {}, "designdoc_types")
    except ConfigError as exc:
        refuse(exc)
        type_entries = []
    for name, spec in type_entries:
        try:
            types[name] = _type_def(name, spec, None if name in types else taken)
        except ConfigError as exc:
            refuse(exc)
    links: dict[str, LinkDef] = {link.name: link for link in BUILTIN_LINKS}
    try:
        link_entries = _entries(extra_links or {}, "designdoc_links")
    except ConfigError as exc:
        refuse(exc)
        link_entries = []
    for name, spec in link_entries:
        try:
            links[name] = _link_def(name, spec, types)
        except ConfigError as exc:
            refuse(exc)
    return Schema(types=types, links=links)


def _type_def(
    name: str, spec: Mapping[str, Any], taken: Callable[[str], str | None] | None
) -> TypeDef:
    owner = taken(name) if taken is not None else None
    if owner:
        raise ConfigError(
            f"designdoc_types[{name!r}] is refused: {name!r} is already {owner}, and a type "
            "makes a directive of its name; choose another name"
        )
    statuses = _names(spec.get("statuses", ["draft", "approved"]), f"statuses of {name!r}")
    if not statuses:
        raise ConfigError(f"designdoc_types[{name!r}] needs at least one status")
    raw_fields = spec.get("fields", {})
    if isinstance(raw_fields, list | tuple):
        raw_fields = dict.fromkeys(raw_fields)
    if not isinstance(raw_fields, Mapping):
        raise ConfigError(f"designdoc_types[{name!r}]['fields'] must be a dict or a list")
    fields = tuple(_field_def(str(k), v) for k, v in raw_fields.items())
    for f in fields:
        if f.name in RESERVED_OPTIONS:
            raise ConfigError(f"designdoc_types[{name!r}]: field {f.name!r} is reserved")
    return TypeDef(
        name=name,
        label=str(spec.get("label", name.replace("-", " ").replace("_", " ").capitalize())),
        statuses=statuses,
        fields=fields,
        inactive_statuses=_names(spec.get("inactive_statuses", ()), "inactive_statuses"),
        color=str(spec.get("color", "#e5e7eb")),
    )


def _link_def(name: str, spec: Mapping[str, Any], types: Mapping[str, TypeDef]) -> LinkDef:
    sources = _names(spec.get("source", spec.get("sources")), f"source of link {name!r}")
    targets = _names(spec.get("target", spec.get("targets")), f"target of link {name!r}")
    for t in (*sources, *targets):
        if t not in types:
            raise ConfigError(f"designdoc_links[{name!r}] names unknown type {t!r}")
    if not sources or not targets:
        raise ConfigError(f"designdoc_links[{name!r}] needs 'source' and 'target' types")
    incoming = spec.get("incoming", f"{name} (incoming)")
    if not isinstance(incoming, str):
        raise ConfigError(f"designdoc_links[{name!r}]['incoming'] must be a string")
    for t in sources:
        if types[t].field(name) or name in RESERVED_OPTIONS:
            raise ConfigError(f"link {name!r} clashes with an option of type {t!r}")
    return LinkDef(name, incoming, sources, targets, bool(spec.get("traces", False)))


def parse_template(value: Any, name: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list | tuple):
        raise ConfigError(f"designdoc_templates[{name!r}] must be a list of section titles")
    out = []
    for entry in value:
        titles = (entry,) if isinstance(entry, str) else _names(entry, f"template {name!r}")
        if not titles:
            raise ConfigError(f"designdoc_templates[{name!r}] has an empty entry")
        out.append(titles)
    return tuple(out)


def external_entry_problem(entry: Any) -> str | None:
    """Why a ``designdoc_external`` entry cannot be used, or None when it can."""
    if not isinstance(entry, Mapping):
        return f"designdoc_external entries must be dicts with a 'path', not {entry!r}"
    if not isinstance(entry.get("path"), str) or not entry["path"]:
        return f"designdoc_external entries need a 'path' string: {entry!r}"
    for key in ("prefix", "base_url"):
        if key in entry and not isinstance(entry[key], str):
            return f"designdoc_external {entry['path']!r}: {key!r} must be a string"
    types = entry.get("types", {})
    if not isinstance(types, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in types.items()
    ):
        return f"designdoc_external {entry['path']!r}: 'types' must map type names to type names"
    return None


def build_settings(
    values: Mapping[str, Any], taken: Callable[[str], str | None] | None = None
) -> tuple[Settings, list[str]]:
    """Validate raw ``designdoc_*`` values; return settings and one message per problem.

    A bad value never stops a build: it is reported and its default is used instead.
    ``taken`` is passed to :func:`build_schema`.
    """
    problems: list[str] = []
    defaults = {cv.name: cv.default for cv in CONFIG_VALUES}

    def get(name: str) -> Any:
        return values.get(name, defaults[name])

    schema = build_schema(
        get("designdoc_types"), get("designdoc_links"), problems=problems, taken=taken
    )
    try:
        id_regex = re.compile(get("designdoc_id_regex"))
    except (re.error, TypeError) as exc:
        problems.append(f"designdoc_id_regex is not a valid regular expression: {exc}")
        id_regex = re.compile(DEFAULT_ID_REGEX)
    try:
        tracing = frozenset(_names(get("designdoc_tracing_statuses"), "designdoc_tracing_statuses"))
    except ConfigError as exc:
        problems.append(str(exc))
        tracing = frozenset(defaults["designdoc_tracing_statuses"])
    if not isinstance(get("designdoc_gc_freeze"), bool):
        problems.append(
            f"designdoc_gc_freeze must be True or False, not {get('designdoc_gc_freeze')!r}"
        )
    min_cov = get("designdoc_min_coverage")
    if isinstance(min_cov, bool) or not isinstance(min_cov, int | float) or not 0 <= min_cov <= 100:
        problems.append(f"designdoc_min_coverage must be a number from 0 to 100, not {min_cov!r}")
        min_cov = 0
    templates: dict[str, tuple[tuple[str, ...], ...]] = {"default": DEFAULT_TEMPLATE}
    raw_templates = get("designdoc_templates")
    if isinstance(raw_templates, Mapping):
        for tname, tvalue in raw_templates.items():
            try:
                templates[str(tname)] = parse_template(tvalue, str(tname))
            except ConfigError as exc:
                problems.append(str(exc))
    else:
        problems.append("designdoc_templates must be a dict of name -> list of section titles")
    pyproject = get("designdoc_pyproject")
    if pyproject is not None and not isinstance(pyproject, str):
        problems.append(f"designdoc_pyproject must be a path string, not {pyproject!r}")
        pyproject = None
    exports: list[str] = []
    try:
        for fmt in _names(get("designdoc_exports"), "designdoc_exports"):
            if fmt not in EXPORT_FORMATS:
                problems.append(
                    f"designdoc_exports: unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})"
                )
            elif fmt != "json" and fmt not in exports:
                exports.append(fmt)
    except ConfigError as exc:
        problems.append(str(exc))
    external: list[Mapping[str, Any]] = []
    raw_external = get("designdoc_external")
    if isinstance(raw_external, list | tuple):
        for entry in raw_external:
            problem = external_entry_problem(entry)
            if problem is None:
                external.append(entry)
            else:
                problems.append(problem)
    else:
        problems.append("designdoc_external must be a list of {path, prefix, base_url} dicts")
    return (
        Settings(
            schema=schema,
            id_regex=id_regex,
            tracing_statuses=tracing,
            min_coverage=float(min_cov),
            templates=templates,
            pyproject=pyproject,
            exports=tuple(exports),
            external=tuple(external),
        ),
        problems,
    )


class ConfLocation:
    """Where ``conf.py`` sets each ``designdoc_*`` setting, so that a problem with a
    setting is a located warning like any other.  The file is read once, when a
    problem first needs a line."""

    def __init__(self, conf_py: str | os.PathLike[str], srcdir: str | os.PathLike[str]) -> None:
        self.path = Path(conf_py)
        #: ``conf.py`` relative to the source folder, as findings name files
        self.source = os.path.relpath(self.path, srcdir).replace(os.sep, "/")
        self._lines: list[str] | None = None

    def line(self, message: str) -> int:
        """The line that sets the first ``designdoc_*`` setting ``message`` names (the
        vocabulary settings when it names none); 1 when conf.py does not set it."""
        if self._lines is None:
            try:
                self._lines = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []
        names = re.findall(r"designdoc_[a-z_]+", message) or ["designdoc_types", "designdoc_links"]
        for number, text in enumerate(self._lines, 1):
            if any(re.match(rf"\s*{name}\s*[=+\[]", text) for name in names):
                return number
        return 1
