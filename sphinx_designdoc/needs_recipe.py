"""What a sphinx-needs project declares to import ``designdoc-needs.json``: the need
types, fields and link types of the design vocabulary, as sphinx-needs 9.1 reads them.

In the importing project's ``conf.py``::

    from sphinx_designdoc import needs_config

    globals().update(needs_config())          # or needs_config("path/to/designdoc.json")
    needs_external_needs = [{"json_path": "../design/_build/html/designdoc-needs.json",
                             "base_url": "https://design.example.org/"}]

No Sphinx and no sphinx-needs here: the function returns plain data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .codec import decode_vocabulary
from .needs_names import field_name, link_name, need_type, vocabulary_fields
from .vocabulary import Schema
from .vocabulary_config import build_schema


def needs_config(designdoc_json: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``needs_types``, ``needs_fields`` and ``needs_links`` for a sphinx-needs project
    that imports the needs export of a design project: of the built-in vocabulary, or
    of the vocabulary (custom types and links included) recorded in that project's
    ``designdoc.json``.  Names are those the export writes (:mod:`.needs_names`): every
    key of every need in the export is a sphinx-needs core field or declared here.  The
    need types are ``dd_<type>`` as in the design project's own ``needs.json``, so its
    filters work here, and they take no directive name a project may use for its own
    (``requirement``).

    Merge with the project's own settings where it has some, e.g.
    ``needs_types = [*my_types, *needs_config()["needs_types"]]``.
    """
    schema = _schema(designdoc_json)
    fields = vocabulary_fields(schema)
    return {
        "needs_types": [
            {
                "directive": need_type(t.name),
                "title": t.label,
                # as the bridge registers the type in the design project
                "prefix": f"{need_type(t.name).upper()}_",
                "color": t.color,
                "style": "node",
            }
            for t in schema.types.values()
        ],
        "needs_fields": {
            field_name(name): {
                "description": f"sphinx-designdoc field {name!r}",
                "nullable": True,
                # the export writes every field as text (a list with its separator)
                "schema": {"type": "string"},
            }
            for name in fields
        },
        "needs_links": {
            link_name(link.name): {
                "description": f"sphinx-designdoc link {link.name!r}",
                "outgoing": link.name,
                "incoming": link.incoming,
                # a link to an object of a third project the importer does not load
                "allow_dead_links": True,
            }
            for link in schema.links.values()
        },
    }


def _schema(designdoc_json: str | os.PathLike[str] | None) -> Schema:
    if designdoc_json is None:
        return build_schema({}, {})
    data = json.loads(Path(designdoc_json).read_text(encoding="utf-8"))
    return decode_vocabulary(data.get("vocabulary") or {})
