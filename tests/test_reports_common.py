"""What every report shares: natural id order, its columns and the base URL setting."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from sphinx_designdoc.reports import render


@pytest.fixture
def report(answers_report: dict[str, Any]) -> dict[str, Any]:
    return answers_report


def test_ids_sort_naturally_in_every_report(report: dict[str, Any]) -> None:
    ids = [o["id"] for o in report["objects"] if o["id"].startswith("REQ-")]
    assert ids == sorted(ids, key=lambda i: int(i.split("-")[1]))
    rows = list(csv.DictReader(io.StringIO(render("csv", report))))
    csv_ids = [r["id"] for r in rows if r["id"].startswith("REQ-")]
    assert csv_ids == ids
    md = render("md", report)
    positions = [md.index(f"[{i}](") for i in ids]
    assert positions == sorted(positions)


def test_csv_column_names_are_unique(report: dict[str, Any]) -> None:
    text = render("csv", report)
    header = next(csv.reader(io.StringIO(text)))
    assert len(header) == len(set(header))
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == "DEP-URL")
    assert row["url"].endswith("#DEP-URL")  # the object's own page
    assert row["field_url"] == "https://example.org/requests"  # the dependency's :url:


def test_the_report_base_url_setting(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("reports"),
        confoverrides={"designdoc_report_base_url": "https://docs.example.org/search/"},
    )
    app.build()
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "(<https://docs.example.org/search/index.html#REQ-1>)" in md
    html = (app.outdir / "designdoc-report.html").read_text(encoding="utf-8")
    assert 'href="https://docs.example.org/search/index.html#REQ-1"' in html
