"""All ``designdoc_*`` settings: their defaults and meaning (one table, which the docs'
settings reference is generated from), and their validation, done once per build.

Nothing here imports Sphinx, so the command line can reuse it cheaply.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .formats import FORMATS
from .safety import redact_url, safe_url, url_scheme
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
        "Object types: name -> {label, statuses, fields, inactive_statuses, color}; an "
        "entry for a built-in type changes only the keys it names (fields are added or "
        "replaced by name; a field set to False is removed).",
    ),
    ConfigValue(
        "designdoc_links",
        {},
        (dict, list),
        "Link types: option -> {incoming, source, target, traces, affects, loops}; an "
        "entry for a built-in link changes only the keys it names.",
    ),
    ConfigValue(
        "designdoc_tracing_statuses",
        ["accepted", "proposed"],
        (list, tuple),
        "Statuses of a linking object (e.g. a decision) that make its links count for tracing.",
    ),
    ConfigValue(
        "designdoc_decided_scopes",
        ["runtime"],
        (list, tuple),
        "Dependency scopes (runtime, dev, test, build, docs) whose dependencies must be "
        "used (:uses:) by a counting decision, or warn designdoc.unused; a service "
        "dependency is decided with runtime.",
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
        "Objects from other projects: [{path or url, prefix, base_url, types, timeout}] of "
        "designdoc.json or needs.json files (a url is fetched once per build, within its "
        "timeout, and cached; it is shown without credentials or query values).",
    ),
    ConfigValue(
        "designdoc_needs_types",
        {},
        (dict,),
        "With sphinx-needs: need types whose needs are objects of one of ours, e.g. "
        "{'req': 'requirement'}, so decisions can address them (checks, views, reports).",
    ),
    ConfigValue(
        "designdoc_plain_directives",
        True,
        (bool,),
        "Register each type under its plain name (requirement) besides dd:requirement; "
        "a name a sphinx-needs need type already has stays the need type's.",
    ),
    ConfigValue(
        "designdoc_report_base_url",
        "",
        (str,),
        "Absolute URL of the built pages, put in front of the links of the html and md "
        "reports (for reports read away from the output folder); empty: relative links.",
        rebuild="",
    ),
    ConfigValue(
        "designdoc_gc_freeze",
        True,
        (bool,),
        "Keep long-lived objects out of Python's cyclic garbage collector until the build "
        "ends: the environment an incremental build loads, and in a parallel build what "
        "exists before Sphinx forks its readers and its writers (faster incremental and "
        "parallel builds of large projects).",
        rebuild="",
    ),
    ConfigValue(
        "designdoc_graph_format",
        "svg",
        (str,),
        "How dd-graph is drawn in HTML: svg (in the page: boxes link to their objects and "
        "take the theme's colours, light or dark) or png (a picture with a link over each "
        "box, scaled with it). Other builders draw as sphinx.ext.graphviz does, and the "
        "project's graphviz_output_format stays its own graphviz directives'.",
    ),
)

#: the values ``designdoc_graph_format`` takes
GRAPH_FORMATS = ("svg", "png")


@dataclass(frozen=True)
class Settings:
    """Validated ``designdoc_*`` settings of one project."""

    schema: Schema
    id_regex: re.Pattern[str]
    tracing_statuses: frozenset[str]
    #: dependency scopes (their meaning: ``dev``, not ``development``) that need a decision
    decided_scopes: frozenset[str] = frozenset({"runtime"})
    min_coverage: float = 0.0
    templates: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    pyproject: str | None = None
    exports: tuple[str, ...] = ()
    external: tuple[Mapping[str, Any], ...] = ()
    report_base_url: str = ""
    gc_freeze: bool = True
    #: sphinx-needs need type -> our type, for the project's own needs
    needs_types: Mapping[str, str] = field(default_factory=dict)
    plain_directives: bool = True
    #: how ``dd-graph`` is drawn in HTML (:data:`GRAPH_FORMATS`)
    graph_format: str = "svg"


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


def _shown_entry(entry: Any) -> Any:
    """``entry`` as a warning may quote it: every string in it that holds a URL redacted
    (it may hold credentials, whatever key it is under)."""
    if isinstance(entry, str):
        return redact_url(entry) if "://" in entry else entry
    if isinstance(entry, Mapping):
        return {k: _shown_entry(v) for k, v in entry.items()}
    if isinstance(entry, list | tuple):
        return [_shown_entry(v) for v in entry]
    return entry


def external_entry_problem(entry: Any) -> str | None:
    """Why a ``designdoc_external`` entry cannot be used, or None when it can.  An
    entry is quoted with its URLs redacted: they may hold credentials."""
    if not isinstance(entry, Mapping):
        return (
            "designdoc_external entries must be dicts with a 'path' or a 'url', "
            f"not {_shown_entry(entry)!r}"
        )
    sources = [key for key in ("path", "url") if key in entry]
    if len(sources) != 1 or not isinstance(entry[sources[0]], str) or not entry[sources[0]]:
        return (
            "designdoc_external entries need either a 'path' or a 'url' string: "
            f"{_shown_entry(entry)!r}"
        )
    label = entry["path"] if sources[0] == "path" else redact_url(entry["url"])
    if "url" in entry and url_scheme(entry["url"]) not in ("http", "https"):
        return f"designdoc_external {label!r}: 'url' must be an http or https URL"
    for key in ("prefix", "base_url"):
        if key in entry and not isinstance(entry[key], str):
            return f"designdoc_external {label!r}: {key!r} must be a string"
    timeout = entry.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        return f"designdoc_external {label!r}: 'timeout' must be a number of seconds (more than 0, at most 300)"
    types = entry.get("types", {})
    if not isinstance(types, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in types.items()
    ):
        return f"designdoc_external {label!r}: 'types' must map type names to type names"
    return None


def needs_types_problems(value: Any, schema: Schema) -> tuple[dict[str, str], list[str]]:
    """``designdoc_needs_types`` as a mapping of need type -> one of our object types."""
    if not isinstance(value, Mapping):
        return {}, [f"designdoc_needs_types must map need types to object types, not {value!r}"]
    out: dict[str, str] = {}
    problems: list[str] = []
    for need_type, ours in value.items():
        typedef = schema.types.get(ours) if isinstance(ours, str) else None
        if not isinstance(need_type, str) or typedef is None or typedef.page_header:
            known = ", ".join(t.name for t in schema.types.values() if not t.page_header)
            problems.append(
                f"designdoc_needs_types[{need_type!r}]: {ours!r} is not an object type "
                f"(one of {known}){did_you_mean(str(ours), list(schema.types))}"
            )
            continue
        out[need_type] = ours
    return out, problems


def decided_scopes(value: Any, schema: Schema) -> tuple[frozenset[str], list[str]]:
    """``designdoc_decided_scopes`` as the scopes it means (``development`` is ``dev``);
    a name that is no scope of a type is reported and left out, the others kept."""
    try:
        names = name_list(value, "designdoc_decided_scopes")
    except ConfigError as exc:
        return frozenset({"runtime"}), [str(exc)]
    scope_fields = [f for t in schema.types.values() if (f := t.field("scope")) is not None]
    known = list(dict.fromkeys(c for f in scope_fields for c in f.choices if f.kind == "choice"))
    spellings = {a: c for f in scope_fields for a, c in f.aliases}
    decided: set[str] = set()
    problems: list[str] = []
    for name in names:
        meaning = spellings.get(name, name)
        if meaning in known or not known:
            decided.add(meaning)
        else:
            problems.append(
                f"designdoc_decided_scopes: {name!r} is not a dependency scope"
                f"{did_you_mean(name, known)} (one of: {', '.join(known)}); it is left out"
            )
    return frozenset(decided), problems


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
        tracing = frozenset(
            name_list(get("designdoc_tracing_statuses"), "designdoc_tracing_statuses")
        )
    except ConfigError as exc:
        problems.append(str(exc))
        tracing = frozenset(defaults["designdoc_tracing_statuses"])
    decided, decided_problems = decided_scopes(get("designdoc_decided_scopes"), schema)
    problems.extend(decided_problems)
    gc_freeze = get("designdoc_gc_freeze")
    if not isinstance(gc_freeze, bool):
        problems.append(f"designdoc_gc_freeze must be True or False, not {gc_freeze!r}")
        gc_freeze = True
    base_url = get("designdoc_report_base_url")
    if not isinstance(base_url, str) or (base_url and safe_url(base_url) is None):
        problems.append(
            f"designdoc_report_base_url must be an http(s) or relative URL, not {base_url!r}"
        )
        base_url = ""
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
        for fmt in name_list(get("designdoc_exports"), "designdoc_exports"):
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
        problems.append("designdoc_external must be a list of {path or url, prefix, ...} dicts")
    needs_types, needs_problems = needs_types_problems(get("designdoc_needs_types"), schema)
    problems.extend(needs_problems)
    plain = get("designdoc_plain_directives")
    if not isinstance(plain, bool):
        problems.append(f"designdoc_plain_directives must be True or False, not {plain!r}")
        plain = True
    graph_format = get("designdoc_graph_format")
    if graph_format not in GRAPH_FORMATS:
        shown = graph_format if isinstance(graph_format, str) else ""
        problems.append(
            f"designdoc_graph_format must be one of {', '.join(GRAPH_FORMATS)}, not "
            f"{graph_format!r}{did_you_mean(shown, GRAPH_FORMATS)}"
        )
        graph_format = "svg"
    return (
        Settings(
            schema=schema,
            id_regex=id_regex,
            tracing_statuses=tracing,
            decided_scopes=decided,
            min_coverage=float(min_cov),
            templates=templates,
            pyproject=pyproject,
            exports=tuple(exports),
            external=tuple(external),
            report_base_url=base_url,
            gc_freeze=gc_freeze,
            needs_types=needs_types,
            plain_directives=plain,
            graph_format=graph_format,
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
        names = re.findall(r"designdoc_[a-z_]+", message) or ["designdoc_types", "designdoc_links"]
        return self.line_of(*names)

    def line_of(self, *names: str) -> int:
        """The first line that sets one of the settings ``names`` (``extensions``,
        ``needs_types``, ...); 1 when conf.py sets none of them."""
        if self._lines is None:
            try:
                self._lines = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []
        for number, text in enumerate(self._lines, 1):
            if any(re.match(rf"\s*{re.escape(name)}\s*[=+\[]", text) for name in names):
                return number
        return 1
