"""All ``designdoc_*`` settings, each declared once, as a field of :class:`Settings`
that carries its name, default, help, rebuild kind and reader: Sphinx registers them
from there, :func:`build_settings` validates them once per build, and the docs' settings
tables are generated from them.

Nothing here imports Sphinx, so the command line can reuse it cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from .evidence.code import CodeEntry
from .evidence.settings import (
    read_code,
    read_require_implemented,
    read_require_verified,
    read_test_results,
)
from .external_settings import read_external
from .formats import FORMATS
from .safety import safe_url
from .vocabulary import ConfigError, Schema, did_you_mean, name_list
from .vocabulary_config import build_schema

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
#: the values ``designdoc_graph_format`` takes
GRAPH_FORMATS = ("svg", "png")


@dataclass(frozen=True)
class ConfigValue:
    """A ``designdoc_*`` setting as Sphinx registers it and the docs list it."""

    name: str
    default: Any
    help: str
    #: what a change of the value makes Sphinx redo ("env": read every document again)
    rebuild: Literal["", "env"] = "env"


@dataclass
class _Reading:
    """What the readers of one project's settings share: the problems found so far, and
    the vocabulary the settings read after it are checked against (the built-in one
    until the project's is read)."""

    problems: list[str] = field(default_factory=list)
    taken: Callable[[str], str | None] | None = None
    schema: Schema = field(default_factory=lambda: build_schema({}, {}))


#: reads the raw values of a field's settings into the field's value; it notes a problem
#: it can work around in ``reading.problems`` and raises :class:`ConfigError` for a
#: value it cannot use at all, which is then replaced by the default
Reader = Callable[..., Any]


@dataclass(frozen=True)
class _Declared:
    settings: tuple[ConfigValue, ...]
    read: Reader


_DECLARED = "designdoc"


def declare(*settings: ConfigValue, read: Reader) -> Any:
    """A field of :class:`Settings` read from ``settings`` (almost always one): what
    Sphinx registers, the docs list and :func:`build_settings` validates."""
    return field(metadata={_DECLARED: _Declared(settings, read)})


def setting(
    name: str, default: Any, read: Reader, help: str, rebuild: Literal["", "env"] = "env"
) -> Any:
    """A field of :class:`Settings` read from the one setting ``name``."""
    return declare(ConfigValue(name, default, help, rebuild), read=read)


def _read_schema(types: Any, links: Any, reading: _Reading) -> Schema:
    reading.schema = build_schema(types, links, problems=reading.problems, taken=reading.taken)
    return reading.schema


def _read_id_regex(value: Any, reading: _Reading) -> re.Pattern[str]:
    try:
        return re.compile(value)
    except (re.error, TypeError) as exc:
        raise ConfigError(f"designdoc_id_regex is not a valid regular expression: {exc}") from None


def _read_tracing_statuses(value: Any, reading: _Reading) -> frozenset[str]:
    return frozenset(name_list(value, "designdoc_tracing_statuses"))


def _read_decided_scopes(value: Any, reading: _Reading) -> frozenset[str]:
    """The scopes ``value`` means (``development`` is ``dev``); a name that is no scope
    of a type is reported and left out, the others kept."""
    names = name_list(value, "designdoc_decided_scopes")
    types = reading.schema.types.values()
    scope_fields = [f for t in types if (f := t.field("scope")) is not None]
    known = list(dict.fromkeys(c for f in scope_fields for c in f.choices if f.kind == "choice"))
    spellings = {a: c for f in scope_fields for a, c in f.aliases}
    decided: set[str] = set()
    for name in names:
        meaning = spellings.get(name, name)
        if meaning in known or not known:
            decided.add(meaning)
        else:
            reading.problems.append(
                f"designdoc_decided_scopes: {name!r} is not a dependency scope"
                f"{did_you_mean(name, known)} (one of: {', '.join(known)}); it is left out"
            )
    return frozenset(decided)


def _read_min_coverage(value: Any, reading: _Reading) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(f"designdoc_min_coverage must be a number from 0 to 100, not {value!r}")
    return float(value)


def _read_templates(value: Any, reading: _Reading) -> Mapping[str, tuple[tuple[str, ...], ...]]:
    """The project's templates besides ``default``; a template that cannot be read is
    reported and left out, the others kept."""
    templates: dict[str, tuple[tuple[str, ...], ...]] = {"default": DEFAULT_TEMPLATE}
    if not isinstance(value, Mapping):
        raise ConfigError("designdoc_templates must be a dict of name -> list of section titles")
    for name, titles in value.items():
        try:
            templates[str(name)] = parse_template(titles, str(name))
        except ConfigError as exc:
            reading.problems.append(str(exc))
    return templates


def _read_pyproject(value: Any, reading: _Reading) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"designdoc_pyproject must be a path string, not {value!r}")
    return value


def _read_lock(value: Any, reading: _Reading) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(
            f"designdoc_lock must be a path string (relative to conf.py) or None, not {value!r}"
        )
    return value


def _read_exports(value: Any, reading: _Reading) -> tuple[str, ...]:
    """The formats to write besides ``designdoc.json``, each once; an unknown one is
    reported and left out."""
    exports: list[str] = []
    for fmt in name_list(value, "designdoc_exports"):
        if fmt not in EXPORT_FORMATS:
            reading.problems.append(
                f"designdoc_exports: unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})"
            )
        elif fmt != "json" and fmt not in exports:
            exports.append(fmt)
    return tuple(exports)


def _read_needs_types(value: Any, reading: _Reading) -> Mapping[str, str]:
    """Need type -> one of our object types; a pair that names no object type of ours is
    reported and left out."""
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"designdoc_needs_types must map need types to object types, not {value!r}"
        )
    schema = reading.schema
    out: dict[str, str] = {}
    for need_type, ours in value.items():
        typedef = schema.types.get(ours) if isinstance(ours, str) else None
        if not isinstance(need_type, str) or typedef is None or typedef.page_header:
            known = ", ".join(t.name for t in schema.types.values() if not t.page_header)
            reading.problems.append(
                f"designdoc_needs_types[{need_type!r}]: {ours!r} is not an object type "
                f"(one of {known}){did_you_mean(str(ours), list(schema.types))}"
            )
            continue
        out[need_type] = ours
    return out


def _flag(name: str) -> Reader:
    def read(value: Any, reading: _Reading) -> bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be True or False, not {value!r}")
        return value

    return read


def _read_report_base_url(value: Any, reading: _Reading) -> str:
    if not isinstance(value, str) or (value and safe_url(value) is None):
        raise ConfigError(
            f"designdoc_report_base_url must be an http(s) or relative URL, not {value!r}"
        )
    return value


def _read_graph_format(value: Any, reading: _Reading) -> str:
    if value not in GRAPH_FORMATS:
        shown = value if isinstance(value, str) else ""
        raise ConfigError(
            f"designdoc_graph_format must be one of {', '.join(GRAPH_FORMATS)}, not "
            f"{value!r}{did_you_mean(shown, GRAPH_FORMATS)}"
        )
    return str(value)


@dataclass(frozen=True)
class Settings:
    """Validated ``designdoc_*`` settings of one project.

    Each field is the one declaration of its setting (name, default, help, what a change
    makes Sphinx redo, and the reader that validates it), and the field's type is what
    the reader makes of it: Sphinx registration (:data:`CONFIG_VALUES`), validation
    (:func:`build_settings`) and the docs' settings table all come from here.  The
    fields are in the order the docs list them; a reader may use what the fields
    before it read (the vocabulary).  A new setting is one more field here; only prose
    beyond its help goes elsewhere (``docs/configuration.md``).
    """

    id_regex: re.Pattern[str] = setting(
        "designdoc_id_regex",
        DEFAULT_ID_REGEX,
        _read_id_regex,
        "Regular expression every object ID must match.",
    )
    schema: Schema = declare(
        ConfigValue(
            "designdoc_types",
            {},
            "Object types: name -> {label, statuses, fields, inactive_statuses, color}; an "
            "entry for a built-in type changes only the keys it names (fields are added or "
            "replaced by name; a field set to False is removed).",
        ),
        ConfigValue(
            "designdoc_links",
            {},
            "Link types: option -> {incoming, source, target, traces, affects, loops}; an "
            "entry for a built-in link changes only the keys it names.",
        ),
        read=_read_schema,
    )
    tracing_statuses: frozenset[str] = setting(
        "designdoc_tracing_statuses",
        ["accepted", "proposed"],
        _read_tracing_statuses,
        "Statuses of a linking object (e.g. a decision) that make its links count for tracing.",
    )
    #: dependency scopes (their meaning: ``dev``, not ``development``) that need a decision
    decided_scopes: frozenset[str] = setting(
        "designdoc_decided_scopes",
        ["runtime"],
        _read_decided_scopes,
        "Dependency scopes (runtime, dev, test, build, docs) whose dependencies must be "
        "used (:uses:) by a counting decision, or warn designdoc.unused; a service "
        "dependency is decided with runtime.",
    )
    min_coverage: float = setting(
        "designdoc_min_coverage",
        0,
        _read_min_coverage,
        "Minimum traced share of requirements, in percent; 0 turns the check off.",
    )
    templates: Mapping[str, tuple[tuple[str, ...], ...]] = setting(
        "designdoc_templates",
        {},
        _read_templates,
        "Section templates: name -> list of required top-level section titles "
        "(a title may be a list of aliases).",
    )
    pyproject: str | None = setting(
        "designdoc_pyproject",
        None,
        _read_pyproject,
        "Path (relative to the source folder) of a pyproject.toml to check dependencies against.",
    )
    lock: str | None = setting(
        "designdoc_lock",
        "designdoc.lock",
        _read_lock,
        "The file of reviewed links (relative to conf.py): a link whose target changed "
        "since it was stamped there is suspect (designdoc.suspect); designdoc review "
        "accept writes it. Nothing changes while the file is absent; None turns it off.",
        rebuild="",
    )
    test_results: tuple[str, ...] = setting(
        "designdoc_test_results",
        [],
        read_test_results,
        "JUnit XML files (globs relative to conf.py), read in every build: a test's "
        "verifies property (the pytest marker) or an object's :verified-by: gives the "
        "object a verification (passed, failed, skipped, missing); a failure warns "
        "designdoc.failing.",
        rebuild="",
    )
    require_verified: frozenset[str] = setting(
        "designdoc_require_verified",
        False,
        read_require_verified,
        "Warn designdoc.unverified for each settled object of a verifiable type (True) or "
        "of the types listed that no passing test verifies; status verified always is.",
        rebuild="",
    )
    code: tuple[CodeEntry, ...] = setting(
        "designdoc_code",
        [],
        read_code,
        "Source files scanned for tags naming objects: [{paths: [globs relative to "
        "conf.py], pattern: a regex with (?P<id>...) (default: implements: ID / satisfies: "
        "ID), url: 'https://.../blob/{commit}/{path}#L{line}'}]; read in every build.",
        rebuild="",
    )
    require_implemented: frozenset[str] = setting(
        "designdoc_require_implemented",
        False,
        read_require_implemented,
        "Warn designdoc.unimplemented for each settled object (an accepted decision: True) "
        "or of the types listed that no designdoc_code tag names.",
        rebuild="",
    )
    exports: tuple[str, ...] = setting(
        "designdoc_exports",
        [],
        _read_exports,
        "Report formats written next to designdoc.json in every build "
        # json is designdoc.json itself, which every build writes
        f"({', '.join(name for name in EXPORT_FORMATS if name != 'json')}).",
    )
    external: tuple[Mapping[str, Any], ...] = setting(
        "designdoc_external",
        [],
        read_external,
        "Objects from other projects: [{path or url, prefix, base_url, types, timeout}] of "
        "designdoc.json or needs.json files (a url is fetched once per build, within its "
        "timeout, and cached; it is shown without credentials or query values).",
    )
    #: sphinx-needs need type -> our type, for the project's own needs
    needs_types: Mapping[str, str] = setting(
        "designdoc_needs_types",
        {},
        _read_needs_types,
        "With sphinx-needs: need types whose needs are objects of one of ours, e.g. "
        "{'req': 'requirement'}, so decisions can address them (checks, views, reports).",
    )
    plain_directives: bool = setting(
        "designdoc_plain_directives",
        True,
        _flag("designdoc_plain_directives"),
        "Register each type under its plain name (requirement) besides dd:requirement; "
        "a name a sphinx-needs need type already has stays the need type's.",
    )
    report_base_url: str = setting(
        "designdoc_report_base_url",
        "",
        _read_report_base_url,
        "Absolute URL of the built pages, put in front of the links of the html and md "
        "reports (for reports read away from the output folder); empty: relative links.",
        rebuild="",
    )
    gc_freeze: bool = setting(
        "designdoc_gc_freeze",
        True,
        _flag("designdoc_gc_freeze"),
        "Keep long-lived objects out of Python's cyclic garbage collector until the build "
        "ends: the environment an incremental build loads, and in a parallel build what "
        "exists before Sphinx forks its readers and its writers (faster incremental and "
        "parallel builds of large projects).",
        rebuild="",
    )
    #: how ``dd-graph`` is drawn in HTML (:data:`GRAPH_FORMATS`)
    graph_format: str = setting(
        "designdoc_graph_format",
        "svg",
        _read_graph_format,
        "How dd-graph is drawn in HTML: svg (in the page: boxes link to their objects and "
        "take the theme's colours, light or dark) or png (a picture with a link over each "
        "box, scaled with it). Other builders draw as sphinx.ext.graphviz does, and the "
        "project's graphviz_output_format stays its own graphviz directives'.",
    )


def _declared() -> tuple[tuple[str, _Declared], ...]:
    return tuple((f.name, f.metadata[_DECLARED]) for f in fields(Settings))


#: every ``designdoc_*`` setting, in the order the docs list them
CONFIG_VALUES: tuple[ConfigValue, ...] = tuple(
    value for _, declared in _declared() for value in declared.settings
)
#: each setting's default, by name
DEFAULTS: Mapping[str, Any] = {value.name: value.default for value in CONFIG_VALUES}


def parse_template(value: Any, name: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list | tuple):
        raise ConfigError(f"designdoc_templates[{name!r}] must be a list of section titles")
    out = []
    for entry in value:
        titles = (entry,) if isinstance(entry, str) else name_list(entry, f"template {name!r}")
        if not titles:
            raise ConfigError(f"designdoc_templates[{name!r}] has an empty entry")
        out.append(titles)
    return tuple(out)


def build_settings(
    values: Mapping[str, Any], taken: Callable[[str], str | None] | None = None
) -> tuple[Settings, list[str]]:
    """Validate raw ``designdoc_*`` values; return settings and one message per problem.

    A bad value never stops a build: it is reported and its default is used instead
    (read against the built-in vocabulary, which the defaults are written for).
    ``taken`` is passed to :func:`build_schema`.
    """
    reading = _Reading(taken=taken)
    read: dict[str, Any] = {}
    for name, declared in _declared():
        raw = [values.get(value.name, value.default) for value in declared.settings]
        try:
            read[name] = declared.read(*raw, reading)
        except ConfigError as exc:
            reading.problems.append(str(exc))
            defaults = [value.default for value in declared.settings]
            read[name] = declared.read(*defaults, _Reading())
    return Settings(**read), reading.problems


def config_values(config: Any) -> dict[str, Any]:
    """The raw ``designdoc_*`` values of a Sphinx configuration (or of anything with
    them as attributes), defaults where one is missing."""
    return {value.name: getattr(config, value.name, value.default) for value in CONFIG_VALUES}
