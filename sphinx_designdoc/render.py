"""Docutils nodes for objects, their links and backlinks.

An object is a container with a :class:`.designdoc_fields` placeholder holding its
header and fields as plain data, then its body.  When the page is written, the
post-transform (:mod:`.transforms`) makes them a header paragraph
(:func:`render_head`) and a standard field list (:func:`render_field_list`) or, for the
HTML builders, writes them as HTML (:mod:`.views.fields`).  Links an author wrote are
``pending_xref`` nodes for Sphinx's reference resolver; backlinks, whose sources are
known objects, are finished references.  Views are rendered by :mod:`.views`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from docutils import nodes
from sphinx import addnodes

from .config import Settings
from .evidence.verify import VERIFICATION_TONES
from .graph import Graph
from .marks import InactiveMark
from .model import FieldValue, Item
from .nodes import designdoc_fields
from .safety import css_class, safe_url
from .subtypes import SUBTYPES
from .vocabulary import TypeDef, display_name, status_classes

DOMAIN = "dd"


def xref(target: str, refdoc: str, text: str | None = None) -> addnodes.pending_xref:
    """A link to an object, resolved by the domain for every builder.

    Without ``text`` it reads ``ID: title`` once resolved; an unknown ID degrades to its
    plain text (the dangling check reports it once, with a location).
    """
    node = addnodes.pending_xref(
        "",
        nodes.inline(text or target, text or target, classes=["dd-ref"]),
        refdomain=DOMAIN,
        reftype="ref",
        reftarget=target,
        refexplicit=text is not None,
        refwarn=False,
        refdoc=refdoc,
    )
    return node


def search_anchor(item_id: str) -> str:
    """The anchor of an object's header paragraph, which the search index points at.

    Not the object's own ID (its box's anchor, where every link goes): Sphinx's search
    page rebuilds an anchor equal to an object's full name from its display name, which
    reads "ID: title" (:meth:`.DesigndocDomain.get_objects`), so a search result would
    lead nowhere.  The header is the first line of the box: a search lands on the object.
    """
    return f"dd-head-{item_id}"


def titled_text(item: Item) -> nodes.inline:
    """A link's text "ID: title", the ID in a span of its own that never breaks across
    lines (an ID breaks at its hyphens otherwise, on a phone), the title wrapping."""
    inline = nodes.inline("", "", classes=["dd-ref"])
    inline += nodes.inline(item.id, item.id, classes=["dd-ref-id"])
    inline += nodes.Text(f": {item.title}")
    return inline


def mark_nodes(mark: InactiveMark) -> list[nodes.Node]:
    """The nodes of an inactive object's mark (:mod:`.marks`), put after a link's text
    inside the link."""
    return [nodes.Text(" "), nodes.inline(mark.text, mark.text, classes=list(mark.classes))]


def xref_list(targets: Sequence[str], refdoc: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["dd-links"])
    for index, target in enumerate(targets):
        if index:
            para += nodes.Text(", ")
        para += xref(target, refdoc)
    return para


def _field(name: str, body: nodes.Node, classes: Sequence[str] = ()) -> nodes.field:
    field = nodes.field(classes=list(classes))
    field += nodes.field_name(name, name)
    field += nodes.field_body("", body)
    return field


def _value_text(value: FieldValue, separator: str = ",") -> str:
    """A field value as written: a list joined with its own separator (``;`` for a
    decision's alternatives, which may hold commas)."""
    return f"{separator[:1]} ".join(value) if isinstance(value, tuple) else value


def render_object(
    typedef: TypeDef,
    settings: Settings,
    item: Item | None,
    title: str,
    status: str,
    fields: Mapping[str, FieldValue],
    links: Mapping[str, tuple[str, ...]],
    body: Sequence[nodes.Node],
    docname: str,
) -> list[nodes.Node]:
    """The whole object: a placeholder for its header, fields, links and backlinks,
    then its body.

    Every reference carries its ``refdoc``: builders that merge pages into one tree
    (LaTeX, singlehtml) resolve references long after the page's own context is gone.
    """
    item_id = item.id if item is not None else ""
    box = nodes.container(
        classes=[
            "dd-object",
            f"dd-type-{css_class(typedef.name)}",
            f"dd-status-{css_class(status)}",
            f"dd-tone-{typedef.tone(status) or 'none'}",
        ],
    )
    if item is not None:
        box["ids"] = [item_id]
        box["dd_id"] = item_id
    rows = field_rows(typedef, settings, status, fields, links)
    head: Head = (typedef.label, item_id, title)
    box += designdoc_fields(head=head, rows=rows, item_id=item_id, docname=docname)
    box.extend(body)
    return [box]


#: An object's header as data: ``(type label, ID or "", title)``.  As nodes it is ten
#: per object (paragraph, spans, texts), which every transform of the write phase, the
#: search indexer and, in a parallel build, the main process's unpickling walk.
Head = tuple[str, str, str]


def render_head(head: Head, badges: Sequence[str], link_badges: bool) -> nodes.paragraph:
    """An object's header paragraph: type, ID, title, then its badges."""
    label, item_id, title = head
    para = nodes.paragraph(classes=["dd-head"])
    if item_id:
        para["ids"] = [search_anchor(item_id)]
    para += nodes.inline(label, label, classes=["dd-type"])
    para += nodes.Text(" ")
    if item_id:
        para += nodes.strong(item_id, item_id, classes=["dd-id"])
        para += nodes.Text(": ")
    para += nodes.inline(title, title, classes=["dd-title"])
    para.extend(render_badges(badges, link_badges))
    return para


#: One row of an object's fields, as tuples of strings, which pickle small and which
#: Python's collector stops tracking: ``(kind, label, classes, value, value classes)``,
#: classes space-separated; kind ``"text"`` (value: the text), ``"status"`` (value: the
#: status), ``"url"`` (value: a URL the policy allows) or ``"links"`` (value: the IDs
#: it links to, a tuple in the order written); :func:`object_fields` adds backlinks.
FieldRow = tuple[str, str, str, "str | tuple[str, ...]", str]


def field_rows(
    typedef: TypeDef,
    settings: Settings,
    status: str,
    fields: Mapping[str, FieldValue],
    links: Mapping[str, tuple[str, ...]],
) -> list[FieldRow]:
    """The status, fields and outgoing links of an object, in the order shown."""
    tone = " ".join(status_classes(typedef, status))
    rows: list[FieldRow] = [("status", "Status", "", status, tone)]
    for name, value in fields.items():
        fdef = typedef.field(name)
        if fdef is not None and not fdef.show_default and value == fdef.default:
            continue
        url = safe_url(value) if fdef is not None and fdef.kind == "url" else None
        classes = f"dd-field-{name}"
        if url is not None:  # a URL the policy forbids is shown as text
            rows.append(("url", display_name(name), classes, url, ""))
        else:
            separator = fdef.separator if fdef is not None else ","
            rows.append(("text", display_name(name), classes, _value_text(value, separator), ""))
    for link in settings.schema.links_from(typedef.name):
        targets = links.get(link.name)
        if targets:
            classes = f"dd-outgoing dd-link-{link.name}"
            rows.append(("links", display_name(link.name), classes, tuple(targets), ""))
    return rows


def object_fields(rows: Sequence[FieldRow], item_id: str, graph: Graph) -> Iterator[FieldRow]:
    """An object's fields in the order shown, as both writers (this module's nodes and
    :func:`.views.fields.object_html`) and the search text take them: the rows read
    with the object, then its backlinks, which the whole project decides (kind
    ``"backlinks"``, value: the IDs of the known objects that link to it)."""
    yield from rows
    if item_id:
        for incoming_name, sources in sorted(graph.incoming_of(item_id).items()):
            classes = "dd-incoming dd-link-" + incoming_name.replace(" ", "-")
            yield ("backlinks", display_name(incoming_name), classes, tuple(sources), "")
        yield from evidence_rows(item_id, graph)


#: how many tests an object's field names before it says how many more there are
_TESTS_SHOWN = 10


def evidence_rows(item_id: str, graph: Graph) -> Iterator[FieldRow]:
    """What the test results and the code say of an object, after its backlinks:
    its verification (a pill like a status), the tests behind it, and its code tags
    (kind ``"code"``, value: ``path:line`` per tag of :attr:`.Graph.code`, which the
    writers link with the tag's URL)."""
    verification = graph.verification.get(item_id)
    if verification is not None:
        state = verification.state
        classes = f"dd-status dd-verified-{state} dd-tone-{VERIFICATION_TONES.get(state, 'none')}"
        yield ("status", "Verified", "dd-verified", verification.summary(), classes)
        tests = verification.tests
        if tests:
            shown = [
                t.id if t.outcome == "passed" else f"{t.id} ({t.outcome})"
                for t in tests[:_TESTS_SHOWN]
            ]
            if len(tests) > _TESTS_SHOWN:
                shown.append(f"and {len(tests) - _TESTS_SHOWN} more")
            yield ("text", "Tests", "dd-tests", ", ".join(shown), "")
    code = graph.code.get(item_id)
    if code:
        yield ("code", "Code", "dd-code", tuple(f"{c.path}:{c.line}" for c in code), "")


def _classes(text: str) -> list[str]:
    """A row's classes as a list (an incoming link's name may hold other whitespace,
    which its class keeps)."""
    return text.split(" ") if text else []


def render_field_list(
    node: designdoc_fields, graph: Graph, link: Callable[[Item], nodes.Node]
) -> nodes.field_list:
    """An object's fields as a docutils field list, for every builder.

    Outgoing links are ``pending_xref`` nodes for Sphinx's resolver (an unknown ID may
    be resolved by ``missing-reference`` handlers such as intersphinx).  Backlinks come
    from known objects, so ``link`` makes the finished hyperlink at once
    (:meth:`.DesigndocDomain.reference`): post-transforms run serially in the main
    process even in parallel builds, and a project has as many backlinks as links.
    """
    flist = nodes.field_list(classes=["dd-fields"])
    for kind, label, classes, value, value_classes in object_fields(
        node["rows"], node["item_id"], graph
    ):
        if kind == "code":
            para = nodes.paragraph(classes=["dd-code-tags"])
            for index, (label, tag) in enumerate(
                zip(value, graph.code[node["item_id"]], strict=True)
            ):
                if index:
                    para += nodes.Text(", ")
                literal = nodes.literal(label, label)
                para += nodes.reference("", "", literal, refuri=tag.url) if tag.url else literal
        elif isinstance(value, tuple):  # links and backlinks
            if kind == "links":
                para = xref_list(value, node["docname"])
            else:
                para = nodes.paragraph(classes=["dd-links"])
                for index, source_id in enumerate(value):
                    if index:
                        para += nodes.Text(", ")
                    para += link(graph.by_id[source_id])  # backlinks come from known objects
        elif kind == "status":
            inline = nodes.inline(value, value, classes=value_classes.split())
            para = nodes.paragraph("", "", inline)
        elif kind == "url":
            para = nodes.paragraph("", "", nodes.reference(value, value, refuri=value))
        else:
            para = nodes.paragraph("", value)
        flist += _field(label, para, _classes(classes))
    return flist


def badge_link(subtype: str) -> tuple[str, str]:
    """Where a badge links and its tooltip: what the problem means and how to fix it."""
    kind = SUBTYPES[subtype]
    return kind.help_url, f"{kind.summary} {kind.fix}"


def render_badges(subtypes: Sequence[str], link: bool) -> list[nodes.Node]:
    """The state of an object, after its title: a badge per kind of problem that stands
    ("untraced", "unused", "unjustified"), linking to what it means and how to fix it
    where a link stays out of the text (``link``: not in plain text, manual pages or
    EPUB, which print a URL beside it)."""
    out: list[nodes.Node] = []
    for name in subtypes:
        badge = nodes.inline(classes=["dd-badge", f"dd-badge-{name}"])
        if link:  # the link inside the badge, so the badge's colour is not the link's
            url, title = badge_link(name)
            badge += nodes.reference(
                name, name, refuri=url, reftitle=title, classes=["dd-badge-link"]
            )
        else:
            badge += nodes.Text(name)
        out += [nodes.Text(" "), badge]
    return out


def fill_title(doctree: nodes.Node, item_id: str, title: str) -> None:
    """Put a title decided after reading (a page header's page title) into its header."""
    for box in doctree.findall(nodes.container):
        if box.get("dd_id") == item_id:
            placeholder = box.children[0] if box.children else None
            if isinstance(placeholder, designdoc_fields):
                label, head_id, _old = placeholder["head"]
                placeholder["head"] = (label, head_id, title)
                return
