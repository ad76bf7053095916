"""An object's header and fields written as HTML when the page is translated, for the
HTML builders.

The same data :func:`..render.render_head` and :func:`..render.render_field_list` make
docutils nodes of, written with the elements, classes and links Sphinx's HTML writer
gives those nodes, so the stylesheet and themes see the same page.  Objects are the bulk
of a design document: as nodes each costs about forty that every transform, the search
indexer and the writer walk, as this one node it costs two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from docutils.writers._html_base import HTMLTranslator

from ..evidence.model import CodeTag
from ..graph import Graph
from ..nodes import designdoc_fields
from ..render import FieldRow, Head, badge_link, object_fields, search_anchor
from .output import Output

#: the characters docutils' HTML writer escapes in text (``@`` too, against harvesting)
_SPECIAL = HTMLTranslator.special_characters


def _text(value: str) -> str:
    return value.translate(_SPECIAL)


def writable(node: designdoc_fields, graph: Graph) -> bool:
    """Whether the fields can be written as HTML: every ID they link to is an object
    (a link to an unknown ID stays a ``pending_xref`` for Sphinx, whose
    ``missing-reference`` handlers, such as intersphinx, may still resolve it)."""
    return all(
        target in graph
        for kind, _label, _classes, value, _extra in node["rows"]
        if kind == "links"
        for target in value
    )


def head_html(head: Head, badges: Sequence[str], link_badges: bool) -> str:
    """The header paragraph (:func:`..render.render_head`) as Sphinx's HTML writer
    writes it."""
    label, item_id, title = head
    anchor = f' id="{escape(search_anchor(item_id))}"' if item_id else ""
    out = [f'<p class="dd-head"{anchor}><span class="dd-type">{_text(label)}</span> ']
    if item_id:
        out.append(f'<strong class="dd-id">{_text(item_id)}</strong>: ')
    out.append(f'<span class="dd-title">{_text(title)}</span>')
    for name in badges:
        if link_badges:
            url, title = badge_link(name)
            inner = (
                f'<a class="dd-badge-link reference external" href="{escape(url)}"'
                f' title="{escape(title)}">{_text(name)}</a>'
            )
        else:
            inner = _text(name)
        out.append(f' <span class="dd-badge dd-badge-{escape(name)}">{inner}</span>')
    out.append("</p>\n")
    return "".join(out)


def object_html(
    head: Head,
    badges: Sequence[str],
    link_badges: bool,
    rows: list[FieldRow],
    item_id: str,
    graph: Graph,
    output: Output,
) -> list[str]:
    """An object's header and field list as Sphinx's HTML writer writes them, in pieces."""
    out = [head_html(head, badges, link_badges), '<dl class="dd-fields field-list simple">\n']
    count = 0

    def field(label: str, classes: str, inner: str) -> None:
        nonlocal count
        parity = "field-even" if count % 2 else "field-odd"
        count += 1
        names = escape(f"{classes} {parity}" if classes else parity)
        out.append(
            f'<dt class="{names}">{_text(label)}<span class="colon">:</span></dt>\n'
            f'<dd class="{names}">{inner}\n</dd>\n'
        )

    def links(ids: Iterable[str]) -> str:
        return '<p class="dd-links">' + ", ".join(map(output.titled_html, ids)) + "</p>"

    for kind, label, classes, value, value_classes in object_fields(rows, item_id, graph):
        if kind == "status":
            assert isinstance(value, str)
            names = escape(value_classes)
            field(label, classes, f'<p><span class="{names}">{_text(value)}</span></p>')
        elif kind == "url":
            assert isinstance(value, str)
            field(
                label,
                classes,
                f'<p><a class="reference external" href="{escape(value)}">{_text(value)}</a></p>',
            )
        elif kind in ("links", "backlinks"):
            field(label, classes, links(value))
        elif kind == "code":
            field(label, classes, code_html(value, graph.code[item_id]))
        else:
            assert isinstance(value, str)
            field(label, classes, f"<p>{_text(value)}</p>")
    out.append("</dl>\n")
    return out


def code_html(labels: Sequence[str], tags: Sequence[CodeTag]) -> str:
    """An object's code tags, ``path:line`` each, linked where the tag has a URL (the
    docutils nodes :func:`..render.render_field_list` makes, as HTML)."""
    parts = []
    for label, tag in zip(labels, tags, strict=True):
        literal = f'<code class="docutils literal notranslate">{_text(label)}</code>'
        if tag.url:
            literal = f'<a class="reference external" href="{escape(tag.url)}">{literal}</a>'
        parts.append(literal)
    return '<p class="dd-code-tags">' + ", ".join(parts) + "</p>"


def object_text(head: Head, rows: list[FieldRow], item_id: str, graph: Graph) -> str:
    """What the search index reads of an object's header and fields: type, ID and
    title, the values, and the IDs of the objects it links to and from.

    Not the labels, which every object of a type repeats, nor the titles of linked
    objects: a search for an object's title finds its own page (and prose that names
    it), not every page whose fields link to it.  In a parallel build Sphinx indexes
    every page in its main process, so each word here is paid for serially.
    """
    label, head_id, title = head
    words = [f"{label} {head_id}: {title}" if head_id else f"{label} {title}"]
    for kind, _label, _classes, value, _extra in object_fields(rows, item_id, graph):
        if kind in ("links", "backlinks", "code"):
            words.extend(value)
        else:
            words.append(str(value))
    return "\n".join(words)
