"""The view directives: ``dd-matrix``, ``dd-table`` and ``dd-graph``.

A view shows objects from the whole project, which is only known after every document
has been read.  So the directive only checks its options against the vocabulary (to warn
at its own location), records the view on its page (so the page is rewritten when an
object it can show changes) and leaves a placeholder that the post-transform fills in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..domain import get_domain
from ..model import Finding
from ..nodes import designdoc_view
from ..views.plans import PLANNERS, VIEW_OPTIONS
from .options import as_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class _AnyOption(dict[str, Callable[[Any], Any]]):
    """Accept every option, so an unknown one is a located ``designdoc.invalid``
    warning naming the known ones rather than a docutils error that drops the view."""

    def __missing__(self, key: str) -> Callable[[Any], Any]:
        return as_text


class ViewDirective(SphinxDirective):
    has_content = False
    required_arguments = 0
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = _AnyOption()
    view: ClassVar[str] = ""

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        docname = self.env.docname
        source_abs, line = self.get_source_info()
        source = domain.relative_source(source_abs)
        spec: dict[str, Any] = {
            "view": self.view,
            "options": {name: as_text(value) for name, value in sorted(self.options.items())},
            "source": source,
            "line": line or 0,
        }
        _, problems = PLANNERS[self.view](spec, domain.settings.schema)
        for problem in problems:
            domain.note_finding(
                docname, Finding("invalid", f"{self.name}: {problem}", source, line, docname)
            )
        domain.note_view(docname, spec)
        node = designdoc_view(
            view=self.view, spec=spec, docname=docname, source=source, line=line or 0
        )
        self.set_source_info(node)
        return [node]


class MatrixDirective(ViewDirective):
    view = "matrix"
    option_spec = _AnyOption(dict.fromkeys(VIEW_OPTIONS["matrix"], as_text))


class TableDirective(ViewDirective):
    view = "table"
    option_spec = _AnyOption(dict.fromkeys(VIEW_OPTIONS["table"], as_text))


class GraphDirective(ViewDirective):
    view = "graph"
    option_spec = _AnyOption(dict.fromkeys(VIEW_OPTIONS["graph"], as_text))


VIEW_DIRECTIVES: dict[str, type[ViewDirective]] = {
    "dd-matrix": MatrixDirective,
    "dd-table": TableDirective,
    "dd-graph": GraphDirective,
}


def setup_views(app: Sphinx) -> None:
    """Register the view directives; ``dd-graph`` draws through ``sphinx.ext.graphviz``
    for the builders other than HTML."""
    app.setup_extension("sphinx.ext.graphviz")
    for name, directive in VIEW_DIRECTIVES.items():
        app.add_directive(name, directive)
