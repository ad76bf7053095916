"""Each check through its pure inputs: objects, records and settings built in Python, no
Sphinx build.  (The build tests show the same checks located in real sources.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sphinx_designdoc.checks import CheckContext, checked_subtypes, run_checks
from sphinx_designdoc.checks.lifecycle import check_cycles, check_sections, check_supersession
from sphinx_designdoc.checks.links import check_duplicates, check_links, check_refs, check_views
from sphinx_designdoc.checks.pyproject import check_pyproject
from sphinx_designdoc.checks.tracing import (
    check_coverage,
    check_unjustified,
    check_untraced,
    check_unused,
)
from sphinx_designdoc.config import ConfLocation, build_settings
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.model import DocRecord, Item, Ref
from sphinx_designdoc.views import KINDS, View


def obj(
    item_id: str,
    type_name: str,
    status: str = "",
    *,
    doc: str = "design",
    line: int = 1,
    source: str | None = None,
    fields: dict[str, Any] | None = None,
    **links: str,
) -> Item:
    defaults = {"requirement": "proposed", "decision": "accepted", "dependency": "approved"}
    return Item(
        item_id,
        type_name,
        f"Title of {item_id}",
        status or defaults.get(type_name, "draft"),
        doc,
        source or f"{doc}.rst",
        line,
        fields or {},
        {name: tuple(targets.split()) for name, targets in links.items()},
    )


def context(
    *items: Item,
    settings: dict[str, Any] | None = None,
    records: dict[str, DocRecord] | None = None,
    hidden: tuple[str, ...] = (),
    srcdir: str = "",
    graphviz: bool = True,
    conf: ConfLocation | None = None,
) -> CheckContext:
    built, problems = build_settings(settings or {})
    assert problems == []
    graph = Graph(items, built.schema, built.tracing_statuses, hidden=hidden)
    return CheckContext(graph, built, records or {}, srcdir, conf=conf, graphviz=graphviz)


def messages(findings: Any) -> list[tuple[str, str]]:
    return [(f.subtype, f.message) for f in findings]


def test_the_first_declaration_keeps_a_duplicate_id() -> None:
    first = obj("REQ-1", "requirement", doc="a", line=9)
    later = obj("REQ-1", "requirement", doc="b", line=3)
    ctx = context(later, first)  # whatever order they come in
    assert ctx.graph.get("REQ-1") is first
    ((subtype, message),) = messages(check_duplicates(ctx))
    assert subtype == "duplicate" and "also declared at a.rst:9" in message


def test_a_duplicate_from_a_file_included_twice_names_both_pages() -> None:
    one = obj("REQ-1", "requirement", doc="alpha", source="shared.inc")
    two = obj("REQ-1", "requirement", doc="beta", source="shared.inc")
    ((_, message),) = messages(check_duplicates(context(two, one)))
    assert "included by the pages 'alpha' and 'beta'" in message
    assert "belongs to 'alpha'" in message


def test_links_name_known_objects_of_the_right_type() -> None:
    ctx = context(
        obj("REQ-1", "requirement"),
        obj("DEP-1", "dependency"),
        obj("DEC-1", "decision", addresses="REQ-1 REQ-2 DEP-1", uses="REQ-1 REQ-HIDDEN"),
        hidden=("REQ-HIDDEN",),
    )
    found = messages(check_links(ctx))
    assert (
        "dangling",
        "DEC-1: :addresses: names unknown ID 'REQ-2' (did you mean 'REQ-1'?)",
    ) in found
    assert any(s == "link_type" and "but DEP-1 is a dependency" in m for s, m in found)
    assert any(s == "link_type" and "but REQ-1 is a requirement" in m for s, m in found)
    assert not any("REQ-HIDDEN" in m for _, m in found)  # left out by .. only::


def test_roles_and_graph_roots_name_known_objects() -> None:
    record = DocRecord(refs=[Ref("REQ-9", "x.rst", 4, "x")])
    schema = build_settings({})[0].schema
    record.views.append(KINDS["graph"].read({"root": "REQ-8"}, schema, "x.rst", 7)[0])
    ctx = context(obj("REQ-1", "requirement"), records={"x": record}, graphviz=False)
    assert messages(check_refs(ctx)) == [
        ("dangling", ":dd:ref: to unknown ID 'REQ-9' (did you mean 'REQ-1'?)")
    ]
    found = list(check_views(ctx))
    assert [f.subtype for f in found] == ["dangling", "graph"]
    assert found[1].source == "x.rst" and found[1].line == 7
    assert "apt-get install graphviz" in found[1].message


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


def test_pyproject_dependencies_agree(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["requests>=2,<3"]\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
        encoding="utf-8",
    )
    ctx = context(
        obj(
            "DEP-1",
            "dependency",
            fields={"scope": "runtime", "package": "requests", "version": "<3, >=2"},
        ),
        obj("DEP-2", "dependency", fields={"scope": "runtime", "package": "numpy"}),
        obj(
            "DEP-3",
            "dependency",
            fields={"scope": "development", "package": "pytest", "version": ">=7"},
        ),
        obj("DEP-4", "dependency", fields={"scope": "service", "package": "postgres"}),
        settings={"designdoc_pyproject": "pyproject.toml"},
        srcdir=str(tmp_path),
    )
    found = [m for _, m in messages(check_pyproject(ctx))]
    assert len(found) == 2
    assert found[0].startswith("runtime dependency DEP-2 (numpy) is missing")
    assert found[1].startswith("DEP-3 (pytest) has :version: '>=7'")


def test_pyproject_groups_are_read_whatever_the_file_holds(tmp_path: Path) -> None:
    """Include cycles, a long chain of includes, tables where lists belong, entries that
    are no requirement and a key with control characters: the check reads what it can,
    and says no more than what is wrong with the dependencies."""
    chain = "".join(f'g{n} = [{{include-group = "g{n + 1}"}}]\n' for n in range(3000))
    (tmp_path / "pyproject.toml").write_text(
        'build-system = 3\n[project]\nname = "x"\ndependencies = {not = "a list"}\n'
        'optional-dependencies = "nope"\n'
        "[dependency-groups]\n"
        'a = [{include-group = "b"}, "pytest>=8", "!!! no requirement", 7, {include-group = 3}]\n'
        'b = [{include-group = "a"}, {include-group = "missing"}, "ruff", "x[test]"]\n'
        'loop = [{include-group = "loop"}]\n'
        'flat = "pytest"\n'
        '"\\u001b[31mred" = ["mypy"]\n' + chain + 'g3000 = ["hypothesis"]\n',
        encoding="utf-8",
    )
    ctx = context(
        obj("DEP-1", "dependency", fields={"scope": "test", "package": "pytest", "version": ">=8"}),
        obj("DEP-2", "dependency", fields={"scope": "dev", "package": "ruff"}),
        obj("DEP-3", "dependency", fields={"scope": "dev", "package": "hypothesis"}),
        obj("DEP-4", "dependency", fields={"scope": "runtime", "package": "mypy"}),
        obj("DEP-5", "dependency", fields={"scope": "runtime", "package": "requests"}),
        settings={"designdoc_pyproject": "pyproject.toml"},
        srcdir=str(tmp_path),
    )
    found = [m for _, m in messages(check_pyproject(ctx))]
    assert found == [
        "runtime dependency DEP-4 (mypy) is listed only in [dependency-groups] '\\x1b[31mred' "
        "(dev) of pyproject.toml; set :scope: dev, or move it to [project].dependencies",
        "runtime dependency DEP-5 (requests) is missing from [project].dependencies of "
        "pyproject.toml; add it there, or fix :package:/:scope:",
    ]


@pytest.mark.parametrize("subtype", ["duplicate", "dangling", "untraced", "cycle", "graph"])
def test_the_registry_runs_every_family(subtype: str) -> None:
    assert subtype in checked_subtypes()
    ctx = context(
        obj("REQ-1", "requirement", refines="REQ-1"),
        obj("REQ-1", "requirement", doc="z"),
        obj("DEC-1", "decision", addresses="REQ-404"),
        records={"v": DocRecord(views=[View("graph", None, (), "v.rst", 1, drawn=True)])},
        graphviz=False,
    )
    assert subtype in {f.subtype for f in run_checks(ctx)}
