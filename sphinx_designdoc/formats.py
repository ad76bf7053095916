"""The report formats: their names, files and meaning, in one list.

``designdoc_exports`` accepts exactly these names, ``designdoc export --format`` offers
them, and :mod:`.reports` finds each one's writer here.  No Sphinx here, and no writer is
imported: the settings and the command line read this list cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        # sphinx-needs' builder writes needs.json: this file never takes its place
        ReportFormat(
            "needs",
            "needs",
            "designdoc-needs.json",
            "the design objects in sphinx-needs' needs.json format (needimport)",
        ),
    )
}
