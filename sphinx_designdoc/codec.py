"""``designdoc.json``: the one place its format is written and read.

Each member has an encode/decode pair: objects (with their links, backlinks and tracing
flag), findings and the vocabulary.  The build writes through it, and the command line,
``designdoc_external`` and every report read through it, so they cannot disagree.  What
each member must be is :mod:`.shapes`' to check, before anything here decodes it.
Decoding a row and encoding it again gives the same bytes (a test holds that for every
test root).

Everything is sorted and nothing depends on time or on the order documents were read,
so serial and parallel builds of the same sources write byte-identical files.  No
Sphinx here.
"""

# implements: DEC-CODEC (docs/design.rst)

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .evidence.model import CodeTag
from .evidence.verify import Verification, verification_data, verification_from
from .graph import Graph
from .lock import Suspect
from .model import FieldValue, Finding, Item
from .shapes import DecodeError, check_finding, check_object
from .subtypes import is_suppressed, rule_name
from .vocabulary import FieldDef, LinkDef, Schema, TypeDef

SCHEMA_VERSION = 1
FILENAME = "designdoc.json"
#: The JSON Schema of ``designdoc.json``, shipped with the package.
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "designdoc.schema.json"


# -- objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRow:
    """One object as ``designdoc.json`` holds it: the record, and what the build derived
    for it (its URL, backlinks and tracing flag)."""

    item: Item
    url: str | None
    incoming: Mapping[str, Sequence[str]] = field(default_factory=dict)
    traced: bool | None = None
    #: its links whose target changed since they were reviewed (``designdoc.lock``)
    suspects: Sequence[Suspect] = ()
    #: what the test results say of it (``designdoc_test_results``), None when nothing
    verification: Verification | None = None
    #: the code tags that name it (``designdoc_code``)
    code: Sequence[CodeTag] = ()

    @classmethod
    def of(cls, item: Item, graph: Graph, url: str | None) -> ObjectRow:
        """The row of ``item`` with what ``graph`` derived for it."""
        item_id = item.id
        return cls(
            item,
            url,
            graph.incoming_of(item_id),
            graph.is_traced(item_id),
            graph.suspects.get(item_id, ()),
            graph.verification.get(item_id),
            graph.code.get(item_id, ()),
        )


def object_dict(row: ObjectRow) -> dict[str, Any]:
    item = row.item
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in item.fields.items()}
    out = {
        "id": item.id,
        "type": item.type,
        "title": item.title,
        "status": item.status,
        "fields": dict(sorted(fields.items())),
        "docname": item.docname,
        "source": item.source,
        "line": item.line,
        "url": row.url,
        "external": item.external,
        "links": {
            name: list(dict.fromkeys(targets)) for name, targets in sorted(item.links.items())
        },
        "incoming": {name: list(ids) for name, ids in sorted(row.incoming.items())},
        "traced": row.traced,
    }
    # only where they say something: rows of other objects stay as they were
    if item.origin:
        out["origin"] = item.origin
    if item.content:
        out["content"] = item.content
    if item.text:
        out["text"] = item.text
    if row.suspects:
        out["suspect"] = [
            {"link": s.link, "target": s.target, "changed": list(s.changed)} for s in row.suspects
        ]
    if row.verification is not None:
        out["verification"] = verification_data(row.verification)
    if row.code:
        out["code"] = [{"path": c.path, "line": c.line, "url": c.url or None} for c in row.code]
    return out


def encode_object(row: ObjectRow) -> str:
    """One line of the report's ``objects`` list, as :func:`dumps` writes it."""
    return encode_row(object_dict(row))


def decode_object(data: Any, where: str = "object") -> ObjectRow:
    """An object row back; :class:`DecodeError` names the first member that is wrong."""
    check_object(data, where)
    fields: dict[str, FieldValue] = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in (data.get("fields") or {}).items()
    }
    url = data.get("url")
    item = Item(
        id=data["id"],
        type=data.get("type", ""),
        title=data.get("title", ""),
        status=data.get("status", ""),
        docname=data.get("docname") or "",
        source=data.get("source") or "",
        line=data.get("line") or 0,
        fields=fields,
        links={name: tuple(targets) for name, targets in (data.get("links") or {}).items()},
        external_url=(url or "") if data.get("external") else None,
        origin=data.get("origin") or "",
        content=data.get("content") or "",
        text=data.get("text") or "",
    )
    incoming = {name: list(ids) for name, ids in (data.get("incoming") or {}).items()}
    suspects = tuple(
        Suspect(s["link"], s["target"], tuple(s["changed"])) for s in data.get("suspect") or ()
    )
    verification = data.get("verification")
    code = tuple(
        CodeTag(item.id, "", str(c["path"]), int(c["line"]), str(c.get("url") or ""))
        for c in data.get("code") or ()
    )
    return ObjectRow(
        item,
        url,
        incoming,
        data.get("traced"),
        suspects,
        verification_from(verification) if verification is not None else None,
        code,
    )


def encode_row(row: Any) -> str:
    """A record on one line, through :mod:`json`'s C encoder (no ``indent``)."""
    return json.dumps(row, ensure_ascii=False)


# -- findings --------------------------------------------------------------------------


def finding_dict(finding: Finding, suppressed: bool) -> dict[str, Any]:
    return {
        "subtype": finding.subtype,
        "rule": rule_name(finding.subtype),
        "message": finding.message,
        "id": finding.id,
        "docname": finding.docname,
        "source": finding.source,
        "line": finding.line,
        "suppressed": suppressed,
    }


def decode_finding(data: Any, where: str = "finding") -> tuple[Finding, bool]:
    """A finding and whether it was suppressed."""
    check_finding(data, where)
    try:
        finding = Finding(
            data.get("subtype", ""),
            data.get("message", ""),
            data.get("source"),
            data.get("line"),
            data.get("docname"),
            data.get("id"),
        )
    except ValueError as exc:  # a subtype this version does not know
        raise DecodeError(f"{where}.subtype", str(exc)) from None
    return finding, bool(data.get("suppressed"))


# -- vocabulary ------------------------------------------------------------------------


def encode_vocabulary(schema: Schema) -> dict[str, Any]:
    """Every type, field and link with everything that defines it, so a reader of the
    report (``designdoc export --format needs``, ``designdoc_external``) needs no
    knowledge of its own about the built-in vocabulary."""
    return {
        "types": {
            t.name: {
                "label": t.label,
                "statuses": list(t.statuses),
                "inactive_statuses": list(t.inactive_statuses),
                "fields": {
                    f.name: {
                        "kind": f.kind,
                        "choices": list(f.choices),
                        "default": f.default,
                        "separator": f.separator,
                    }
                    for f in t.fields
                },
                "color": t.color,
                "page_header": t.page_header,
                "verifiable": t.verifiable,
            }
            for t in schema.types.values()
        },
        "links": {link.name: _encode_link(link) for link in schema.links.values()},
    }


def _encode_link(link: LinkDef) -> dict[str, Any]:
    encoded: dict[str, Any] = {
        "incoming": link.incoming,
        "sources": list(link.sources),
        "targets": list(link.targets),
        "traces": link.traces,
        "affects": list(link.affects),
    }
    if link.loops:  # written only where it is set: reports of other links stay as they were
        encoded["loops"] = True
    return encoded


def decode_vocabulary(data: Mapping[str, Any]) -> Schema:
    """The inverse of :func:`encode_vocabulary` (also for reports written before it
    recorded colours, page headers and separators: their defaults then)."""
    types = {
        name: TypeDef(
            name=name,
            label=str(spec.get("label") or name),
            statuses=tuple(spec.get("statuses") or ("",)),
            fields=tuple(
                FieldDef(
                    fname,
                    str(f.get("kind", "text")),
                    tuple(f.get("choices") or ()),
                    f.get("default"),
                    separator=str(f.get("separator") or ","),
                )
                for fname, f in (spec.get("fields") or {}).items()
            ),
            inactive_statuses=tuple(spec.get("inactive_statuses") or ()),
            color=str(spec.get("color") or TypeDef.color),
            page_header=bool(spec.get("page_header")),
            verifiable=bool(spec.get("verifiable")),
        )
        for name, spec in (data.get("types") or {}).items()
    }
    links = {
        name: LinkDef(
            name,
            str(spec.get("incoming", name)),
            tuple(spec.get("sources") or ()),
            tuple(spec.get("targets") or ()),
            bool(spec.get("traces")),
            tuple(spec.get("affects") or ("source", "target")),
            bool(spec.get("loops")),
        )
        for name, spec in (data.get("links") or {}).items()
    }
    return Schema(types, links)


# -- the report ------------------------------------------------------------------------


def build_report(
    graph: Graph,
    findings: Sequence[Finding],
    schema: Schema,
    tracing_statuses: Iterable[str],
    *,
    project: str = "",
    url_for: Callable[[Item], str | None] = lambda item: None,
    suppress_warnings: Iterable[str] = (),
    checks_run: Iterable[str] = (),
    objects: list[dict[str, Any]] | None = None,
    lock: str | None = None,
) -> dict[str, Any]:
    """The report; ``objects`` replaces the object rows, which a caller that has them
    already encoded leaves empty (see :func:`dumps`)."""
    suppress = list(suppress_warnings)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.subtype] = counts.get(f.subtype, 0) + 1
    report = {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "sphinx-designdoc", "version": __version__},
        "project": project,
        "vocabulary": encode_vocabulary(schema),
        "tracing_statuses": sorted(tracing_statuses),
        "coverage": {
            t: {"traced": c.traced, "total": c.total, "percent": c.percent}
            for t, c in graph.coverage().items()
        },
        "checks": {name: counts.get(name, 0) for name in sorted(set(checks_run) | set(counts))},
        "objects": (
            [object_dict(ObjectRow.of(item, graph, url_for(item))) for item in graph.items()]
            if objects is None
            else objects
        ),
        "findings": [finding_dict(f, is_suppressed(f.subtype, suppress)) for f in findings],
    }
    if lock is not None:
        # where the reviewed links are kept, for ``designdoc review``
        report["lock"] = lock
    return report


def graph_of(report: Mapping[str, Any]) -> Graph:
    """The graph of a checked report, walked by the same :class:`Graph` as a build."""
    rows = [decode_object(o, f"objects[{i}]") for i, o in enumerate(report["objects"])]
    schema = decode_vocabulary(report.get("vocabulary") or {})
    graph = Graph([row.item for row in rows], schema, report.get("tracing_statuses") or ())
    graph.suspects = {row.item.id: row.suspects for row in rows if row.suspects}
    graph.verification = {row.item.id: row.verification for row in rows if row.verification}
    graph.code = {row.item.id: row.code for row in rows if row.code}
    graph.tests_configured = bool(graph.verification)
    return graph


#: top-level lists written one element per line
_ROW_KEYS = frozenset({"objects", "findings"})


def dumps(report: Mapping[str, Any], objects: Sequence[str] | None = None) -> str:
    """The report as text: indented at the top, one object or finding per line.

    One line per record keeps diffs of two builds readable, and encoding each record
    without indentation lets :mod:`json` use its C encoder (``indent`` forces the
    pure-Python one, ten times slower on a 20,000-object project).  ``objects`` are
    object rows already encoded by :func:`encode_object`, written in place of the
    report's own: an incremental build reuses the rows of unchanged documents.
    """
    return "".join(chunks(report, objects))


def chunks(report: Mapping[str, Any], objects: Sequence[str] | None = None) -> Iterator[str]:
    """:func:`dumps` in pieces, for writing straight to a file: a large project's
    report is never held as one more string (16 MB at 22,000 objects)."""
    yield "{\n"
    for index, (key, value) in enumerate(report.items()):
        yield (",\n " if index else " ") + json.dumps(key) + ": "
        lines: Sequence[str] = ()
        if key == "objects" and objects is not None:
            lines = objects
        elif key in _ROW_KEYS and isinstance(value, list):
            lines = [encode_row(row) for row in value]
        if lines:
            yield "[\n"
            for number, line in enumerate(lines):
                yield (",\n  " if number else "  ") + line
            yield "\n ]"
        else:
            yield json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")
    yield "\n}\n"
