"""The ``pyproject`` check: each dependency's package, version and scope agree with the
``pyproject.toml`` that ``designdoc_pyproject`` names (read anew by every build).

Where a package is listed says what it is needed for: ``[project] dependencies`` are
runtime, ``[build-system] requires`` build; a group of ``[project.optional-dependencies]`` or ``[dependency-groups]``
(PEP 735) has the scope its name says (``test``, ``docs``, ...).  An extra of another
name is an optional runtime feature; a dependency group of another name is for
development, as PEP 735 groups are never installed with the package.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Finding
from .context import CheckContext, finding
from .tracing import scope_of

#: group names (as PEP 503 normalises them) and the scope they hold
GROUP_SCOPES = {
    **dict.fromkeys(("test", "tests", "testing"), "test"),
    **dict.fromkeys(("dev", "develop", "development", "lint", "linting", "typing"), "dev"),
    **dict.fromkeys(("docs", "doc", "documentation"), "docs"),
    "build": "build",
}
#: the scopes a pyproject.toml can say; a dev group holds any of test, build and docs
#: too, as projects often keep every tool in one "dev" group
CHECKED_SCOPES = ("runtime", "dev", "test", "build", "docs")
_DEVELOPMENT = frozenset({"dev", "test", "build", "docs"})


@dataclass(frozen=True)
class Place:
    """A list of requirements in pyproject.toml: ``[project].dependencies`` or a group."""

    label: str
    scope: str
    #: canonical package name -> its requirements listed here (a package may be listed
    #: per marker), not those of the groups it includes
    packages: Mapping[str, list[Any]]
    #: the places this one includes (indexes into :attr:`Listing.places`)
    includes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Listing:
    """Every place of a pyproject.toml, and which include which.  The lookups walk the
    includes once per package, so an include cycle ends where it loops and a long chain
    costs no more than its length."""

    places: tuple[Place, ...]

    def _walk(self, start: Iterable[int], upwards: bool) -> set[int]:
        """``start`` and the places that include them (``upwards``) or that they
        include, at any depth."""
        edges: dict[int, list[int]] = {}
        for index, place in enumerate(self.places):
            for other in place.includes:
                if upwards:
                    edges.setdefault(other, []).append(index)
                else:
                    edges.setdefault(index, []).append(other)
        seen = set(start)
        todo = list(seen)
        while todo:
            for other in edges.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def listing(self, name: str) -> list[int]:
        """The places that list package ``name``, themselves or in a group they include."""
        direct = [i for i, place in enumerate(self.places) if name in place.packages]
        return sorted(self._walk(direct, upwards=True))

    def requirements(self, name: str, among: Iterable[int]) -> list[Any]:
        """The requirements of ``name`` that the places ``among`` list, themselves or in a
        group they include."""
        reached = self._walk(among, upwards=False)
        return [req for i in sorted(reached) for req in self.places[i].packages.get(name, ())]


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _requirements(entries: Any) -> list[Any]:
    """The requirements a list of pyproject entries holds; what is not one (a table, an
    unreadable string) is left to the tools that install them."""
    from packaging.requirements import InvalidRequirement, Requirement

    found: list[Any] = []
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, str):
            try:
                found.append(Requirement(entry))
            except InvalidRequirement:
                continue
    return found


def _groups(table: Any) -> dict[str, list[Any]]:
    """A table of groups by normalised name (PEP 685 and PEP 735 compare names so)."""
    from packaging.utils import canonicalize_name

    if not isinstance(table, dict):
        return {}
    return {canonicalize_name(str(name)): value for name, value in table.items()}


def _shown(name: str) -> str:
    """A group's name as a message shows it: quoted (escaped) unless it is a plain
    normalised name, so a key of the file cannot carry control characters along."""
    return name if re.fullmatch(r"[a-z0-9-]+", name) else repr(name)


def read_places(data: Mapping[str, Any]) -> Listing:
    """Where pyproject.toml lists packages, with the scope each place holds and the
    groups each includes: a PEP 735 ``{include-group = ...}``, or in an extra the
    project's own name with extras (``pkg[test]``)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    project = data.get("project")
    project = project if isinstance(project, dict) else {}
    own = canonicalize_name(str(project.get("name", "")))
    build_system = data.get("build-system")
    build_system = build_system if isinstance(build_system, dict) else {}

    def extras_of_self(entry: Any) -> list[str]:
        if isinstance(entry, str) and own:
            try:
                req = Requirement(entry)
            except InvalidRequirement:
                return []
            if canonicalize_name(req.name) == own:
                return [canonicalize_name(extra) for extra in req.extras]
        return []

    def included_group(entry: Any) -> list[str]:
        group = entry.get("include-group") if isinstance(entry, dict) else None
        return [canonicalize_name(group)] if isinstance(group, str) else []

    tables: list[tuple[str, dict[str, Any], str, Callable[[Any], list[str]] | None]] = [
        ("[project].dependencies", {"": project.get("dependencies")}, "runtime", None),
        ("[build-system].requires", {"": build_system.get("requires")}, "build", None),
        (
            "[project.optional-dependencies]",
            _groups(project.get("optional-dependencies")),
            "runtime",
            extras_of_self,
        ),
        ("[dependency-groups]", _groups(data.get("dependency-groups")), "dev", included_group),
    ]
    places: list[Place] = []
    for title, groups, otherwise, includes in tables:
        first = len(places)
        index = {name: first + n for n, name in enumerate(groups)}
        for name, entries in groups.items():
            packages: dict[str, list[Any]] = {}
            for req in _requirements(entries):
                if canonicalize_name(req.name) != own:
                    packages.setdefault(canonicalize_name(req.name), []).append(req)
            included = (
                [index[o] for e in entries for o in includes(e) if o in index]
                if includes is not None and isinstance(entries, list)
                else []
            )
            label = f"{title} {_shown(name)}" if name else title
            scope = GROUP_SCOPES.get(name, otherwise) if name else otherwise
            places.append(Place(label, scope, packages, tuple(dict.fromkeys(included))))
    return Listing(tuple(places))


def agrees(scope: str, place: str) -> bool:
    """Whether a dependency of ``scope`` may be listed in a place holding ``place``: its
    own scope, or for development (dev, test, build, docs) a dev group, and a dev
    dependency in any group for development."""
    if scope == place:
        return True
    if scope == "dev":
        return place in _DEVELOPMENT
    return scope in _DEVELOPMENT and place == "dev"


def _expected(scope: str) -> str:
    if scope == "runtime":
        return "[project].dependencies"
    names = ", ".join(name for name, held in GROUP_SCOPES.items() if held == scope)
    group = f"a {scope} group of [dependency-groups] or [project.optional-dependencies] ({names})"
    return f"[build-system].requires or {group}" if scope == "build" else group


def _specifiers(value: str) -> frozenset[str] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return frozenset(str(s) for s in SpecifierSet(value))
    except InvalidSpecifier:
        return None


_PACKAGE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


def check_pyproject(ctx: CheckContext) -> Iterator[Finding]:
    """Each dependency of a scope a pyproject.toml can say (not ``service``) is listed
    there in a place of its scope, with the same version specifier.

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
        if i.declared_here
        and schema.types.get(i.type) is not None
        and schema.types[i.type].field("scope") is not None
        and scope_of(i, schema) in CHECKED_SCOPES
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
    listing = read_places(data)
    for item in scoped:
        package = item.fields.get("package")
        if not isinstance(package, str) or not package:
            package = item.title if _PACKAGE_NAME.match(item.title) else ""
        if not package:
            continue
        scope = scope_of(item, schema)
        name = canonicalize_name(package)
        listed = listing.listing(name)
        if not listed:
            yield finding(
                "pyproject",
                item,
                f"{scope} dependency {item.id} ({package}) is missing from {_expected(scope)} "
                f"of {ctx.settings.pyproject}; add it there, or fix :package:/:scope:",
            )
            continue
        fitting = [i for i in listed if agrees(scope, listing.places[i].scope)]
        if not fitting:
            held = [f"{listing.places[i].label} ({listing.places[i].scope})" for i in listed]
            where = " and ".join([", ".join(held[:-1]), held[-1]] if held[:-1] else held)
            yield finding(
                "pyproject",
                item,
                f"{scope} dependency {item.id} ({package}) is listed only in {where} of "
                f"{ctx.settings.pyproject}; set :scope: {listing.places[listed[0]].scope}, or "
                f"move it to {_expected(scope)}",
                ctx.option_line(item, "scope"),
            )
            continue
        version = item.fields.get("version")
        if not isinstance(version, str) or not version.strip():
            continue
        wanted = _specifiers(version)
        if wanted is None:
            continue  # reported as invalid by the directive
        reqs = listing.requirements(name, fitting)
        if not any(frozenset(str(s) for s in req.specifier) == wanted for req in reqs):
            declared = "; ".join(dict.fromkeys(str(req) for req in reqs))
            yield finding(
                "pyproject",
                item,
                f"{item.id} ({package}) has :version: {version!r} but "
                f"{ctx.settings.pyproject} declares {declared!r}; make them agree",
            )
