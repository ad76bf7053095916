"""Input checks: directive options, settings and vocabularies that are wrong are
located warnings, and defaults apply."""

from __future__ import annotations

from pathlib import Path

from conftest import find_warning, load_report, warnings_of, write_project


def test_rst_invalid_input_is_reported_with_location_and_subtype(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("invalid"))
    app.build()  # never raises
    w = warnings_of(app)
    find_warning(w, "index.rst:4:", "invalid", "requirement has no :id: option")
    # a problem with one option is located at that option's line
    find_warning(w, "index.rst:7:", "invalid", "ID '9-lives' does not match designdoc_id_regex")
    find_warning(w, "index.rst:11:", "invalid", "unknown status 'wishful'")
    find_warning(w, "index.rst:12:", "invalid", "unknown kind 'magical'")
    find_warning(w, "index.rst:13:", "invalid", "unknown priority 'urgent'")
    find_warning(w, "index.rst:14:", "invalid", "unknown option :colour:")
    find_warning(w, "index.rst:18:", "invalid", "date '2026-02-30' is not an ISO date")
    # located at the option that names it
    find_warning(w, "index.rst:19:", "dangling", ":addresses: names unknown ID 'REQ-NOPE'")
    find_warning(
        w,
        "index.rst:19:",
        "link_type",
        ":addresses: must point to a requirement, but DEP-X is a dependency",
    )
    find_warning(
        w,
        "index.rst:20:",
        "link_type",
        ":uses: must point to a dependency, but REQ-ODD is a requirement",
    )
    find_warning(w, "index.rst:24:", "invalid", "unknown scope 'everywhere'")
    find_warning(
        w, "index.rst:25:", "invalid", "version '>>1.0' is not a PEP 440 version specifier"
    )
    find_warning(w, "index.rst:30:", "dangling", ":dd:ref: to unknown ID 'REQ-GONE'")
    # both places of a duplicate are named
    find_warning(w, "other.rst:4:", "duplicate", "also declared at index.rst:27")
    find_warning(w, "other.rst:7:", "invalid", "REQ-UNTITLED has no title")

    # nothing the author wrote is lost: odd values stay in the report as written
    report = load_report(app.outdir)
    odd = next(o for o in report["objects"] if o["id"] == "REQ-ODD")
    assert odd["status"] == "wishful"
    assert odd["fields"]["kind"] == "magical" and odd["fields"]["colour"] == "blue"
    subtypes = {f["subtype"] for f in report["findings"]}
    assert {"invalid", "dangling", "link_type", "duplicate"} <= subtypes
    assert all(f["source"] and f["line"] for f in report["findings"])
    assert report["checks"]["duplicate"] == 1
    # the object without an ID is still rendered
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "No identifier here" in html


def test_myst_invalid_input_is_reported_with_location_and_subtype(make_app, copy_root) -> None:
    app = make_app("html", srcdir=copy_root("invalid-myst"))
    app.build()
    w = warnings_of(app)
    find_warning(w, "index.md:3:", "invalid", "requirement has no :id: option")
    find_warning(w, "index.md:8:", "invalid", "unknown status 'wishful'")
    find_warning(w, "index.md:9:", "invalid", "unknown option :colour:")
    find_warning(w, "index.md:14:", "invalid", "date '2026-02-30' is not an ISO date")
    find_warning(w, "index.md:15:", "dangling", "unknown ID 'REQ-NOPE'")
    find_warning(w, "index.md:20:", "invalid", "version '>>1.0' is not a PEP 440")
    find_warning(w, "index.md:23:", "dangling", ":dd:ref: to unknown ID 'REQ-GONE'")


def test_bad_configuration_is_a_located_warning_and_defaults_apply(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("basic"),
        confoverrides={
            "designdoc_types": {"Risk Item": {}},
            "designdoc_id_regex": "([",
            "designdoc_min_coverage": 400,
            "designdoc_gc_freeze": 1,
        },
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, "conf.py", "config", "designdoc_gc_freeze must be True or False")
    find_warning(w, "conf.py", "config", "'Risk Item' is not a valid name")
    find_warning(w, "conf.py", "config", "designdoc_id_regex is not a valid regular expression")
    find_warning(w, "conf.py", "config", "designdoc_min_coverage must be a number from 0 to 100")
    assert len(load_report(app.outdir)["objects"]) == 9


def test_closed_vocabularies_suggest_the_likely_name(make_app, tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "index.rst": (
                "Index\n=====\n\n"
                ".. requirement:: A\n   :id: REQ-1\n   :status: aproved\n   :priorty: must\n"
                "   :kind: functionnal\n\n"
                ".. dd-table::\n   :columns: id, titel\n   :sort: statsu\n   :tpye: requirement\n\n"
                ".. dd-matrix::\n   :rows: requirment\n\n"
                ".. dd-matrix::\n   :layout: gird\n\n"
                ".. dd-graph::\n   :root: REQ-2\n   :direction: dwon\n"
            )
        },
    )
    app = make_app("html", srcdir=src, confoverrides={"graphviz_dot": "/nonexistent/dot"})
    app.build()
    text = "\n".join(warnings_of(app))
    for hint in (
        "unknown status 'aproved' for a requirement (did you mean 'approved'?)",
        "unknown option :priorty: for a requirement (did you mean 'priority'?)",
        "unknown kind 'functionnal' (did you mean 'functional'?)",
        "unknown column 'titel' in :columns: (did you mean 'title'?)",
        "unknown column 'statsu' in :sort: (did you mean 'status'?)",
        "unknown option :tpye: (did you mean 'type'?)",
        "unknown type 'requirment' in :rows: (did you mean 'requirement'?)",
        "unknown :layout: 'gird' (did you mean 'grid'?)",
        ":root: names unknown ID 'REQ-2' (did you mean 'REQ-1'?)",
        "unknown :direction: 'dwon' (did you mean 'down'?)",
    ):
        assert hint in text, hint


def test_settings_problems_are_located_findings(make_app, copy_root) -> None:
    src = copy_root("config")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    conf_lines = (src / "conf.py").read_text(encoding="utf-8").splitlines()

    def line_of(setting: str) -> int:
        return next(i for i, text in enumerate(conf_lines, 1) if text.startswith(setting))

    assert f"conf.py:{line_of('designdoc_min_coverage')}: WARNING: designdoc_min_coverage" in (
        "\n".join(warnings)
    )
    assert any(
        f"conf.py:{line_of('designdoc_types')}: WARNING: designdoc_types['note'] is refused" in w
        for w in warnings
    )
    assert not [w for w in warnings if "conf.py.rst" in w]
    # Sphinx's own type check of the setting does not repeat the warning
    assert not [w for w in warnings if "has type" in w and "designdoc_" in w]
    # the refused type leaves docutils' note alone; the other custom type works
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition note"' in html
    assert 'id="RISK-1"' in html
    report = load_report(app.outdir)
    findings = {(f["subtype"], f["source"], f["line"]) for f in report["findings"]}
    assert ("config", "conf.py", line_of("designdoc_min_coverage")) in findings
    assert ("external", "conf.py", line_of("designdoc_external")) in findings
    assert all(not Path(f["source"]).is_absolute() for f in report["findings"])
    assert report["checks"]["config"] == 3
