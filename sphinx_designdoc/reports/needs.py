"""sphinx-needs ``needs.json`` format (written as ``designdoc-needs.json``, never over
sphinx-needs' own file): the project's design objects as needs, for ``needimport`` and
``needs_external_needs`` in another project.

The importing project declares the types, fields and link types: :func:`.needs_config`
returns them, and the docs show the recipe.  Types, fields and links are named as the
sphinx-needs bridge names them (:mod:`..needs_names`): a decision is a ``dd_decision``
in both, so a filter written for one works on the other, and a field whose name
sphinx-needs reserves (``template`` picks a rendering template there) is ``dd_<name>``.
The file holds what the build accepted: the fields of each object's type and the links
of the vocabulary, every one of them declared by :func:`.needs_config` (an option the
build rejected, kept in ``designdoc.json``, would fail the import under ``-W``).  As
sphinx-needs' own builder does, objects of other projects are left out, and so are the
project's needs read as objects (they are in sphinx-needs' ``needs.json``).  An object's
body is its need's ``content``.  The file holds no timestamp, so it is reproducible like
``designdoc.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..needs_names import back_name, field_name, field_value, link_name, need_type, type_fields
from ..safety import safe_url
from ._common import ReportView

DEFAULT_VERSION = "1.0"


def build(report: Mapping[str, Any], version: str = DEFAULT_VERSION) -> dict[str, Any]:
    view = ReportView(report)
    generator = report.get("generator") or {}
    needs: dict[str, dict[str, Any]] = {}
    for obj in view.objects:
        if obj.get("external") or obj.get("origin"):
            continue
        type_name = str(obj.get("type"))
        fields = dict(obj.get("fields") or {})
        tags = fields.pop("tags", None) or []
        need: dict[str, Any] = {
            "id": obj["id"],
            "type": need_type(type_name),
            "type_name": view.label(type_name),
            "title": obj.get("title") or obj["id"],
            "status": obj.get("status"),
            "tags": [str(t) for t in (tags if isinstance(tags, list) else [tags])],
            "content": str(obj.get("content") or ""),
            "docname": obj.get("docname"),
            "lineno": obj.get("line"),
            "is_need": True,
            "is_part": False,
            "is_external": False,
            "external_url": safe_url(obj.get("url")),
            "sections": [],
        }
        separators = view.separators(type_name)
        accepted = type_fields(separators.keys())
        for name, value in sorted(fields.items()):
            if name not in accepted:
                continue  # an option the build rejected: no importer declares it
            # extra options are text in sphinx-needs; a list keeps its own separator
            items = tuple(value) if isinstance(value, list) else str(value)
            need[field_name(name)] = field_value(items, False, separators.get(name, ","))
        for name, targets in (obj.get("links") or {}).items():
            if name in view.links:
                need[link_name(name)] = list(targets)
        for incoming, sources in (obj.get("incoming") or {}).items():
            link = view.link_of_incoming.get(incoming)
            if link:
                need[back_name(link_name(link))] = list(sources)
        needs[obj["id"]] = need
    return {
        "current_version": version,
        "project": view.project,
        "versions": {
            version: {
                "creator": {
                    "program": "sphinx-designdoc",
                    "version": str(generator.get("version", "")),
                },
                "needs_amount": len(needs),
                "needs": needs,
            }
        },
    }


def render(report: Mapping[str, Any], *, version: str = DEFAULT_VERSION, **_: Any) -> str:
    return (
        json.dumps(build(report, version or DEFAULT_VERSION), indent=1, ensure_ascii=False) + "\n"
    )
