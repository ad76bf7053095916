"""Report writers.  Each module turns the ``designdoc.json`` report dict into one format.

Writers are pure functions ``render(report) -> str`` so that a Sphinx build (through
``designdoc_exports``) and the ``designdoc export`` command produce the same bytes.  The
modules are imported only when their format is asked for: the command's reading verbs
import this package and must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class ReportFormat:
    """A report format: where its writer lives and the file a build writes it to."""

    name: str
    module: str
    #: written next to ``designdoc.json`` in the build output folder
    filename: str
    description: str


FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("json", "json_", "designdoc.json", "the full designdoc.json record"),
        ReportFormat("csv", "csv_", "designdoc.csv", "one row per object, spreadsheet-safe"),
        ReportFormat("md", "markdown", "designdoc.md", "a readable traceability report"),
        ReportFormat(
            "html", "html", "designdoc-report.html", "one standalone, sortable HTML report"
        ),
        ReportFormat(
            "junit", "junit", "designdoc-junit.xml", "JUnit XML, one test case per requirement"
        ),
        ReportFormat("sarif", "sarif", "designdoc.sarif", "SARIF 2.1.0, one result per finding"),
        ReportFormat("needs", "needs", "needs.json", "sphinx-needs needs.json (needimport)"),
    )
}

Writer = Callable[..., str]


def get_writer(fmt: str) -> Writer:
    """The ``render`` function of a format; raises KeyError for an unknown one."""
    spec = FORMATS[fmt]
    module = import_module(f"{__name__}.{spec.module}")
    writer: Writer = module.render
    return writer


def render(fmt: str, report: Mapping[str, Any], **options: Any) -> str:
    """Render ``report`` in ``fmt``; writers ignore options they do not know."""
    return get_writer(fmt)(report, **options)
