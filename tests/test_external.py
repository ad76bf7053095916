"""``designdoc_external``: objects of other projects as link targets."""

from __future__ import annotations

import json
import re

from conftest import load_report


def test_external_designdoc_and_needs_objects_are_link_targets(
    make_app, copy_root, tmp_path
) -> None:
    upstream = make_app("html", srcdir=copy_root("basic", "upstream"))
    upstream.build()
    upstream.cleanup()
    needs = {
        "current_version": "1.0",
        "versions": {
            "1.0": {
                "needs": {
                    "SAFE_001": {
                        "id": "SAFE_001",
                        "type": "req",
                        "title": "Be safe",
                        "docname": "safety",
                    },
                }
            }
        },
    }
    (tmp_path / "needs.json").write_text(json.dumps(needs), encoding="utf-8")
    src = copy_root("basic")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. decision:: Reuse upstream\n   :id: DEC-EXT\n   :status: accepted\n"
            "   :addresses: UP-REQ-1, SAFETY-SAFE_001\n\nSee :dd:ref:`UP-DEC-1`.\n"
        )
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8")
        + "designdoc_external = [\n"
        + f"    {{'path': {str(upstream.outdir / 'designdoc.json')!r}, 'prefix': 'UP-',"
        + " 'base_url': 'https://up.example/docs'},\n"
        + f"    {{'path': {str(tmp_path / 'needs.json')!r}, 'prefix': 'SAFETY-',"
        + " 'base_url': 'https://safety.example'},\n"
        + "    {'path': 'missing.json'},\n"
        + "]\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    warnings = [line for line in text.splitlines() if "designdoc" in line]
    assert len(warnings) == 1
    line = conf.read_text(encoding="utf-8").splitlines().index("designdoc_external = [") + 1
    assert (
        f"conf.py:{line}: WARNING: designdoc_external: file 'missing.json' does not exist"
        in warnings[0]
    )
    assert warnings[0].endswith("[designdoc.external]")

    html = (app.outdir / "decisions.html").read_text(encoding="utf-8")
    assert 'href="https://up.example/docs/index.html#REQ-1"' in html
    assert "UP-REQ-1: Accept card payments" in html
    assert 'href="https://safety.example/safety.html#SAFE_001"' in html
    assert 'href="https://up.example/docs/decisions.html#DEC-1"' in html
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["UP-REQ-1"]["external"] is True and objs["UP-REQ-1"]["traced"] is None
    assert objs["SAFETY-SAFE_001"]["type"] == "requirement"
    # links among the other project's objects are kept, under its prefix
    assert objs["UP-REQ-1"]["incoming"]["addressed by"] == ["DEC-EXT", "UP-DEC-0", "UP-DEC-1"]
    # external objects do not count in this project's coverage
    assert report["coverage"]["requirement"]["total"] == 2
    assert [f["subtype"] for f in report["findings"]] == ["external"]


def test_corrupt_external_file_is_a_warning(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "broken.json").write_text("{not json", encoding="utf-8")
    app = make_app(
        "html", srcdir=src, confoverrides={"designdoc_external": [{"path": "broken.json"}]}
    )
    app.build()
    assert "cannot read 'broken.json'" in app.warning.getvalue()
    assert "[designdoc.external]" in app.warning.getvalue()
    assert len(load_report(app.outdir)["objects"]) == 9
