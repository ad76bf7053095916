"""Checks of evidence: failing and missing tests of the objects they verify, test
results and source files that cannot be read, ``:verified-by:`` patterns that name no
test, tests and code tags that name no object, and decisions no code implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..evidence.model import Problem, TestCase
from ..model import Finding, Item
from .context import CheckContext, finding, suggest

#: how many tests a message names before it says how many more there are
_NAMED = 3


def _names(tests: Sequence[TestCase]) -> str:
    named = []
    for test in tests[:_NAMED]:
        named.append(f"{test.id} ({test.message})" if test.message else test.id)
    more = len(tests) - _NAMED
    return "; ".join(named) + (f"; and {more} more" if more > 0 else "")


def located(ctx: CheckContext, subtype: str, problem: Problem, setting: str) -> Finding:
    """A problem of an evidence file as a finding: at its file (named relative to the
    source folder, as every finding names files), or at the setting in conf.py when it
    is about the setting itself (a glob that matches nothing)."""
    if not problem.path:
        return ctx.at_setting(subtype, problem.message, setting)
    return Finding(subtype, problem.message, ctx.evidence_source(problem.path), problem.line)


def _settled(ctx: CheckContext, item: Item) -> bool:
    """An object whose status says it is decided (approved, accepted, implemented …):
    not a draft, not out of the design."""
    typedef = ctx.settings.schema.types.get(item.type)
    return typedef is not None and typedef.tone(item.status) == "good"


def check_failing(ctx: CheckContext) -> Iterator[Finding]:
    """A finding per object a failed test verifies, at the object."""
    graph = ctx.graph
    for object_id, verification in graph.verification.items():
        if verification.state != "failed":
            continue
        item = graph.get(object_id)
        if item is None:
            continue
        failed = verification.failed
        total = len(verification.tests)
        count = f"{len(failed)} of its {total} tests" if total > 1 else "its test"
        yield finding(
            "failing",
            item,
            f"{object_id} is not verified: {count} failed: {_names(failed)}",
        )


def check_unverified(ctx: CheckContext) -> Iterator[Finding]:
    """A finding per object that says it is verified, or that
    ``designdoc_require_verified`` asks a test of, while no test that passed verifies
    it (a failed test is :func:`check_failing`'s)."""
    graph = ctx.graph
    if not graph.tests_configured:
        return
    required = ctx.settings.require_verified
    for item in graph.items():
        if not item.declared_here and not item.origin:
            continue
        verification = graph.verification.get(item.id)
        state = verification.state if verification is not None else "missing"
        if state in ("passed", "failed"):
            continue
        claims = item.status == "verified"
        if not claims and not (item.type in required and _settled(ctx, item)):
            continue
        why = (
            "has status 'verified', but"
            if claims
            else f"is {item.status} and designdoc_require_verified asks for a test, but"
        )
        if state == "skipped" and verification is not None:
            what = f"its tests were all skipped: {_names(verification.tests)}"
        else:
            what = (
                "no test verifies it; mark a test with @pytest.mark.verifies("
                f"{item.id!r}), give the test a 'verifies' property, or give "
                f"{item.id} :verified-by:"
            )
        yield finding("unverified", item, f"{item.id} {why} {what}")


def check_evidence(ctx: CheckContext) -> Iterator[Finding]:
    """Test results and source files that could not be read, and ``:verified-by:``
    patterns that name no test of the results read."""
    run = ctx.tests
    if run is not None:
        for problem in run.problems:
            yield located(ctx, "evidence", problem, "designdoc_test_results")
    scan = ctx.code_scan
    if scan is not None:
        for problem in scan.problems:
            yield located(ctx, "evidence", problem, "designdoc_code")
    traced = ctx.traced
    if traced is None or run is None or not run.cases:
        return  # with no test read, each pattern would say what the files' problem says
    graph = ctx.graph
    for object_id, patterns in traced.unmatched.items():
        item = graph.get(object_id)
        if item is None:
            continue
        names = ", ".join(repr(p) for p in patterns)
        noun = "names" if len(patterns) == 1 else "name"
        yield finding(
            "evidence",
            item,
            f"{object_id} :verified-by: {names} {noun} no test of the "
            f"{len(run.cases)} in {_files(run.files)}",
            ctx.option_line(item, "verified-by"),
        )


def _files(files: Sequence[str]) -> str:
    return files[0] if len(files) == 1 else f"{len(files)} results files"


def check_unknown_evidence(ctx: CheckContext) -> Iterator[Finding]:
    """A finding per test ``verifies`` name and per code tag that names no object, at
    the results file's test case or the tag's line."""
    traced = ctx.traced
    if traced is not None:
        for case, target in traced.unknown:
            yield Finding(
                "dangling",
                f"test {case.id} verifies {target!r}, which is no object of this project"
                f"{suggest(target, ctx)}",
                ctx.evidence_source(case.results),
                case.results_line or None,
            )
    scan = ctx.code_scan
    if scan is None:
        return
    graph = ctx.graph
    known = graph.by_id.keys() | graph.hidden
    for tag in scan.tags:
        if tag.id not in known:
            word = f"{tag.kind} tag" if tag.kind else "code tag"
            yield Finding(
                "dangling",
                f"{word} names {tag.id!r}, which is no object of this project"
                f"{suggest(tag.id, ctx)}",
                ctx.evidence_source(tag.path),
                tag.line,
            )


def check_unimplemented(ctx: CheckContext) -> Iterator[Finding]:
    """With ``designdoc_require_implemented``: a finding per settled object of the
    types it names that no code tag names."""
    required = ctx.settings.require_implemented
    if not required or ctx.code_scan is None:
        return
    graph = ctx.graph
    for item in graph.items():
        if item.type not in required or not item.declared_here or not _settled(ctx, item):
            continue
        if not graph.code.get(item.id):
            yield finding(
                "unimplemented",
                item,
                f"{item.id} is {item.status}, but no code tag names it; tag the code that "
                f"implements it, e.g. a comment 'implements: {item.id}'",
            )
