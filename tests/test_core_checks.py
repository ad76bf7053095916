"""Bad input: every problem is a located ``designdoc.<subtype>`` warning, the build goes on."""

from __future__ import annotations

import gc

import pytest
from conftest import find_warning, load_report, warnings_of
from sphinx.cmd.build import build_main


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


def test_suppress_warnings_silences_one_subtype(make_app, copy_root) -> None:
    app = make_app(
        "html",
        srcdir=copy_root("invalid"),
        confoverrides={"suppress_warnings": ["designdoc.invalid"]},
    )
    app.build()
    w = warnings_of(app)
    assert not [line for line in w if "[designdoc.invalid]" in line]
    assert [line for line in w if "[designdoc.dangling]" in line]
    report = load_report(app.outdir)
    flags = {f["subtype"]: f["suppressed"] for f in report["findings"]}
    assert flags["invalid"] is True and flags["dangling"] is False


def test_dash_w_fails_the_build_and_a_clean_project_passes(copy_root, tmp_path) -> None:
    assert (
        build_main(["-q", "-W", "-b", "html", str(copy_root("invalid")), str(tmp_path / "a")]) != 0
    )
    assert build_main(["-q", "-W", "-b", "html", str(copy_root("basic")), str(tmp_path / "b")]) == 0


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


def test_custom_type_and_link_are_first_class(make_app, copy_root) -> None:
    src = copy_root("basic")
    (src / "risks.rst").write_text(
        "Risks\n=====\n\n"
        ".. risk:: Card data leaks\n   :id: RISK-1\n   :severity: high\n\n"
        ".. dd:risk:: Vendor lock-in\n   :id: RISK-2\n   :severity: extreme\n\n"
        ".. decision:: Tokenise cards\n   :id: DEC-9\n   :status: accepted\n"
        "   :addresses: REQ-1\n   :mitigates: RISK-1\n",
        encoding="utf-8",
    )
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write("   risks\n")
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={
            "designdoc_types": {
                "risk": {
                    "statuses": ["open", "mitigated", "accepted"],
                    "fields": {"severity": ["low", "medium", "high"]},
                }
            },
            "designdoc_links": {
                "mitigates": {
                    "incoming": "mitigated by",
                    "source": "decision",
                    "target": "risk",
                    "traces": True,
                }
            },
        },
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, "risks.rst:10:", "invalid", "unknown severity 'extreme'")
    find_warning(w, "risks.rst:8:", "untraced", "risk RISK-2 is untraced")
    assert len(w) == 2, w
    report = load_report(app.outdir)
    objs = {o["id"]: o for o in report["objects"]}
    assert objs["RISK-1"]["incoming"] == {"mitigated by": ["DEC-9"]}
    assert objs["RISK-1"]["traced"] is True and objs["RISK-2"]["traced"] is False
    assert report["coverage"]["risk"] == {"traced": 1, "total": 2, "percent": 50.0}
    html = (app.outdir / "risks.html").read_text(encoding="utf-8")
    assert 'id="RISK-1"' in html and "Mitigated by" in html and "Mitigates" in html


@pytest.mark.parametrize("freeze", [True, False])
def test_gc_freeze_lasts_for_the_build_only(make_app, copy_root, freeze: bool) -> None:
    """The loaded environment is kept out of the cyclic collector while building, and
    handed back when the build ends; ``designdoc_gc_freeze = False`` leaves it alone."""
    gc.unfreeze()
    src = copy_root("basic")
    make_app("html", srcdir=src).build()  # an environment to load
    app = make_app("html", srcdir=src, confoverrides={"designdoc_gc_freeze": freeze})
    during: list[int] = []
    app.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count()))
    app.build()
    assert during and (during[0] > 0) is freeze
    assert gc.get_freeze_count() == 0


def test_gc_freeze_leaves_a_fresh_build_alone(make_app, copy_root) -> None:
    """A full build has no loaded environment to freeze (freezing what set-up left
    only raised its peak memory)."""
    gc.unfreeze()
    app = make_app("html", srcdir=copy_root("basic"), freshenv=True)
    during: list[int] = []
    app.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count()))
    app.build()
    assert during == [0] and gc.get_freeze_count() == 0
