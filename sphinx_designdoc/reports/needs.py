"""sphinx-needs ``needs.json``: designdoc objects as needs, for ``needimport`` and
``needs_external_needs`` in another project.

The importing project declares the types (``needs_types``), the links
(``needs_extra_links``: addresses, uses, supersedes, refines) and the fields it wants to
keep (``needs_extra_options``); keys it does not declare are dropped by sphinx-needs with
one warning.  A field whose name is a sphinx-needs core field with another meaning
(``template`` picks a rendering template there) is exported as ``designdoc_<name>``.
The file holds no timestamp, so it is reproducible like ``designdoc.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..safety import safe_url
from ._common import ReportView, text

#: sphinx-needs' core need fields; designdoc fields of these names are renamed
NEEDS_CORE_FIELDS = frozenset(
    {
        "id", "docname", "lineno", "lineno_content", "title", "status", "tags", "collapse",
        "hide", "layout", "style", "arch", "is_import", "is_external", "external_url",
        "external_css", "type", "type_name", "type_prefix", "type_color", "type_style",
        "is_modified", "modifications", "is_need", "is_part", "parts", "id_parent",
        "id_complete", "jinja_content", "template", "pre_template", "post_template",
        "content", "pre_content", "post_content", "has_dead_links",
        "has_forbidden_dead_links", "constraints", "constraints_results",
        "constraints_passed", "constraints_error", "doctype", "sections", "section_name",
        "signature", "parent_need", "links", "full_title", "description",
    }
)  # fmt: skip

DEFAULT_VERSION = "1.0"


def field_key(name: str) -> str:
    return f"designdoc_{name}" if name in NEEDS_CORE_FIELDS else name


def build(report: Mapping[str, Any], version: str = DEFAULT_VERSION) -> dict[str, Any]:
    view = ReportView(report)
    generator = report.get("generator") or {}
    needs: dict[str, dict[str, Any]] = {}
    for obj in view.objects:
        fields = dict(obj.get("fields") or {})
        tags = fields.pop("tags", None) or []
        need: dict[str, Any] = {
            "id": obj["id"],
            "type": obj.get("type"),
            "type_name": view.label(str(obj.get("type"))),
            "title": obj.get("title") or obj["id"],
            "status": obj.get("status"),
            "tags": [str(t) for t in (tags if isinstance(tags, list) else [tags])],
            "content": "",
            "docname": obj.get("docname"),
            "lineno": obj.get("line"),
            "is_need": True,
            "is_part": False,
            "is_external": bool(obj.get("external")),
            "external_url": safe_url(obj.get("url")),
            "sections": [],
        }
        for name, value in sorted(fields.items()):
            # extra options are strings in sphinx-needs; lists keep their own separator
            sep = "; " if name == "alternatives" else ", "
            need[field_key(name)] = text(value, sep)
        for name, targets in (obj.get("links") or {}).items():
            need[field_key(name)] = list(targets)
        for incoming, sources in (obj.get("incoming") or {}).items():
            link = view.link_of_incoming.get(incoming)
            if link:
                need[f"{field_key(link)}_back"] = list(sources)
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
