"""Design checks: each a small function from the project state to findings.

Checks never log; :func:`run_checks` collects and sorts their findings and the extension
logs them in one place, so the JSON report, the CLI and the Sphinx warnings agree.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import ConfLocation, Settings
from .graph import Graph
from .model import DocRecord, Finding, Item
from .safety import natural_key
from .subtypes import SUBTYPES
from .vocabulary import LinkDef


@dataclass(frozen=True)
class CheckContext:
    graph: Graph
    settings: Settings
    records: Mapping[str, DocRecord]
    #: absolute path of the Sphinx source folder (for files such as pyproject.toml)
    srcdir: str = ""
    #: where conf.py sets each setting, for findings about settings
    conf: ConfLocation | None = None
    #: whether Graphviz's ``dot`` can be run
    graphviz: bool = True

    def at_setting(self, subtype: str, message: str, setting: str) -> Finding:
        """A finding located at the line of conf.py that sets ``setting``."""
        if self.conf is None:
            return Finding(subtype, message)
        return Finding(subtype, message, self.conf.source, self.conf.line(setting))


Check = Callable[[CheckContext], Iterable[Finding]]


def finding(subtype: str, item: Item, message: str) -> Finding:
    return Finding(subtype, message, item.source, item.line, item.docname, item.id)


def check_read_problems(ctx: CheckContext) -> Iterator[Finding]:
    """Problems found while reading directives (``invalid`` and friends)."""
    for record in ctx.records.values():
        yield from record.findings


def check_duplicates(ctx: CheckContext) -> Iterator[Finding]:
    for item_id, items in ctx.graph.duplicates.items():
        first = items[0]
        for other in items[1:]:
            if (other.source, other.line) == (first.source, first.line):
                message = (
                    f"duplicate ID {item_id!r}: {first.source}:{first.line} is included by "
                    f"the pages {first.docname!r} and {other.docname!r}; the object belongs "
                    f"to {first.docname!r} (the first page), so include the file in one page "
                    "only and link to it with :dd:ref: from the other"
                )
            else:
                page = "" if _own_file(first) else f" (in page {first.docname!r})"
                message = (
                    f"duplicate ID {item_id!r}: also declared at {first.source}:{first.line}"
                    f"{page}, which keeps the ID; give one of them a new ID"
                )
            yield finding("duplicate", other, message)


def _own_file(item: Item) -> bool:
    """Whether ``item`` is written in its page's own file, not in an included one."""
    return item.source.rsplit(".", 1)[0] == item.docname


def check_links(ctx: CheckContext) -> Iterator[Finding]:
    """``dangling`` and ``link_type``: every outgoing link must name a fitting object."""
    graph, schema = ctx.graph, ctx.settings.schema
    candidates: list[Item] = list(graph.by_id.values())
    for dups in graph.duplicates.values():
        candidates.extend(dups[1:])
    for item in candidates:
        if item.external:
            continue
        for link_name, target_id in graph.outgoing(item):
            link = schema.links.get(link_name)
            if link is None:
                continue
            target = graph.get(target_id)
            if target is None and target_id in graph.hidden:
                continue  # declared in an ``.. only::`` block this builder leaves out
            if target is None:
                yield finding(
                    "dangling",
                    item,
                    f"{item.id}: :{link_name}: names unknown ID {target_id!r}"
                    + _suggest(target_id, graph),
                )
            elif target.type not in link.targets:
                yield finding(
                    "link_type",
                    item,
                    f"{item.id}: :{link_name}: must point to a {' or '.join(link.targets)}, "
                    f"but {target_id} is a {target.type}",
                )


def check_refs(ctx: CheckContext) -> Iterator[Finding]:
    for record in ctx.records.values():
        for ref in record.refs:
            if ref.target not in ctx.graph and ref.target not in ctx.graph.hidden:
                yield Finding(
                    "dangling",
                    f":dd:ref: to unknown ID {ref.target!r}" + _suggest(ref.target, ctx.graph),
                    ref.source,
                    ref.line,
                    ref.docname,
                    None,
                )


def _suggest(unknown: str, graph: Graph) -> str:
    import difflib

    close = difflib.get_close_matches(unknown, graph.by_id.keys(), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class RegisteredCheck:
    """A check and the subtypes it can report, so reports can say what was checked."""

    subtypes: tuple[str, ...]
    run: Check


#: The checks run on every build, in order.  Later features append to this list.
CHECKS: list[RegisteredCheck] = [
    RegisteredCheck(("invalid",), check_read_problems),
    RegisteredCheck(("duplicate",), check_duplicates),
    RegisteredCheck(("dangling", "link_type"), check_links),
    RegisteredCheck(("dangling",), check_refs),
]


def checked_subtypes() -> list[str]:
    """Subtypes that the registered checks report, in documentation order."""
    names = {s for c in CHECKS for s in c.subtypes}
    return [s for s in SUBTYPES if s in names]


def run_checks(ctx: CheckContext) -> list[Finding]:
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check.run(ctx))
    return sorted(set(found), key=Finding.sort_key)


# -- tracing and design checks ---------------------------------------------------------
#
# Each check reads the vocabulary rather than naming built-in types, so a project's own
# types and links (``designdoc_types`` / ``designdoc_links``) are checked the same way.


def _statuses(ctx: CheckContext) -> str:
    return " or ".join(sorted(ctx.settings.tracing_statuses)) or "tracing"


def check_untraced(ctx: CheckContext) -> Iterator[Finding]:
    """Every active object of a type that tracing links point to must be traced."""
    graph, schema = ctx.graph, ctx.settings.schema
    for item_id, traced in graph.traced.items():
        if traced:
            continue
        item = graph.by_id[item_id]
        links = graph.tracing_links_into(item.type)
        how = " or ".join(f"{'/'.join(link.sources)} {link.name} it" for link in links)
        first = links[0] if links else None
        typedef = schema.types.get(item.type)
        inactive = "/".join(typedef.inactive_statuses) if typedef else ""
        fix = f"add ':{first.name}: {item.id}' to a {first.sources[0]}" if first else ""
        if inactive:
            fix += f", or set its status to {inactive} if it is dropped"
        yield finding(
            "untraced",
            item,
            f"{item.type} {item.id} is untraced: no {_statuses(ctx)} {how}; {fix}",
        )


def check_unused(ctx: CheckContext) -> Iterator[Finding]:
    """Dependencies (targets of ``uses``) that no counting decision uses."""
    graph, schema = ctx.graph, ctx.settings.schema
    uses = schema.links.get("uses")
    if uses is None:
        return
    into: dict[str, list[str]] = {}
    for link in schema.links.values():
        for target_type in link.targets:
            into.setdefault(target_type, []).append(link.incoming)
    for item in graph.by_id.values():
        if item.type not in uses.targets or item.external or not graph.is_active(item):
            continue
        incoming = graph.incoming_of(item.id)
        used = any(
            graph.counts_for_tracing(graph.by_id[source])
            for name in into.get(item.type, ())
            for source in incoming.get(name, ())
        )
        if not used:
            yield finding(
                "unused",
                item,
                f"{item.type} {item.id} is unused: no {_statuses(ctx)} "
                f"{'/'.join(uses.sources)} uses it; add ':uses: {item.id}' to the "
                f"{uses.sources[0]} that needs it, or set its status to deprecated",
            )


def check_unjustified(ctx: CheckContext) -> Iterator[Finding]:
    """Counting decisions (sources of tracing links) must address something."""
    graph, schema = ctx.graph, ctx.settings.schema
    tracing = [link for link in schema.links.values() if link.traces]
    by_source: dict[str, list[LinkDef]] = {}
    for link in tracing:
        for source_type in link.sources:
            by_source.setdefault(source_type, []).append(link)
    for item in graph.by_id.values():
        links = by_source.get(item.type)
        if not links or item.external or item.status not in ctx.settings.tracing_statuses:
            continue
        justified = False
        for link in links:
            for target_id in item.links.get(link.name, ()):
                target = graph.get(target_id)
                if target is not None and target.type in link.targets:
                    justified = True
                    break
        if not justified:
            what = " or ".join(
                f"':{link.name}:' naming the {'/'.join(link.targets)} it answers" for link in links
            )
            yield finding(
                "unjustified",
                item,
                f"{item.type} {item.id} ({item.status}) {links[0].name} no "
                f"{'/'.join(links[0].targets)}; add {what}, or set its status to rejected",
            )


def check_supersession(ctx: CheckContext) -> Iterator[Finding]:
    """Superseded objects need a successor; successors need superseded targets;
    supersession must not loop."""
    graph, schema = ctx.graph, ctx.settings.schema
    link = schema.links.get("supersedes")
    if link is None:
        return
    members = [i for i in graph.by_id.values() if i.type in link.sources or i.type in link.targets]
    for item in members:
        if item.external:
            continue
        typedef = schema.types.get(item.type)
        if (
            item.status == "superseded"
            and item.type in link.targets
            and not graph.incoming_of(item.id).get(link.incoming)
        ):
            yield finding(
                "supersession",
                item,
                f"{item.id} has status superseded but nothing supersedes it; add "
                f"':{link.name}: {item.id}' to the {'/'.join(link.sources)} that replaces "
                "it, or change its status",
            )
        if item.type not in link.sources or item.status == "rejected" or typedef is None:
            continue
        for target_id in dict.fromkeys(item.links.get(link.name, ())):
            target = graph.get(target_id)
            if target is None or target.id == item.id:
                continue
            target_def = schema.types.get(target.type)
            if (
                target_def is not None
                and "superseded" in target_def.statuses
                and target.status != "superseded"
            ):
                yield finding(
                    "supersession",
                    item,
                    f"{item.id} supersedes {target.id}, whose status is {target.status!r}; "
                    f"set {target.id}'s status to superseded",
                )
    yield from _supersession_cycles(ctx, link)


def _supersession_cycles(ctx: CheckContext, link: LinkDef) -> Iterator[Finding]:
    return _cycles(
        ctx,
        link,
        "supersession",
        "supersession cycle: {path}; an object cannot (even indirectly) supersede itself, "
        "remove one of these ':{link}:' links",
    )


def check_cycles(ctx: CheckContext) -> Iterator[Finding]:
    """Links between objects of one type (``refines``, a project's own) must not loop:
    a requirement cannot refine itself, even through others.  ``supersedes`` cycles
    are reported by :func:`check_supersession`."""
    for link in ctx.settings.schema.links.values():
        if link.name == "supersedes" or not set(link.sources) & set(link.targets):
            continue
        yield from _cycles(
            ctx,
            link,
            "cycle",
            "{link} cycle: {path}; an object cannot (even indirectly) {link} itself, "
            "remove one of these ':{link}:' links",
        )


def _cycles(ctx: CheckContext, link: LinkDef, subtype: str, template: str) -> Iterator[Finding]:
    """One finding per cycle of ``link`` (strongly connected component), at its first
    object in natural ID order."""
    graph = ctx.graph
    succ: dict[str, list[str]] = {}
    for item in graph.by_id.values():
        if item.external:
            continue
        targets = [t for t in dict.fromkeys(item.links.get(link.name, ())) if t in graph]
        if targets:
            succ[item.id] = targets
    for component in _strongly_connected(succ):
        if len(component) == 1 and component[0] not in succ.get(component[0], ()):
            continue
        start = min(component, key=natural_key)
        path = _cycle_path(start, set(component), succ)
        message = template.format(path=" -> ".join(path), link=link.name)
        yield finding(subtype, graph.by_id[start], message)


def _strongly_connected(succ: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (supersession chains can be long)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(succ):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            recursed = False
            for i in range(child_index, len(children)):
                child = children[i]
                if child not in index:
                    work.append((node, i + 1))
                    work.append((child, 0))
                    recursed = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if recursed:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component, key=natural_key))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_path(start: str, members: set[str], succ: Mapping[str, list[str]]) -> list[str]:
    """The shortest path from ``start`` back to itself inside one component."""
    from collections import deque

    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in succ.get(node, ()):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if child not in parents:
                parents[child] = node
                queue.append(child)
    return [start, start]  # pragma: no cover - a component always has a cycle


def _norm_title(title: str) -> str:
    title = re.sub(r"^\s*(?:\d+[.)]\s*)+", "", title)
    return " ".join(title.casefold().split()).rstrip(":")


def check_sections(ctx: CheckContext) -> Iterator[Finding]:
    """A design document has the top-level sections of its template."""
    schema, templates = ctx.settings.schema, ctx.settings.templates
    folded = {name.casefold(): name for name in templates}
    for record in ctx.records.values():
        header = next(
            (
                i
                for i in sorted(record.items, key=lambda i: i.line)
                if schema.types.get(i.type) is not None and schema.types[i.type].page_header
            ),
            None,
        )
        if header is None:
            continue
        raw = header.fields.get("template") or "default"
        name = raw if isinstance(raw, str) else ", ".join(raw)
        key = name if name in templates else folded.get(name.casefold())
        if key is None:
            yield finding(
                "invalid",
                header,
                f"{header.id}: unknown :template: {name!r} (known: {', '.join(sorted(templates))}); "
                "define it in designdoc_templates or use one of those",
            )
            continue
        present = {_norm_title(t) for t in record.sections}
        for titles in templates[key]:
            if not any(_norm_title(t) in present for t in titles):
                also = f" (or {', '.join(repr(t) for t in titles[1:])})" if titles[1:] else ""
                yield finding(
                    "section",
                    header,
                    f"design document {header.id} lacks the section {titles[0]!r}{also} "
                    f"required by template {key!r}; add a top-level section with that title",
                )


def check_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """Traced share per traceable type against ``designdoc_min_coverage``."""
    minimum = ctx.settings.min_coverage
    if minimum <= 0:
        return
    graph, schema = ctx.graph, ctx.settings.schema
    local = [i for i in graph.by_id.values() if not i.external]
    headers = [i for i in local if schema.types.get(i.type) and schema.types[i.type].page_header]
    for type_name, cov in graph.coverage().items():
        if cov.total == 0 or cov.percent >= minimum:
            continue
        anchor = min(
            headers or [i for i in local if i.type == type_name],
            key=lambda i: (i.source, i.line),
            default=None,
        )
        message = (
            f"{type_name} coverage is {cov.percent:g}% ({cov.traced} of {cov.total} traced), "
            f"below designdoc_min_coverage {minimum:g}%; trace the untraced {type_name}s "
            "(see the designdoc.untraced warnings) or lower designdoc_min_coverage"
        )
        if anchor is None:
            yield ctx.at_setting("coverage", message, "designdoc_min_coverage")
        else:
            yield Finding("coverage", message, anchor.source, anchor.line, anchor.docname)


#: how to install Graphviz, for the warning of a graph that cannot be drawn
GRAPHVIZ_INSTALL = (
    "install Graphviz (Debian/Ubuntu: 'sudo apt-get install graphviz'; macOS: 'brew "
    "install graphviz'; Windows: 'winget install graphviz') or point graphviz_dot in "
    "conf.py at its dot program"
)


def check_views(ctx: CheckContext) -> Iterator[Finding]:
    """A ``dd-graph`` root must name an object (known only once everything is read), and
    graphs need Graphviz: one finding, at the first graph, when it cannot be run."""
    graphs: list[tuple[str, Mapping[str, Any]]] = []
    for docname, record in sorted(ctx.records.items()):
        for spec in record.views:
            if spec.get("view") != "graph":
                continue
            graphs.append((docname, spec))
            root = str(spec.get("options", {}).get("root") or "").strip()
            if root and root not in ctx.graph and root not in ctx.graph.hidden:
                yield Finding(
                    "dangling",
                    f"dd-graph: :root: names unknown ID {root!r}" + _suggest(root, ctx.graph),
                    spec.get("source"),
                    spec.get("line"),
                    docname,
                )
    if graphs and not ctx.graphviz:
        docname, spec = graphs[0]
        others = f" (and {len(graphs) - 1} more)" if len(graphs) > 1 else ""
        yield Finding(
            "graph",
            f"dd-graph{others} is shown as a table: Graphviz's dot program cannot be run; "
            + GRAPHVIZ_INSTALL,
            spec.get("source"),
            spec.get("line"),
            docname,
        )


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _requirements(entries: Any) -> dict[str, list[Any]]:
    """Canonical name -> parsed requirements (a package may be listed per marker)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, list[Any]] = {}
    if not isinstance(entries, list):
        return found
    for entry in entries:
        if not isinstance(entry, str):
            continue  # e.g. {include-group = "..."} in [dependency-groups]
        try:
            req = Requirement(entry)
        except InvalidRequirement:
            continue
        found.setdefault(canonicalize_name(req.name), []).append(req)
    return found


def _specifiers(value: str) -> frozenset[str] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return frozenset(str(s) for s in SpecifierSet(value))
    except InvalidSpecifier:
        return None


_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def check_pyproject(ctx: CheckContext) -> Iterator[Finding]:
    """Runtime and development dependencies agree with ``pyproject.toml``.

    The package is ``:package:`` or, failing that, the title when it is a valid
    distribution name.  Versions are compared as sets of specifiers, so ``<2,>=1`` and
    ``>=1, <2`` agree.
    """
    from packaging.utils import canonicalize_name

    if not ctx.settings.pyproject:
        return
    path = os.path.normpath(Path(ctx.srcdir, ctx.settings.pyproject))
    graph, schema = ctx.graph, ctx.settings.schema
    scoped = [
        i
        for i in graph.by_id.values()
        if not i.external
        and schema.types.get(i.type) is not None
        and schema.types[i.type].field("scope") is not None
        and i.fields.get("scope") in ("runtime", "development")
        and graph.is_active(i)
    ]
    scoped.sort(key=lambda i: (i.source, i.line))
    try:
        data = _load_toml(path)
    except (OSError, ValueError) as exc:
        shown = os.path.relpath(path, ctx.srcdir or ".").replace(os.sep, "/")
        if isinstance(exc, OSError):
            yield ctx.at_setting(
                "pyproject",
                f"designdoc_pyproject {ctx.settings.pyproject!r} ({shown}) cannot be read; "
                "fix the path in conf.py",
                "designdoc_pyproject",
            )
        else:
            at = re.search(r"at line (\d+)", str(exc))
            yield Finding(
                "pyproject",
                f"{shown} is not valid TOML ({exc}); fix the file",
                shown,
                int(at.group(1)) if at else 1,
            )
        return
    raw_project = data.get("project")
    project: dict[str, Any] = raw_project if isinstance(raw_project, dict) else {}
    runtime = _requirements(project.get("dependencies", []))
    development: dict[str, list[Any]] = {}
    groups: list[Any] = []
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        groups.extend(optional.values())
    dep_groups = data.get("dependency-groups")
    if isinstance(dep_groups, dict):
        groups.extend(dep_groups.values())
    for group in groups:
        for name, reqs in _requirements(group).items():
            development.setdefault(name, []).extend(reqs)
    where = {
        "runtime": ("[project].dependencies", runtime),
        "development": ("[project.optional-dependencies] or [dependency-groups]", development),
    }
    for item in scoped:
        package = item.fields.get("package")
        if not isinstance(package, str) or not package:
            package = item.title if _PACKAGE_NAME.match(item.title) else ""
        if not package:
            continue
        scope = str(item.fields.get("scope"))
        table, listed = where[scope]
        reqs = listed.get(canonicalize_name(package), [])
        if not reqs:
            yield finding(
                "pyproject",
                item,
                f"{scope} dependency {item.id} ({package}) is missing from {table} of "
                f"{ctx.settings.pyproject}; add it there, or fix :package:/:scope:",
            )
            continue
        version = item.fields.get("version")
        if not isinstance(version, str) or not version.strip():
            continue
        wanted = _specifiers(version)
        if wanted is None:
            continue  # reported as invalid by the directive
        if not any(frozenset(str(s) for s in req.specifier) == wanted for req in reqs):
            declared = "; ".join(dict.fromkeys(str(req) for req in reqs))
            yield finding(
                "pyproject",
                item,
                f"{item.id} ({package}) has :version: {version!r} but "
                f"{ctx.settings.pyproject} declares {declared!r}; make them agree",
            )


CHECKS.extend(
    [
        RegisteredCheck(("untraced",), check_untraced),
        RegisteredCheck(("unused",), check_unused),
        RegisteredCheck(("unjustified",), check_unjustified),
        RegisteredCheck(("supersession",), check_supersession),
        RegisteredCheck(("cycle",), check_cycles),
        RegisteredCheck(("section", "invalid"), check_sections),
        RegisteredCheck(("coverage",), check_coverage),
        RegisteredCheck(("dangling",), check_views),
        RegisteredCheck(("pyproject",), check_pyproject),
    ]
)
