"""Plain records of what the test-results reader and the code scanner found.  No docutils
or Sphinx here: the build, the reports and the command line share them."""

from __future__ import annotations

from dataclasses import dataclass, field

#: what a test case's run says, worst first: an error counts as a failure
OUTCOMES = ("failed", "skipped", "passed")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a results file or a source file that could not be read or used: one
    ``designdoc.evidence`` (or ``designdoc.dangling``) warning at ``path:line``.  ``path``
    is relative to the folder of ``conf.py``, posix."""

    path: str
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test case of a JUnit results file, as every output names and shows it."""

    #: not a test class, though pytest would collect one of its name
    __test__ = False

    #: the ID a reader knows the test by: a pytest node ID (``tests/test_pay.py::test_refund[a]``)
    #: when the file is known, else ``classname.name`` (``ledger.TestExport.test_csv``), or
    #: ``name`` alone when there is no classname
    id: str
    #: ``passed``, ``failed`` (a failure or an error) or ``skipped`` (also xfail)
    outcome: str
    #: every name a ``:verified-by:`` pattern may match, ``id`` first (e.g. also the dotted
    #: ``classname.name`` of a pytest case whose node ID is known)
    names: tuple[str, ...]
    #: the test's source file as the runner wrote it (pytest xunit1, xmlrunner, jest with
    #: ``addFileAttribute``), else ``""``; ``line`` is 1-based, 0 when unknown
    file: str = ""
    line: int = 0
    #: the first failure, error or skip message, one line, at most 300 characters
    message: str = ""
    #: IDs the case names in ``<property name="verifies" value="…"/>`` (a value may hold
    #: several IDs separated by commas or whitespace), in the order written
    verifies: tuple[str, ...] = ()
    #: the results file (relative to ``conf.py``'s folder, posix) and the line of the
    #: ``<testcase>`` element in it (0 when unknown): where a ``verifies`` naming an unknown
    #: ID is reported
    results: str = ""
    results_line: int = 0


@dataclass(slots=True)
class TestRun:
    """Every test case of the configured results files, in file order then document
    order, and the problems reading them."""

    __test__ = False

    cases: list[TestCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: the results files read (relative to ``conf.py``'s folder, posix), sorted
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CodeTag:
    """One tag in a source file naming an object: ``# implements: DEC-3``."""

    id: str
    #: the tag's word (``implements``, ``satisfies``, or the ``kind`` group of a project's
    #: own pattern; ``""`` when the pattern has none)
    kind: str
    #: the file relative to ``conf.py``'s folder, posix (``../src/pay/refund.py``)
    path: str
    #: 1-based
    line: int
    #: the entry's ``url`` with ``{commit}``, ``{path}`` (relative to the repository root
    #: when in git, else to ``conf.py``'s folder) and ``{line}`` filled in; ``""`` without one
    url: str = ""


@dataclass(slots=True)
class CodeScan:
    """Every tag in the configured source files, sorted by (path, line, id), and the
    problems scanning them (unreadable file, invalid pattern …)."""

    tags: list[CodeTag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: how many files were scanned (for the build's log line and benchmarks)
    files: int = 0
