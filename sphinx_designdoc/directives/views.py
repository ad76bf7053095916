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
from ..views import KINDS, ViewKind
from .options import as_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class _AnyOption(dict[str, Callable[[Any], Any]]):
    """Accept every option, so an unknown one is a located ``designdoc.invalid``
    warning naming the known ones rather than a docutils error that drops the view."""

    def __missing__(self, key: str) -> Callable[[Any], Any]:
        return as_text


class ViewDirective(SphinxDirective):
    """The directive of one view kind (:func:`directive` makes one per kind)."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Callable[[Any], Any]]] = _AnyOption()
    kind: ClassVar[ViewKind[Any]]

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        docname = self.env.docname
        source_abs, line = self.get_source_info()
        source = domain.relative_source(source_abs)
        options = {name: as_text(value) for name, value in sorted(self.options.items())}
        view, problems = self.kind.read(options, domain.settings.schema, source, line or 0)
        for problem in problems:
            domain.note_finding(
                docname, Finding("invalid", f"{self.name}: {problem}", source, line, docname)
            )
        domain.note_view(docname, view)
        node = designdoc_view(view=view, docname=docname)
        self.set_source_info(node)
        return [node]


def directive(kind: ViewKind[Any]) -> type[ViewDirective]:
    """The directive of ``kind``, taking its options."""
    option_spec = _AnyOption(dict.fromkeys(kind.options, as_text))
    name = f"{kind.name.title()}Directive"
    return type(name, (ViewDirective,), {"kind": kind, "option_spec": option_spec})


def setup_views(app: Sphinx) -> None:
    """Register the view directives; ``dd-graph`` draws through ``sphinx.ext.graphviz``
    for the builders other than HTML."""
    app.setup_extension("sphinx.ext.graphviz")
    for kind in KINDS.values():
        app.add_directive(kind.directive, directive(kind))
