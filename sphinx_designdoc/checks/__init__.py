"""Design checks: each a small function from the project state to findings.

Checks never log; :func:`run_checks` collects and sorts their findings and the extension
logs them in one place, so the JSON report, the command line and the Sphinx warnings
agree.  Each module holds one family of checks; :data:`CHECKS` lists them all, with the
warning subtypes each can report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..model import Finding
from ..subtypes import BADGES, SUBTYPES, is_suppressed
from .context import Check, CheckContext
from .evidence import (
    check_evidence,
    check_failing,
    check_unimplemented,
    check_unknown_evidence,
    check_unverified,
)
from .lifecycle import check_cycles, check_sections, check_supersession
from .links import check_duplicates, check_links, check_read_problems, check_refs, check_views
from .pyproject import check_pyproject
from .review import check_lock_ids, check_suspects
from .tracing import check_coverage, check_unjustified, check_untraced, check_unused

__all__ = [
    "CHECKS",
    "CheckContext",
    "RegisteredCheck",
    "badges",
    "checked_subtypes",
    "run_checks",
]


@dataclass(frozen=True)
class RegisteredCheck:
    """A check and the subtypes it can report, so reports can say what was checked."""

    subtypes: tuple[str, ...]
    run: Check


#: The checks run on every build, in order.
CHECKS: tuple[RegisteredCheck, ...] = (
    RegisteredCheck(("invalid",), check_read_problems),
    RegisteredCheck(("duplicate",), check_duplicates),
    RegisteredCheck(("dangling", "link_type"), check_links),
    RegisteredCheck(("dangling",), check_refs),
    RegisteredCheck(("untraced",), check_untraced),
    RegisteredCheck(("unused",), check_unused),
    RegisteredCheck(("unjustified",), check_unjustified),
    RegisteredCheck(("supersession",), check_supersession),
    RegisteredCheck(("cycle",), check_cycles),
    RegisteredCheck(("section", "invalid"), check_sections),
    RegisteredCheck(("coverage",), check_coverage),
    RegisteredCheck(("dangling", "graph"), check_views),
    RegisteredCheck(("pyproject",), check_pyproject),
    RegisteredCheck(("suspect",), check_suspects),
    RegisteredCheck(("lock",), check_lock_ids),
    RegisteredCheck(("failing",), check_failing),
    RegisteredCheck(("unverified",), check_unverified),
    RegisteredCheck(("evidence",), check_evidence),
    RegisteredCheck(("dangling",), check_unknown_evidence),
    RegisteredCheck(("unimplemented",), check_unimplemented),
)


def checked_subtypes() -> list[str]:
    """Subtypes that the registered checks report, in documentation order."""
    names = {s for c in CHECKS for s in c.subtypes}
    return [s for s in SUBTYPES if s in names]


def run_checks(ctx: CheckContext) -> list[Finding]:
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check.run(ctx))
    return sorted(set(found), key=Finding.sort_key)


def badges(
    findings: Iterable[Finding], suppress_warnings: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """Per object ID, the kinds of problem its own box shows (:data:`.BADGES`): those of
    the checks' findings that ``suppress_warnings`` does not silence.  A badge is a
    check's verdict shown where the object is, so it is read from the checks alone."""
    out: dict[str, tuple[str, ...]] = {}
    for finding in findings:
        if finding.id is None or finding.subtype not in BADGES:
            continue
        if is_suppressed(finding.subtype, suppress_warnings):
            continue
        shown = out.get(finding.id, ())
        if finding.subtype not in shown:
            out[finding.id] = (*shown, finding.subtype)
    return out
