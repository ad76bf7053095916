"""Every kind of warning the package emits: the one list of them.

Each warning is a Sphinx warning of type ``designdoc`` with one of these subtypes, and a
finding in ``designdoc.json``; the checks, the SARIF rules, the JUnit suite, the
``designdoc diff`` regression rule and the documentation's table are all read from
:data:`SUBTYPES`, so they cannot disagree.  No Sphinx here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "note"]

#: the package's published documentation
DOCS_URL = "https://sphinx-designdoc.readthedocs.io/en/latest/"

#: the Sphinx warning type of every finding: ``suppress_warnings`` names it alone, or
#: with a subtype (:func:`rule_name`)
WARNING_TYPE = "designdoc"

#: the kinds of problem an object shows as a badge on its own box
BADGES = ("untraced", "unused", "unjustified", "suspect", "failing", "unverified")


@dataclass(frozen=True)
class Subtype:
    """One warning kind: ``designdoc.<name>`` in ``suppress_warnings`` silences it."""

    name: str
    #: what it means, one sentence
    summary: str
    #: how to act on it, one sentence
    fix: str
    #: SARIF level: ``error`` for a broken record, ``warning`` for a gap in the design,
    #: ``note`` for an environment problem
    level: Level = "warning"
    #: a new finding of this kind makes ``designdoc diff --fail-on-regression`` fail
    regression: bool = True

    @property
    def rule(self) -> str:
        return rule_name(self.name)

    @property
    def help_url(self) -> str:
        """Where the documentation explains this kind of warning."""
        return f"{DOCS_URL}checks.html#{self.rule.replace('.', '-')}"


SUBTYPES: dict[str, Subtype] = {
    s.name: s
    for s in (
        Subtype(
            "duplicate",
            "Two objects share an ID; the first declaration (in document order) keeps it.",
            "Give one of them a new ID, or include a shared file from one page only.",
            "error",
        ),
        Subtype(
            "dangling",
            "A link option, a :dd:ref: role, a dd-graph :root:, a test's verifies property "
            "or a code tag names an unknown ID.",
            "Correct the ID (the warning suggests close matches) or declare the object.",
            "error",
        ),
        Subtype(
            "link_type",
            "A link points at an object of the wrong type (e.g. :addresses: a dependency).",
            "Point the link at an object of the type the link takes, or use another link.",
            "error",
        ),
        Subtype(
            "untraced",
            "An active requirement (or object of a type that links trace) that no counting "
            "decision (or other source of the link) addresses.",
            "Add ':addresses: ID' to the decision that meets it, or give it an inactive "
            "status (reject or deprecate it).",
            # a diff catches an existing requirement that became untraced, and the
            # coverage it lowers; a new one may wait for its decision
            regression=False,
        ),
        Subtype(
            "unused",
            "A dependency that no counting decision uses.",
            "Add ':uses: ID' to the decision that needs it, or deprecate it.",
        ),
        Subtype(
            "unjustified",
            "A counting decision (or active object of a type that tracing links start "
            "from) that addresses (traces) nothing.",
            "Add ':addresses:' (or the type's tracing link) naming what it answers, or give "
            "it an inactive status (reject it).",
        ),
        Subtype(
            "supersession",
            "Superseded decisions and :supersedes: links disagree, or form a cycle.",
            "Mark the replaced decision superseded, link it from its successor, or break "
            "the cycle.",
        ),
        Subtype(
            "cycle",
            "A link between objects of one type (:refines:, or a project's own) loops "
            "back to where it started.",
            "Remove one of the links the warning lists.",
            "error",
        ),
        Subtype(
            "invalid",
            "An option value, ID, status, date, version specifier or URL is not valid, or "
            ":id: is missing.",
            "Use one of the values the warning lists; the object is kept as written.",
            "error",
        ),
        Subtype(
            "section",
            "A design document lacks a top-level section that its template requires.",
            "Add the section, or pick another template with :template:.",
        ),
        Subtype(
            "coverage",
            "The traced share of requirements (or of another traced type that has objects "
            "to trace) is below designdoc_min_coverage.",
            "Trace the untraced requirements, or lower designdoc_min_coverage.",
        ),
        Subtype(
            "pyproject",
            "A dependency is missing from, or disagrees with, pyproject.toml.",
            "Make :package:, :version: and :scope: agree with pyproject.toml.",
        ),
        Subtype(
            "suspect",
            "A link's target changed (title, status, text or a field) since the link was "
            "reviewed and stamped in designdoc.lock.",
            "Check that the object still holds for the changed target, then run "
            "'designdoc review accept ID'.",
        ),
        Subtype(
            "lock",
            "A line of designdoc.lock cannot be used as written (malformed, a duplicate, "
            "an unknown ID, a merge conflict); the rest of the lock is still used.",
            "Run 'designdoc review accept' on the links concerned (or --all): it writes "
            "the lock clean.",
        ),
        Subtype(
            "failing",
            "A test that verifies an object (a verifies property or marker, or the "
            "object's :verified-by:) failed or errored in the test results read.",
            "Fix the code or the test, run the tests again and rebuild with the new results.",
            "error",
        ),
        Subtype(
            "unverified",
            "An object says it is verified, or designdoc_require_verified asks for a test, "
            "but no test that passed verifies it.",
            "Mark a test with verifies(ID) or give the object :verified-by:, run the tests "
            "and rebuild with their results.",
        ),
        Subtype(
            "evidence",
            "A test results file or a source file of designdoc_test_results / "
            "designdoc_code cannot be read, or a :verified-by: pattern names no test; the "
            "rest is still read.",
            "Correct the path, the file or the pattern; run the tests before the build.",
            regression=False,
        ),
        Subtype(
            "unimplemented",
            "A settled object of a type designdoc_require_implemented names (an accepted "
            "decision) that no code tag (implements: ID) names.",
            "Tag the code that implements it, e.g. a comment '# implements: DEC-3'.",
        ),
        Subtype(
            "config",
            "A designdoc_* setting in conf.py cannot be used as given; its default is used.",
            "Correct the setting as the warning says.",
            "error",
        ),
        Subtype(
            "external",
            "A designdoc_external file or entry cannot be read as given; the valid "
            "objects in it are still used.",
            "Correct the entry in conf.py or the file it names.",
            "warning",
            regression=False,
        ),
        Subtype(
            "needs",
            "An object could not be made a sphinx-needs need, or the sphinx-needs bridge is off.",
            "Act as the warning says; the object itself is unaffected.",
            "warning",
            regression=False,
        ),
        Subtype(
            "graph",
            "A dd-graph cannot be drawn because Graphviz's dot program cannot be run; it "
            "is shown as a table instead.",
            "Install Graphviz (see the README) or set graphviz_dot in conf.py.",
            "note",
            regression=False,
        ),
    )
}


def rule_name(subtype: str) -> str:
    """``designdoc.untraced``: what ``suppress_warnings``, SARIF, JUnit and the check's
    output call a kind of finding, also one this version does not know (a report of a
    newer one)."""
    return f"{WARNING_TYPE}.{subtype}"


def is_suppressed(subtype: str, suppress_warnings: Iterable[str]) -> bool:
    """Sphinx's ``suppress_warnings`` matching, for our warning type: the build logs a
    finding, and the report marks it suppressed, by the one rule."""
    patterns = set(suppress_warnings)
    return (
        WARNING_TYPE in patterns
        or rule_name(subtype) in patterns
        or f"{WARNING_TYPE}.*" in patterns
    )


def get(name: str) -> Subtype:
    """The subtype called ``name``; an unknown name is a bug of ours, not of the user."""
    return SUBTYPES[name]
