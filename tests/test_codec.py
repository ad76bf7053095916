"""``designdoc.json`` has one codec: what the build writes decodes and encodes again to
the same bytes, for every object, finding and vocabulary of every test root."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOTS
from sphinx.cmd.build import build_main

from sphinx_designdoc import codec, shapes

ROOT_NAMES = sorted(
    root.name
    for root in ROOTS.glob("test-*")
    if '"sphinx_designdoc"' in (root / "conf.py").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    built: dict[str, str] = {}
    for name in ROOT_NAMES:
        if "needs" in name and "sphinx_needs" in (ROOTS / name / "conf.py").read_text():
            pytest.importorskip("sphinx_needs", minversion="9.1")
        tmp = tmp_path_factory.mktemp(name)
        shutil.copytree(ROOTS / name, tmp / "src")
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            build_main(["-q", "-b", "html", str(tmp / "src"), str(tmp / "out")])
        built[name] = (tmp / "out" / codec.FILENAME).read_text(encoding="utf-8")
    return built


@pytest.mark.parametrize("name", ROOT_NAMES)
def test_build_then_decode_then_encode_is_byte_identical(reports, name: str) -> None:
    text = reports[name]
    report = json.loads(text)
    shapes.check_report(report)
    lines = text.splitlines()
    objects = [line.strip().rstrip(",") for line in lines if line.startswith('  {"id": ')]
    assert len(objects) == len(report["objects"])
    for index, line in enumerate(objects):
        row = codec.decode_object(json.loads(line), f"objects[{index}]")
        assert codec.encode_object(row) == line
    findings = [line.strip().rstrip(",") for line in lines if line.startswith('  {"subtype": ')]
    assert len(findings) == len(report["findings"])
    for line in findings:
        finding, suppressed = codec.decode_finding(json.loads(line))
        assert codec.encode_row(codec.finding_dict(finding, suppressed)) == line
    schema = codec.decode_vocabulary(report["vocabulary"])
    assert codec.encode_vocabulary(schema) == report["vocabulary"]
    # and the whole file, from the decoded graph, findings and vocabulary
    graph = codec.graph_of(report)
    urls = {o["id"]: o["url"] for o in report["objects"]}
    decoded = [codec.decode_finding(f) for f in report["findings"]]
    again = codec.build_report(
        graph,
        [f for f, _ in decoded],
        schema,
        report["tracing_statuses"],
        project=report["project"],
        url_for=lambda item: urls[item.id],
        suppress_warnings=["designdoc." + f.subtype for f, suppressed in decoded if suppressed],
        checks_run=report["checks"],
        lock=report.get("lock"),
    )
    assert codec.dumps(again) == text


def test_a_report_of_another_version_is_read_with_defaults(reports) -> None:
    report = json.loads(reports["test-basic"])
    for spec in report["vocabulary"]["types"].values():
        del spec["color"], spec["page_header"]
        for field in spec["fields"].values():
            del field["separator"]
    schema = codec.decode_vocabulary(report["vocabulary"])
    assert schema.types["decision"].field("alternatives").separator == ","
    assert not schema.types["designdoc"].page_header
    assert Path(codec.SCHEMA_PATH).is_file()
