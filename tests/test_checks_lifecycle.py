"""Lifecycle checks: tracing and coverage, unjustified and unused objects,
supersession, refines cycles and the sections of a design document."""

from __future__ import annotations

from typing import Any

import pytest
from checks_helpers import context, messages, obj
from conftest import find_warning, load_report, warnings_of

from sphinx_designdoc.checks.lifecycle import check_cycles, check_sections, check_supersession
from sphinx_designdoc.checks.tracing import (
    check_coverage,
    check_unjustified,
    check_untraced,
    check_unused,
)
from sphinx_designdoc.cli import main
from sphinx_designdoc.model import DocRecord
from sphinx_designdoc.reports import render


def test_tracing_counts_only_decisions_with_a_tracing_status() -> None:
    ctx = context(
        obj("REQ-1", "requirement"),
        obj("REQ-2", "requirement"),
        obj("REQ-3", "requirement", "rejected"),
        obj("DEC-1", "decision", addresses="REQ-1"),
        obj("DEC-2", "decision", "rejected", addresses="REQ-2"),
    )
    untraced = messages(check_untraced(ctx))
    assert [m.split(" is ")[0] for _, m in untraced] == ["requirement REQ-2"]
    coverage = ctx.graph.coverage()["requirement"]
    assert (coverage.traced, coverage.total) == (1, 2)


def test_unused_dependencies_and_unjustified_decisions() -> None:
    ctx = context(
        obj("DEP-1", "dependency"),
        obj("DEP-2", "dependency"),
        obj("DEP-3", "dependency", "deprecated"),
        obj("DEC-1", "decision", uses="DEP-1"),
        obj("DEC-2", "decision", "rejected", uses="DEP-2"),
    )
    assert [m.split(" is ")[0] for _, m in messages(check_unused(ctx))] == ["dependency DEP-2"]
    unjustified = messages(check_unjustified(ctx))
    assert [m.split(" (")[0] for _, m in unjustified] == ["decision DEC-1"]


#: a type of its own whose links trace (a Doorstop or OpenFastTrace project converted),
#: and one without an inactive status
OWN_TYPES = {
    "designdoc_types": {
        "spec": {"statuses": ["draft", "active", "inactive"], "inactive_statuses": ["inactive"]},
        "test": {"statuses": ["written", "run"]},
        "srd": {"statuses": ["open", "done"]},
    },
    "designdoc_links": {
        "satisfies": {"source": "spec", "target": "requirement srd", "traces": True},
        "checks": {"source": "test", "target": "spec", "traces": True},
    },
}


def test_an_active_object_of_a_type_of_its_own_that_links_nothing_is_unjustified() -> None:
    ctx = context(
        obj("REQ-1", "requirement"),
        obj("SPEC-1", "spec", "active", satisfies="REQ-1"),
        obj("SPEC-2", "spec", "draft"),
        obj("SPEC-3", "spec", "active", satisfies="SPEC-1"),  # not a type it traces
        obj("SPEC-4", "spec", "inactive"),
        obj("TEST-1", "test", "run"),
        obj("DEC-1", "decision"),
        settings=OWN_TYPES,
    )
    assert messages(check_unjustified(ctx)) == [
        (
            "unjustified",
            "decision DEC-1 (accepted) addresses no requirement; add ':addresses:' naming the "
            "requirement it answers, or set its status to rejected",
        ),
        (
            "unjustified",
            "spec SPEC-2 (draft) satisfies no requirement/srd; add ':satisfies:' naming the "
            "requirement/srd it answers, or set its status to inactive",
        ),
        (
            "unjustified",
            "spec SPEC-3 (active) satisfies no requirement/srd; add ':satisfies:' naming the "
            "requirement/srd it answers, or set its status to inactive",
        ),
        # a type without an inactive status is offered none (never "rejected")
        (
            "unjustified",
            "test TEST-1 (run) checks no spec; add ':checks:' naming the spec it answers",
        ),
    ]
    # the same rule as the graph's: whatever counts for tracing must justify itself
    graph = ctx.graph
    for item in graph.by_id.values():
        if graph.tracing_links_from(item.type) and item.declared_here:
            assert graph.must_justify(item) is graph.counts_for_tracing(item)


def test_untraced_and_unused_messages_name_each_types_own_statuses() -> None:
    ctx = context(
        obj("REQ-1", "requirement"),
        obj("REQ-2", "requirement"),
        obj("SRD-1", "srd", "open"),
        obj("SPEC-1", "spec", "active", satisfies="REQ-2"),
        obj("SPEC-2", "spec", "inactive", satisfies="SRD-1"),
        obj("DEC-1", "decision", addresses="REQ-2"),
        obj("DEP-1", "dependency"),
        settings=OWN_TYPES,
    )
    assert messages(check_untraced(ctx)) == [
        (
            "untraced",
            "requirement REQ-1 is untraced: no accepted or proposed decision addresses it, and "
            "no active or draft spec satisfies it; add ':addresses: REQ-1' to a decision, or "
            "set its status to rejected/deprecated if it is dropped",
        ),
        (
            "untraced",
            "spec SPEC-1 is untraced: no run or written test checks it; add ':checks: SPEC-1' "
            "to a test, or set its status to inactive if it is dropped",
        ),
        # a type without an inactive status: no way to drop it is offered
        (
            "untraced",
            "srd SRD-1 is untraced: no active or draft spec satisfies it; add ':satisfies: "
            "SRD-1' to a spec",
        ),
    ]
    assert messages(check_unused(ctx)) == [
        (
            "unused",
            "dependency DEP-1 is unused: no accepted or proposed decision uses it; add ':uses: "
            "DEP-1' to the decision that needs it, or set its status to deprecated; or, if "
            "it is not needed at run time, set its :scope: to dev/test/build/docs",
        )
    ]
    own = context(
        obj("REQ-1", "requirement"), settings={"designdoc_tracing_statuses": ["accepted"]}
    )
    ((_, message),) = messages(check_untraced(own))
    assert "no accepted decision addresses it" in message


def test_the_statuses_that_count_come_from_one_rule() -> None:
    ctx = context(
        settings={
            "designdoc_types": {
                **OWN_TYPES["designdoc_types"],
                # a status shared with designdoc_tracing_statuses: that setting decides
                "review": {"statuses": ["open", "accepted", "withdrawn"]},
                # every status inactive: nothing of it ever counts
                "ghost": {"statuses": ["gone"], "inactive_statuses": ["gone"]},
            },
        }
    )
    graph = ctx.graph
    assert graph.counting_statuses("decision") == ("accepted", "proposed")
    assert graph.counting_statuses("spec") == ("active", "draft")
    assert graph.counting_statuses("test") == ("run", "written")
    assert graph.counting_statuses("review") == ("accepted",)
    assert graph.counting_statuses("ghost") == ()
    for type_name in ("decision", "spec", "test", "review", "ghost"):
        for status in ctx.settings.schema.types[type_name].statuses:
            item = obj("X-1", type_name, status)
            counted = status in graph.counting_statuses(type_name)
            assert graph.counts_for_tracing(item) is counted, (type_name, status)


def test_supersession_needs_a_successor_a_superseded_target_and_no_cycle() -> None:
    ctx = context(
        obj("DEC-1", "decision", "superseded"),
        obj("DEC-2", "decision", supersedes="DEC-3"),
        obj("DEC-3", "decision"),
        obj("DEC-4", "decision", "superseded", supersedes="DEC-5"),
        obj("DEC-5", "decision", "superseded", supersedes="DEC-4"),
    )
    found = [m for _, m in messages(check_supersession(ctx))]
    assert any(m.startswith("DEC-1 has status superseded but nothing supersedes it") for m in found)
    assert any(m.startswith("DEC-2 supersedes DEC-3, whose status is 'accepted'") for m in found)
    assert any(m.startswith("supersession cycle: DEC-4 -> DEC-5 -> DEC-4") for m in found)


def test_refines_cycles_once_per_cycle_including_self_loops() -> None:
    ctx = context(
        obj("REQ-1", "requirement", refines="REQ-2"),
        obj("REQ-2", "requirement", refines="REQ-3"),
        obj("REQ-3", "requirement", refines="REQ-1"),
        obj("REQ-4", "requirement", refines="REQ-4"),
        obj("REQ-5", "requirement", refines="REQ-1"),
    )
    found = [m for _, m in messages(check_cycles(ctx))]
    assert [m.split(";")[0] for m in found] == [
        "refines cycle: REQ-1 -> REQ-2 -> REQ-3 -> REQ-1",
        "refines cycle: REQ-4 -> REQ-4",
    ]


def test_sections_follow_the_template_of_the_design_document() -> None:
    header = obj("DD-1", "designdoc", fields={"template": "adr"})
    record = DocRecord(items=[header], sections=["1. Context", "Outcome"])
    ctx = context(
        header,
        records={"design": record},
        settings={
            "designdoc_templates": {"adr": ["Context", ["Decision", "Outcome"], "Consequences"]}
        },
    )
    assert messages(check_sections(ctx)) == [
        (
            "section",
            "design document DD-1 lacks the section 'Consequences' required by template "
            "'adr'; add a top-level section with that title",
        )
    ]


def test_coverage_below_the_minimum_is_located_at_the_first_object() -> None:
    items = (obj("REQ-1", "requirement"), obj("REQ-2", "requirement", doc="other", line=4))
    ctx = context(*items, settings={"designdoc_min_coverage": 90})
    (finding,) = check_coverage(ctx)
    assert finding.subtype == "coverage" and "0%" in finding.message
    assert (finding.source, finding.line) == ("design.rst", 1)  # the first requirement
    # nothing to trace (no requirement, or only dropped ones): neither passed nor failed
    for nothing in ((), (obj("REQ-1", "requirement", "rejected"),)):
        ctx = context(*nothing, settings={"designdoc_min_coverage": 90})
        assert ctx.graph.coverage() == {}
        assert list(check_coverage(ctx)) == []


def _count(warnings: list[str], subtype: str) -> int:
    return sum(1 for w in warnings if w.endswith(f"[designdoc.{subtype}]"))


def test_tracing_statuses_and_dev_groups(make_app, copy_root) -> None:
    """Only decisions in designdoc_tracing_statuses trace; DEC-1..9 are accepted or
    superseded, so with ["proposed"] only the proposed DEC-2 would count."""
    app = make_app(
        "html",
        srcdir=copy_root("checks"),
        confoverrides={"designdoc_tracing_statuses": ["proposed"]},
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, "design.rst:", "untraced", "REQ-1")
    find_warning(w, "design.rst:", "unused", "DEP-1")
    assert _count(w, "unjustified") == 1  # DEC-2 is still the only unjustified one


def test_supersession_cycle_of_three_reported_once(make_app, tmp_path) -> None:
    src = tmp_path / "cycle"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_designdoc"]\n', encoding="utf-8")
    decisions = "".join(
        f".. decision:: D{n}\n   :id: D-{n}\n   :status: superseded\n"
        f"   :supersedes: D-{(n % 3) + 1}\n\n"
        for n in (1, 2, 3)
    )
    (src / "index.rst").write_text(
        "Cycle\n=====\n\n.. requirement:: R\n   :id: R-1\n\n"
        ".. decision:: Keeper\n   :id: D-0\n   :status: accepted\n   :addresses: R-1\n\n"
        + decisions
        + ".. decision:: Self\n   :id: D-9\n   :status: superseded\n   :supersedes: D-9\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    cycles = [x for x in w if "supersession cycle" in x]
    assert len(cycles) == 2, w
    assert any("D-1 -> D-2 -> D-3 -> D-1" in x for x in cycles)
    assert any("D-9 -> D-9" in x for x in cycles)


CUSTOM = {"tracing-custom": "rst", "tracing-custom-myst": "md"}


@pytest.mark.parametrize("root", list(CUSTOM))
def test_types_of_their_own_trace_as_their_links_say(
    make_app, copy_root, capsys: pytest.CaptureFixture[str], root: str
) -> None:
    """The shape of a Doorstop project converted (srd <- spec <- test, statuses of their
    own): the 3 objects that link nothing are unjustified, as Doorstop's 'no links to
    parent document', the 2 that nothing active links to are untraced, as its 'no links
    from child document'; every message in the type's own statuses."""
    from sphinx_designdoc.cli import main

    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    page = f"index.{CUSTOM[root]}:"
    find_warning(
        w,
        page,
        "unjustified",
        "spec SPEC-2 (draft) satisfies no srd; add ':satisfies:' naming the srd it answers, "
        "or set its status to inactive [",
    )
    find_warning(w, page, "unjustified", "spec SPEC-3 (active) satisfies no srd; add")
    # a type without an inactive status is offered none
    find_warning(
        w,
        page,
        "unjustified",
        "test TEST-3 (run) checks no spec; add ':checks:' naming the spec it answers [",
    )
    assert _count(w, "unjustified") == 3  # not SPEC-4 (inactive), nor those that link
    find_warning(
        w,
        page,
        "untraced",
        "srd SRD-2 is untraced: no active or draft spec satisfies it; add ':satisfies: SRD-2' "
        "to a spec, or set its status to inactive if it is dropped [",
    )
    find_warning(
        w, page, "untraced", "spec SPEC-2 is untraced: no run or written test checks it; add"
    )
    assert _count(w, "untraced") == 2
    tracing = [x for x in w if "[designdoc.un" in x]
    assert not [x for x in tracing if "accepted" in x or "proposed" in x or "rejected" in x]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "satisfied by a spec that is active or draft" in html  # the legend
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "satisfied by SPEC-4 (inactive) only, and a spec counts when it is active or draft" in md
    junit = (app.outdir / "designdoc-junit.xml").read_text(encoding="utf-8")
    assert 'message="SPEC-2 is untraced: no run or written test checks it"' in junit
    for text in (html, md, junit):
        assert "accepted or proposed" not in text
    assert main(["trace", "SRD-2", "--data", str(app.outdir)]) == 0
    assert "a spec counts when it is active or draft" in capsys.readouterr().out


@pytest.mark.parametrize("root", list(CUSTOM))
def test_a_type_with_nothing_to_trace_is_no_share_of_nothing(
    make_app, copy_root, capsys: pytest.CaptureFixture[str], root: str
) -> None:
    """Coverage is of the types with objects to trace: the requirement (only a rejected
    one) is not "0 of 0 traced (100%)" in any output, and designdoc_min_coverage does
    not judge it."""
    from sphinx_designdoc.cli import main

    app = make_app("html", srcdir=copy_root(root))
    app.build()
    w = warnings_of(app)
    page = f"index.{CUSTOM[root]}:"
    find_warning(w, page, "coverage", "srd coverage is 50% (1 of 2 traced)")
    find_warning(w, page, "coverage", "spec coverage is 66.7% (2 of 3 traced)")
    assert _count(w, "coverage") == 2
    report = load_report(app.outdir)
    assert report["coverage"] == {
        "spec": {"traced": 2, "total": 3, "percent": 66.7},
        "srd": {"traced": 1, "total": 2, "percent": 50.0},
    }
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert ">1 of 2 traced (50%)</p>" in html  # the srd matrix
    assert ">nothing to trace</p>" in html  # the requirement matrix
    md = (app.outdir / "designdoc.md").read_text(encoding="utf-8")
    assert "| SRD | 1 | 2 | 50% |" in md and "Nothing to trace: Requirement." in md
    assert "## Traceability matrix: Requirement\n\nnothing to trace\n" in md
    standalone = (app.outdir / "designdoc-report.html").read_text(encoding="utf-8")
    assert "<p>Nothing to trace: Requirement.</p>" in standalone
    assert "<p>nothing to trace</p>" in standalone
    for text in (html, md, standalone):
        assert "of 0 traced" not in text and "| 0 | 0 |" not in text and ">0</td>" not in text
    assert main(["check", str(app.outdir)]) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith(
        "; requirement: nothing to trace; spec coverage 2 of 3 traced (66.7%); "
        "srd coverage 1 of 2 traced (50%)"
    )


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def report(answers_report: dict[str, Any]) -> dict[str, Any]:
    return answers_report


def test_coverage_reads_the_same_everywhere(make_app, copy_root, capsys) -> None:
    src = copy_root("views")
    app = make_app("html", srcdir=src)
    app.build()
    view = (app.outdir / "views.html").read_text(encoding="utf-8")
    assert "1 of 3 traced (33.3%)" in view
    report = load_report(app.outdir)
    assert report["coverage"]["requirement"]["percent"] == 33.3
    assert "1 of 3 traced (33.3%)" in render("md", report)
    assert "33.3%" in render("html", report)
    _, out, _ = run(capsys, "check", str(app.outdir / "designdoc.json"))
    assert "1 of 3 traced (33.3%)" in out


def test_a_refines_cycle_is_reported(make_app, copy_root) -> None:
    src = copy_root("basic")
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. requirement:: Narrow\n   :id: REQ-A\n   :refines: REQ-B\n"
            "\n.. requirement:: Wide\n   :id: REQ-B\n   :refines: REQ-A\n"
            "\n.. requirement:: Itself\n   :id: REQ-SELF\n   :refines: REQ-SELF\n"
        )
    app = make_app("html", srcdir=src)
    app.build()
    warnings = warnings_of(app)
    find_warning(warnings, "index.rst:", "cycle", "refines cycle: REQ-A -> REQ-B -> REQ-A")
    find_warning(warnings, "index.rst:", "cycle", "refines cycle: REQ-SELF -> REQ-SELF")
    assert len([w for w in warnings if "[designdoc.cycle]" in w]) == 2
