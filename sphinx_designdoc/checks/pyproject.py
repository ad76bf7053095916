"""The ``pyproject`` check: runtime and development dependencies agree with the
``pyproject.toml`` that ``designdoc_pyproject`` names (read anew by every build).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import Finding
from .context import CheckContext, finding


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
        if i.declared_here
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
