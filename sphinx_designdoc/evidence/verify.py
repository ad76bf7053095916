"""Which test cases verify which objects, and what state that gives each object.

A test verifies an object when its results name the object (a ``verifies`` property,
written by the pytest marker or by any runner) or when the object's ``:verified-by:``
option names the test.  Runners spell a test's name in their own ways (pytest
``tests/test_pay.py::TestPay::test_refund``, its JUnit ``tests.test_pay.TestPay`` +
``test_refund``, Go ``example.com/pay/TestRefund``, Surefire ``org.acme.PayTest#refund``,
nextest ``pay::tests::refund``), so a name and a pattern are compared in one spelling:
``::``, ``/`` and ``#`` read as ``.``, and a pytest file's ``.py`` is dropped, as pytest
itself does when it writes JUnit.  A pattern without ``*`` or ``?`` names a test or
everything under it (``ledger.TestExport`` is every test of that class, and
``tests/test_pay.py::test_refund`` every parameter of it); ``*`` and ``?`` are globs.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import TestCase

#: the states of an object's verification, worst first
STATES = ("failed", "skipped", "missing", "passed")
#: how each state reads, for colours (the tones of statuses)
VERIFICATION_TONES = {"passed": "good", "failed": "bad", "skipped": "pending", "missing": "pending"}
#: what may follow a test name's part and still be the same test (a class's test, a
#: parameter of a test)
_BOUNDARY = frozenset(".[")


@dataclass(frozen=True, slots=True)
class Verification:
    """An object's computed verification: the tests behind it and what they say."""

    #: ``passed`` (a test passed and none failed), ``failed`` (a test failed or
    #: errored), ``skipped`` (every test was skipped) or ``missing`` (no test)
    state: str
    tests: tuple[TestCase, ...] = ()

    @property
    def failed(self) -> tuple[TestCase, ...]:
        return tuple(t for t in self.tests if t.outcome == "failed")

    def summary(self) -> str:
        """``passed (3 tests)``, ``failed (1 of 2 tests)``, ``missing``: one line for
        a field, a cell or the terminal."""
        total = len(self.tests)
        if not total:
            return self.state
        noun = "test" if total == 1 else "tests"
        if self.state == "failed":
            return f"failed ({len(self.failed)} of {total} {noun})"
        return f"{self.state} ({total} {noun})"


def state_of(tests: Sequence[TestCase]) -> str:
    outcomes = {t.outcome for t in tests}
    if "failed" in outcomes:
        return "failed"
    if "passed" in outcomes:
        return "passed"
    if "skipped" in outcomes:
        return "skipped"
    return "missing"


def normal(name: str) -> str:
    """A test's name or a pattern in the one spelling they are compared in."""
    name = name.strip().replace(".py::", "::")
    if name.endswith(".py"):
        name = name[:-3]
    return name.replace("::", ".").replace("/", ".").replace("#", ".")


def is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def _glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A glob's matcher: ``*`` any run of characters, ``?`` one; ``[`` is a parameter's
    bracket in a test name, never a character class.  Like a plain name, the glob names
    what it matches and everything under it.  Translated by :mod:`fnmatch`, whose
    expressions take linear time however many ``*`` a pattern has."""
    translated = fnmatch.translate(pattern.replace("[", "[[]"))
    assert translated.endswith(r"\Z")
    return re.compile(translated[:-2] + r"(?:[.\[].*)?\Z", re.DOTALL).match  # type: ignore[return-value]


class TestIndex:
    """The test cases of a run, sorted by their compared spelling, so a pattern finds
    its tests by bisection rather than by trying every test."""

    def __init__(self, cases: Iterable[TestCase]) -> None:
        keyed: dict[tuple[str, int], TestCase] = {}
        self._cases: list[TestCase] = []
        for case in cases:
            index = len(self._cases)
            self._cases.append(case)
            for name in dict.fromkeys(normal(n) for n in case.names or (case.id,)):
                keyed[name, index] = case
        ordered = sorted(keyed)
        self._names = [name for name, _ in ordered]
        self._index = [index for _, index in ordered]

    def __len__(self) -> int:
        return len(self._cases)

    def match(self, pattern: str) -> list[TestCase]:
        """The tests ``pattern`` names, in the order of the results."""
        wanted = normal(pattern)
        if not wanted:
            return []
        if is_glob(wanted):
            cut = min(i for i in (wanted.find("*"), wanted.find("?")) if i >= 0)
            prefix = wanted[:cut]
            accept = _glob_matcher(wanted)
        else:
            prefix = wanted
            size = len(wanted)

            def accept(name: str) -> bool:
                return len(name) == size or name[size] in _BOUNDARY

        names, found = self._names, set()
        at = bisect_left(names, prefix)
        while at < len(names) and names[at].startswith(prefix):
            if accept(names[at]):
                found.add(self._index[at])
            at += 1
        return [self._cases[i] for i in sorted(found)]


@dataclass(slots=True)
class Traced:
    """What the test results say of the objects: a verification per object that has
    one, the ``verifies`` names that are no object, and the ``:verified-by:`` patterns
    that match no test."""

    verification: dict[str, Verification]
    #: (test case, the unknown ID it names)
    unknown: list[tuple[TestCase, str]]
    #: object ID -> its patterns that name no test
    unmatched: dict[str, list[str]]


def verify(
    objects: Iterable[tuple[str, Sequence[str], bool]],
    cases: Sequence[TestCase],
    known: Callable[[str], bool],
) -> Traced:
    """Verifications of ``objects`` — (ID, its ``:verified-by:`` patterns, whether its
    type is verifiable) — from ``cases``.  An object of a verifiable type always has one
    (``missing`` without tests); another only when a test names it.  ``known`` says
    whether a ``verifies`` name is an object at all (also one this builder hides)."""
    named: dict[str, list[TestCase]] = {}
    unknown: list[tuple[TestCase, str]] = []
    for case in cases:
        for target in case.verifies:
            named.setdefault(target, []).append(case)
    index = TestIndex(cases)
    verification: dict[str, Verification] = {}
    unmatched: dict[str, list[str]] = {}
    seen: set[str] = set()
    for object_id, patterns, verifiable in objects:
        if object_id in seen:  # a duplicate declaration: the first one's
            continue
        seen.add(object_id)
        tests = list(named.get(object_id, ()))
        for pattern in patterns:
            found = index.match(pattern)
            if not found:
                unmatched.setdefault(object_id, []).append(pattern)
            tests.extend(found)
        if not tests and not verifiable:
            continue
        unique = tuple(dict.fromkeys(tests))
        verification[object_id] = Verification(state_of(unique), unique)
    for target, target_cases in named.items():
        if target not in seen and not known(target):
            unknown.extend((case, target) for case in target_cases)
    unknown.sort(key=lambda pair: (pair[0].results, pair[0].results_line, pair[1]))
    return Traced(verification, unknown, unmatched)


def verification_data(v: Verification) -> dict[str, object]:
    """The ``verification`` of an object in ``designdoc.json``."""
    return {
        "state": v.state,
        "tests": [
            {"id": t.id, "outcome": t.outcome, "file": t.file, "line": t.line, "message": t.message}
            for t in v.tests
        ],
    }


def verification_from(data: Mapping[str, object]) -> Verification:
    """A :func:`verification_data` read back (the command line's reports)."""
    tests = data.get("tests")
    if not isinstance(tests, list):
        tests = []
    return Verification(
        str(data.get("state") or "missing"),
        tuple(
            TestCase(
                id=str(t.get("id") or ""),
                outcome=str(t.get("outcome") or ""),
                names=(str(t.get("id") or ""),),
                file=str(t.get("file") or ""),
                line=int(t.get("line") or 0),
                message=str(t.get("message") or ""),
            )
            for t in tests
            if isinstance(t, Mapping)
        ),
    )


def evidence_value(item_id: str, name: str, graph: Any) -> str | tuple[str, ...] | None:
    """``verified``: the object's verification state (None when no test names it and
    its type is not verified by tests); ``code``: its code tags as ``path:line``."""
    if name == "verified":
        verification = graph.verification.get(item_id)
        return None if verification is None else str(verification.state)
    return tuple(f"{c.path}:{c.line}" for c in graph.code.get(item_id, ())) or None
