"""The write-phase transform: field and view placeholders become finished nodes, and
objects get their badges."""

# implements: DEC-POST-TRANSFORM (docs/design.rst)

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ._compat import current_builder
from .domain import get_domain
from .nodes import designdoc_fields, designdoc_html, designdoc_placeholder, designdoc_view
from .render import render_field_list, render_head
from .views import KINDS, ViewContext, render_view
from .views import output as view_output
from .views.fields import object_html, object_text, writable
from .views.output import Output

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .domain import DesigndocDomain


def page_title(env: BuildEnvironment, docname: str) -> str:
    """A page's title as the reader sees it (its docname if it has none)."""
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


class DesigndocPostTransform(SphinxPostTransform):
    """Fill field and view placeholders from the project graph and add each object's
    badges (the problems that stand on the project as a whole) after its title.

    Runs before Sphinx's reference resolver (priority 10), so the ``pending_xref`` nodes
    of view links to unknown IDs are resolved for every builder like any other
    reference; backlinks and views link the objects they hold themselves.
    """

    default_priority = 5

    def _context(self, domain: DesigndocDomain, builder: Builder, fromdocname: str) -> ViewContext:
        return ViewContext(
            graph=domain.graph,
            schema=domain.settings.schema,
            builder=builder,
            fromdocname=fromdocname,
            link=partial(domain.link, builder, fromdocname),
            page_title=partial(page_title, self.env),
            graphviz=domain.project.graphviz,
            graph_format=domain.settings.graph_format,
        )

    def _fill_object(
        self,
        fields: designdoc_fields,
        domain: DesigndocDomain,
        builder: Builder,
        fast: bool,
        outputs: dict[str, Output],
        badges: tuple[str, ...],
        link_badges: bool,
    ) -> None:
        """An object's header and fields, with its badges, for this builder."""
        graph = domain.graph
        fromdocname = fields["docname"] or self.env.docname
        head, rows, item_id = fields["head"], fields["rows"], fields["item_id"]
        if fast and writable(fields, graph):
            output = outputs.get(fromdocname)
            if output is None:
                context = self._context(domain, builder, fromdocname)
                output = outputs[fromdocname] = Output(context)
            writer = partial(object_html, head, badges, link_badges, rows, item_id, graph, output)
            # the text it shows, for the search index (the translator skips it)
            text = nodes.Text(object_text(head, rows, item_id, graph))
            fields.replace_self(designdoc_html("", text, writer=writer))
        else:
            link = partial(domain.titled_reference, builder, fromdocname)
            fields.replace_self(
                [render_head(head, badges, link_badges), render_field_list(fields, graph, link)]
            )

    def run(self, **kwargs: Any) -> None:
        domain = get_domain(self.env)
        docname = self.env.docname
        builder = current_builder(self.env)
        fast = view_output.use_html_fast_path(builder)
        outputs: dict[str, Output] = {}  # one per page the fields were read on
        badges = domain.project.badges()
        link_badges = builder.format == "latex" or (
            builder.format == "html" and not builder.name.startswith("epub")
        )
        # one walk of the page (the main process of a parallel build walks every page)
        for node in list(self.document.findall(designdoc_placeholder)):
            if isinstance(node, designdoc_fields):
                shown = badges.get(node["item_id"], ()) if node["item_id"] else ()
                self._fill_object(node, domain, builder, fast, outputs, shown, link_badges)
            elif isinstance(node, designdoc_view):
                if node["view"].kind not in KINDS:
                    node.parent.remove(node)
                    continue
                ctx = self._context(domain, builder, node.get("docname") or docname)
                node.replace_self(render_view(node, ctx))
        if builder.format == "man":
            # a manual page has no boxes, and the man writer starts no paragraph for a
            # container's first child, which would run an object's header into the
            # paragraph before it: the object's parts stand on their own
            for box in list(self.document.findall(nodes.container)):
                if box.get("dd_id"):
                    box.replace_self(box.children)
        if builder.format == "latex":
            # LaTeX places hyperlink targets only for target nodes, not containers
            for box in self.document.findall(nodes.container):
                if box.get("dd_id") and box["ids"]:
                    box.insert(0, nodes.target("", "", ids=box["ids"]))
                    box["ids"] = []
