"""What keeps incremental builds exact and cheap: page fingerprints, the pages written
with them, and the cached rows of ``designdoc.json``.

- A page's **fingerprint** digests everything it shows that other pages decide: the
  titles and statuses of what its objects link to and from, the badges its objects
  show (untraced, unused, ...), the targets of its ``:dd:ref:`` roles, the objects its
  views can show, the page titles a table shows.
  Sphinx is told to write again every page whose fingerprint differs from the one it
  was last **written** with (kept per builder and output folder in the doctree folder,
  updated only by a build that finished, so an interrupted build rewrites what it did
  not write).
- The report **rows** of a document are encoded once and reused while its fingerprint
  and the URL scheme stay the same: after a one-file edit of a large project,
  ``designdoc.json`` is mostly copied, not encoded.
"""

# implements: DEC-FINGERPRINTS, DEC-REPORT-ROWS (docs/design.rst)

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ._compat import env_app
from .codec import ObjectRow, encode_object
from .fileio import write_atomic
from .model import Item, digest, encode
from .state import project_state
from .views.kind import watched_types

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .domain import DesigndocDomain
    from .graph import Graph


# -- fingerprints ----------------------------------------------------------------------


def fingerprints(domain: DesigndocDomain) -> dict[str, str]:
    """Per document, a digest of everything it shows that other documents decide; kept
    on the domain as :attr:`.DesigndocDomain.current_fingerprints` for this build.

    Each object is encoded once per build (:func:`_signature`), each page's digest
    hashes one joined byte string, and a view's types are digested from the
    per-document digests the records keep (:meth:`.DocRecord.type_digests`), so the
    cost is one pass over the links, not one hash update per link per page.
    """
    graph = domain.graph
    signatures: dict[str, bytes] = {}

    def signature(item_id: str) -> bytes:
        sig = signatures.get(item_id)
        if sig is None:
            sig = signatures[item_id] = _signature(graph.get(item_id))
        return sig

    type_digests: dict[str | None, bytes] = {}
    foreign = domain.project.foreign_items()
    docs = domain.docs

    def type_digest(type_name: str | None) -> bytes:
        """Everything about the objects of a type (None: of every type)."""
        value = type_digests.get(type_name)
        if value is None:
            pieces: list[bytes] = []
            for docname in sorted(docs):
                per_type = docs[docname].type_digests()
                if type_name is None:
                    pieces.extend(per_type[name] for name in sorted(per_type))
                elif type_name in per_type:
                    pieces.append(per_type[type_name])
            pieces.extend(
                digest(item.state())
                for item in foreign
                if type_name is None or item.type == type_name
            )
            value = type_digests[type_name] = digest(pieces)
        return value

    graphviz = b"graphviz" if domain.project.graphviz else b"no graphviz"
    schema = domain.settings.schema
    badges = domain.project.badges()
    suspects = graph.suspects
    # a view may show which objects are suspect (a column, a filter): rewritten when
    # that changes, which no object's own state says
    suspect_digest = digest(
        sorted((k, [(s.link, s.target, s.changed) for s in v]) for k, v in suspects.items())
    )
    # the same for what the test results and the code say of each object (the test
    # results change with no source changing: a rerun rewrites the pages that show it)
    evidence = {
        item_id: _evidence_state(graph, item_id)
        for item_id in graph.verification.keys() | graph.code.keys()
    }
    evidence_digest = digest((graph.tests_configured, sorted(evidence.items())))
    result: dict[str, str] = {}
    for docname, rec in docs.items():
        parts: list[bytes] = []
        for item in rec.items:
            parts.append(item.id.encode())
            parts.append(" ".join(badges.get(item.id, ())).encode())
            if item.id in suspects:
                parts.append(encode([(s.link, s.target, s.changed) for s in suspects[item.id]]))
            if item.id in evidence:
                parts.append(evidence[item.id])
            for _, target in graph.outgoing(item):
                parts.append(signature(target))
            for incoming_name, sources in sorted(graph.incoming_of(item.id).items()):
                parts.append(incoming_name.encode())
                parts.extend(map(signature, sources))
        parts.extend(signature(ref.target) for ref in rec.refs)
        for view in rec.views:
            if view.drawn:  # drawn, or a table without Graphviz
                parts.append(graphviz)
            if suspects:
                parts.append(suspect_digest)
            if evidence or graph.tests_configured:
                parts.append(evidence_digest)
            # a view is rewritten when an object of a type it can show changes
            types = watched_types(view, schema)
            if types is None:
                parts.append(type_digest(None))
            else:
                parts.extend(type_digest(name) for name in sorted(types))
        result[docname] = hashlib.blake2b(b"\x1e".join(parts), digest_size=16).hexdigest()
    domain.current_fingerprints = result
    return result


def _evidence_state(graph: Graph, item_id: str) -> bytes:
    """What an object shows of its tests and code, as bytes."""
    verification = graph.verification.get(item_id)
    tests = (
        (
            verification.state,
            [(t.id, t.outcome, t.file, t.line, t.message) for t in verification.tests],
        )
        if verification is not None
        else None
    )
    code = [(c.path, c.line, c.url) for c in graph.code.get(item_id, ())]
    return encode((tests, code))


def _signature(item: Item | None) -> bytes:
    """What a link or backlink to ``item`` shows, as bytes."""
    if item is None:
        return b"\x00missing"
    return encode((item.id, item.type, item.title, item.status, item.docname, item.external_url))


# -- pages written with which fingerprint ----------------------------------------------

#: in the doctree folder: per builder and output folder, the fingerprint each page had
#: when it was last written
WRITTEN_FILE = "designdoc-written.json"


def _written_key(app: Sphinx) -> str:
    return f"{app.builder.name}:{Path(app.outdir).resolve()}"


def _load_written(app: Sphinx) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((Path(app.doctreedir) / WRITTEN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def pages_to_rewrite(app: Sphinx, new: dict[str, str]) -> list[str]:
    """Pages whose fingerprint differs from the one they were last written with, and
    start recording what this build writes (:func:`note_written`)."""
    written = _load_written(app).get(_written_key(app))
    written = written if isinstance(written, dict) else {}
    project_state(app).written = {doc: fp for doc, fp in written.items() if doc in new}
    return sorted(doc for doc, fp in new.items() if written.get(doc) != fp)


def note_written(env: BuildEnvironment, docname: str, fingerprint: str | None) -> None:
    """A page is being written with ``fingerprint``."""
    written = project_state(env_app(env)).written
    if written is not None and fingerprint is not None:
        written[docname] = fingerprint


def save_written(app: Sphinx) -> None:
    """Keep what this build wrote, once it has finished."""
    state = project_state(app)
    written, state.written = state.written, None
    if written is None:
        return
    data = _load_written(app)
    data[_written_key(app)] = dict(sorted(written.items()))
    write_atomic(Path(app.doctreedir) / WRITTEN_FILE, json.dumps(data, indent=0))


# -- designdoc.json rows ---------------------------------------------------------------


def item_url(builder: Builder, item: Item) -> str | None:
    """The URL of an object in the report: the page the builder writes it on (for
    builders without pages of their own, the page an HTML build would write)."""
    if item.external:
        return item.external_url or None
    if builder.format != "html":
        return f"{item.docname}.html#{item.id}"
    try:
        uri = builder.get_target_uri(item.docname)
    except Exception:  # a builder that cannot link to this page
        return None
    return f"{uri.split('#', 1)[0]}#{item.id}"


def url_scheme(builder: Builder) -> str:
    """What :func:`item_url` depends on besides the object: cached report rows are
    reused only under the same scheme (another builder, ``html_file_suffix``, ...)."""
    try:
        probe = builder.get_target_uri("dd-probe/page")
    except Exception:
        probe = ""
    return f"\x00{builder.name}\x00{builder.format}\x00{probe}"


def _row_key(domain: DesigndocDomain, docname: str, scheme: str) -> str:
    """What a document's cached report rows are valid for: its fingerprint in this
    build, the URL scheme."""
    return domain.current_fingerprints.get(docname, "") + scheme


def refresh_rows(domain: DesigndocDomain, builder: Builder) -> None:
    """Encode the report rows of documents whose rows are missing or stale.

    A document's rows show its own objects (re-read when they change, which drops
    its rows in :meth:`.DesigndocDomain.clear_doc`) and what its fingerprint covers
    (backlinks and the sources' status, from which the traced flag follows).  Called
    when the fingerprints are new and before Sphinx pickles the environment, so the next
    build reuses every row of a document neither read nor affected.
    """
    graph = domain.graph
    rows = domain.data["rows"]
    scheme = url_scheme(builder)
    for docname, rec in domain.docs.items():
        key = _row_key(domain, docname, scheme)
        cached = rows.get(docname)
        if cached is None or cached[0] != key:
            own = [item for item in rec.items if graph.get(item.id) is item]
            encoded = [encode_object(ObjectRow.of(i, graph, item_url(builder, i))) for i in own]
            rows[docname] = (key, tuple(item.id for item in own), _pack(encoded))


def _pack(encoded: list[str]) -> bytes:
    """A document's rows, compressed: the environment keeps them all build long and
    pickles them, and JSON text compresses several times over.  One row a line: JSON
    text escapes every control character, so no row holds a line break."""
    return zlib.compress("\n".join(encoded).encode("utf-8"), 1)


def _unpack(ids: tuple[str, ...], packed: bytes) -> dict[str, str]:
    """A document's rows by ID (the IDs are kept beside the rows: an ID may hold any
    character ``designdoc_id_regex`` lets through)."""
    if not ids:
        return {}
    return dict(zip(ids, zlib.decompress(packed).decode("utf-8").split("\n"), strict=True))


def object_rows(domain: DesigndocDomain, builder: Builder) -> list[str]:
    """Every object's encoded report row, in report order, reusing cached rows."""
    return cached_rows(domain, lambda item: item_url(builder, item), url_scheme(builder))


def cached_rows(
    domain: DesigndocDomain, url_for: Callable[[Item], str | None], scheme: str
) -> list[str]:
    """:func:`object_rows` for a URL function and scheme (a benchmark times this)."""
    graph = domain.graph
    rows = domain.data["rows"]
    unpacked: dict[str, dict[str, str]] = {}
    out: list[str] = []
    for item in graph.items():
        line = None
        cached = None if item.external else rows.get(item.docname)
        if cached is not None and cached[0] == _row_key(domain, item.docname, scheme):
            doc_rows = unpacked.get(item.docname)
            if doc_rows is None:
                doc_rows = unpacked[item.docname] = _unpack(cached[1], cached[2])
            line = doc_rows.get(item.id)
        if line is None:  # an external object, or a duplicate ID that changed hands
            line = encode_object(ObjectRow.of(item, graph, url_for(item)))
        out.append(line)
    return out
