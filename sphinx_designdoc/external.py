"""Objects of other projects (``designdoc_external``): another build's ``designdoc.json``
or a sphinx-needs ``needs.json``, loaded as link targets.

Loading never raises: a missing or unreadable file becomes a problem message, and the
build goes on without that file's objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .config import Schema
from .model import Item

#: sphinx-needs type names that mean one of our built-in types
NEEDS_TYPE_ALIASES = {"req": "requirement", "dec": "decision", "dep": "dependency"}


def _join_url(base: str, tail: str) -> str:
    if not base:
        return tail
    return base.rstrip("/") + "/" + tail.lstrip("/")


def load_external(
    entry: Mapping[str, Any], base_dir: Path, schema: Schema
) -> tuple[list[Item], list[str]]:
    """Items of one ``designdoc_external`` entry, and the problems met loading it."""
    raw_path = Path(str(entry["path"]))
    path = raw_path if raw_path.is_absolute() else base_dir / raw_path
    prefix = str(entry.get("prefix", ""))
    base_url = str(entry.get("base_url", ""))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], [f"designdoc_external: file {str(raw_path)!r} does not exist"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [f"designdoc_external: cannot read {str(raw_path)!r}: {exc}"]
    if isinstance(data, dict) and isinstance(data.get("objects"), list):
        return _from_designdoc(data["objects"], prefix, base_url, str(raw_path))
    if isinstance(data, dict) and isinstance(data.get("versions"), dict):
        return _from_needs(data, prefix, base_url, schema, str(raw_path))
    return [], [
        f"designdoc_external: {str(raw_path)!r} is neither a designdoc.json nor a needs.json"
    ]


def _from_designdoc(
    objects: list[Any], prefix: str, base_url: str, label: str
) -> tuple[list[Item], list[str]]:
    items: list[Item] = []
    skipped = 0
    for obj in objects:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or obj.get("external"):
            skipped += 1
            continue
        url = obj.get("url") or f"{obj.get('docname', '')}.html#{obj['id']}"
        items.append(
            Item(
                id=prefix + obj["id"],
                type=str(obj.get("type", "requirement")),
                title=str(obj.get("title", obj["id"])),
                status=str(obj.get("status", "")),
                docname=str(obj.get("docname", "")),
                source=label,
                line=0,
                external_url=_join_url(base_url, str(url)),
            )
        )
    problems = (
        [f"designdoc_external: skipped {skipped} malformed object(s) in {label!r}"]
        if skipped
        else []
    )
    return items, problems


def _from_needs(
    data: Mapping[str, Any], prefix: str, base_url: str, schema: Schema, label: str
) -> tuple[list[Item], list[str]]:
    versions = data["versions"]
    version = data.get("current_version")
    if version not in versions:
        version = sorted(versions)[-1] if versions else None
    needs = versions.get(version, {}).get("needs", {}) if version is not None else {}
    if not isinstance(needs, dict):
        return [], [f"designdoc_external: {label!r} has no 'needs' mapping"]
    items = []
    for need_id, need in sorted(needs.items()):
        if not isinstance(need, dict):
            continue
        need_type = str(need.get("type", "requirement"))
        if need_type.startswith("dd_") and need_type[3:] in schema.types:
            need_type = need_type[3:]  # an object the sphinx-needs bridge exported
        need_type = (
            need_type if need_type in schema.types else NEEDS_TYPE_ALIASES.get(need_type, need_type)
        )
        url = need.get("external_url") or f"{need.get('docname', '')}.html#{need_id}"
        items.append(
            Item(
                id=prefix + str(need_id),
                type=need_type,
                title=str(need.get("title", need_id)),
                status=str(need.get("status") or ""),
                docname=str(need.get("docname") or ""),
                source=label,
                line=0,
                external_url=url if "://" in str(url) else _join_url(base_url, str(url)),
            )
        )
    return items, []
