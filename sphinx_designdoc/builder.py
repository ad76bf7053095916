"""Reports in a Sphinx build: the ``designdoc`` builder and the ``designdoc_exports`` writers.

``sphinx-build -b designdoc`` reads the project and runs the checks like any builder, but
writes no page: CI gets ``designdoc.json`` and the exports in the time reading takes.
The reports themselves are written at ``build-finished`` by :mod:`.extension`, the same
way for every builder, so this builder only has to skip per-document writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders import Builder
from sphinx.locale import _

from .fileio import write_atomic
from .formats import FORMATS
from .reports import render
from .reports.sarif import repository_prefix
from .state import project_state

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


class DesigndocBuilder(Builder):
    """Reads everything, checks everything, writes only the reports."""

    name = "designdoc"
    format = "designdoc"
    epilog = _("The designdoc reports are in %(outdir)s.")
    allow_parallel = True
    #: no page of its own can go stale, so no page needs rewriting after another changes
    designdoc_writes_pages = False

    def init(self) -> None:
        # the reports describe the HTML build of the same sources (their URLs are its
        # pages), so ``.. only:: html`` content counts as it does there
        self.tags.add("html")
        self.tags.add("format_html")

    def get_outdated_docs(self) -> str:
        # a summary string means "all": the reports always describe the whole project
        return "the traceability reports"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        # where the page will be in an HTML build of the same sources
        return f"{docname}.html"

    def prepare_writing(self, docnames: Iterable[str]) -> None:
        pass

    def write_documents(self, docnames: Iterable[str]) -> None:
        # no per-document output: skip loading and resolving every doctree
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    def finish(self) -> None:
        pass


def export_options(app: Sphinx, fmt: str) -> dict[str, Any]:
    if fmt == "sarif":
        return {"path_prefix": repository_prefix(app.srcdir)}
    if fmt == "needs":
        return {"version": str(app.config.version or "") or "1.0"}
    if fmt in ("html", "md"):  # written next to the pages: relative links, or the base
        return {"url_base": project_state(app).settings.report_base_url}
    return {}


def write_export(app: Sphinx, fmt: str, report: dict[str, Any], outdir: Path) -> None:
    """Write one ``designdoc_exports`` format next to ``designdoc.json``; the same
    renderer as ``designdoc export``, so both give the same bytes."""
    text = render(fmt, report, **export_options(app, fmt))
    write_atomic(Path(outdir) / FORMATS[fmt].filename, text)
