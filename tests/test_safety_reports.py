"""Hostile input, reports: designdoc.json, CSV, Markdown, HTML, JUnit, SARIF and
needs.json of the hostile project keep the payloads as text and links on policy.

The corpus, its builds and the readers that audit them are in hostile_helpers.py."""

from __future__ import annotations

import csv
import io
import json

import defusedxml.ElementTree as SafeET
import jsonschema
import pytest
from hostile_helpers import (
    BUILDERS,
    CONFIGS,
    DATA,
    FORMULA_STARTS,
    HOSTILE_IDS,
    PNG_BUILD,
    REPORT_BUILDERS,
    SVG_BUILD,
    VERBATIM,
    VERBATIM_FIELDS,
    Builds,
    _walk,
    allowed_url,
    audit_html_files,
    markdown_links_and_tags,
    report_problems,
)


@pytest.mark.parametrize("builder", [b for b in BUILDERS if b not in (SVG_BUILD, PNG_BUILD)])
@pytest.mark.parametrize("config", CONFIGS)
def test_designdoc_json_links_on_policy_and_keeps_every_payload(
    builds: Builds, config: str, builder: str
) -> None:
    report = json.loads(builds(config, builder).ok().read("designdoc.json"))
    objects = {o["id"]: o for o in report["objects"]}
    bad = [
        f"{o['id']}: url {o['url']!r}"
        for o in report["objects"]
        if o.get("url") and not allowed_url(o["url"])
    ]
    lost = []
    for item_id, (title, status) in VERBATIM.items():
        obj = objects.get(item_id)
        if obj is None:
            lost.append(f"{item_id}: object missing")
            continue
        if title is not None and obj["title"] != title:
            lost.append(f"{item_id}: title {obj['title']!r} != {title!r}")
        if status is not None and obj["status"] != status:
            lost.append(f"{item_id}: status {obj['status']!r} != {status!r}")
        for name, value in VERBATIM_FIELDS.get(item_id, {}).items():
            if obj["fields"].get(name) != value:
                lost.append(f"{item_id}: field {name} {obj['fields'].get(name)!r} != {value!r}")
    if config == "permissive":
        lost += [f"{i}: object missing" for i in HOSTILE_IDS if i not in objects]
    report_problems(bad + lost, f"designdoc.json ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_csv_has_no_live_formula_and_links_on_policy(
    builds: Builds, config: str, builder: str
) -> None:
    text = builds(config, builder).ok().read("designdoc.csv")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert "url" in header, header
    url_column = header.index("url")  # the object's link
    problems = []
    for number, row in enumerate(rows, start=2):
        for name, cell in zip(header, row, strict=False):
            if cell.startswith(FORMULA_STARTS):
                problems.append(f"row {number} {name}: live formula {cell!r}")
        if row[url_column] and not allowed_url(row[url_column]):
            problems.append(f"row {number} {header[0]}={row[0]!r}: url {row[url_column]!r}")
    by_id = {row[0]: dict(zip(header, row, strict=False)) for row in rows}
    assert by_id["REQ-CSV"]["title"] == "'" + VERBATIM["REQ-CSV"][0]
    assert by_id["REQ-SCRIPT"]["title"] == VERBATIM["REQ-SCRIPT"][0]
    report_problems(problems, f"designdoc.csv ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_markdown_links_on_policy_and_no_raw_html(
    builds: Builds, config: str, builder: str
) -> None:
    text = builds(config, builder).ok().read("designdoc.md")
    links, tags = markdown_links_and_tags(text)
    problems = [f"link target {link!r}" for link in links if not allowed_url(link)]
    problems += [f"raw HTML {tag!r}" for tag in tags]
    # the Markdown report lists this project's objects (matrix, untraced, findings)
    assert "alert(101)" in text and "alert(1001)" in text, "hostile titles dropped"
    report_problems(problems, f"designdoc.md ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_html_report_has_no_script_handler_or_off_policy_url(
    builds: Builds, config: str, builder: str
) -> None:
    build = builds(config, builder).ok()
    page = build.outdir / "designdoc-report.html"
    assert page.is_file()
    found = audit_html_files([page], build.outdir)
    assert "<script>alert(101)</script>" in found.text, "hostile title dropped"
    assert "<script>alert(801)</script>" in found.text, "hostile external title dropped"
    report_problems(found.problems, f"designdoc-report.html ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_junit_is_well_formed_xml(builds: Builds, config: str, builder: str) -> None:
    text = builds(config, builder).ok().read("designdoc-junit.xml")
    root = SafeET.fromstring(text.encode("utf-8"))
    names = " ".join(case.get("name") or "" for case in root.iter("testcase"))
    assert "REQ-SCRIPT" in names


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_sarif_is_valid_and_links_on_policy(builds: Builds, config: str, builder: str) -> None:
    log = json.loads(builds(config, builder).ok().read("designdoc.sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    problems = [
        f"{key} {value!r}"
        for key, value in _walk(log, frozenset({"uri", "helpUri"}))
        if not isinstance(value, str) or not allowed_url(value)
    ]
    report_problems(problems, f"designdoc.sarif ({builder})")


@pytest.mark.parametrize("builder", REPORT_BUILDERS)
@pytest.mark.parametrize("config", CONFIGS)
def test_needs_json_external_urls_on_policy(builds: Builds, config: str, builder: str) -> None:
    data = json.loads(builds(config, builder).ok().read("designdoc-needs.json"))
    problems = []
    count = 0
    for version in data["versions"].values():
        for need_id, need in version["needs"].items():
            count += 1
            url = need.get("external_url")
            if url not in (None, "") and not allowed_url(url):
                problems.append(f"{need_id}: external_url {url!r}")
    assert count, "designdoc-needs.json holds no need"
    report_problems(problems, f"designdoc-needs.json ({builder})")
