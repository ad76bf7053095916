"""Test results read from JUnit XML files, as pytest, unittest (xmlrunner), Go
(go-junit-report, gotestsum), cargo-nextest, Maven Surefire and jest-junit write them.

The files come from other programs and are untrusted: each is parsed once by defusedxml's
expat parser (no DTD entity, no external reference, so no billion laughs and no file read
through XXE; never lxml, whatever junitparser would pick), after a size check that reads
nothing, and walked with junitparser's ``xunit2`` classes (the flavour that reads a test
case's ``<properties>``).  A file that cannot be used is one :class:`.Problem`, and the
other files are still read.  No Sphinx here: the build and the command line share it.

A test case's ``line`` is 1-based.  pytest (``junit_family=xunit1``) writes its item's
0-based ``location``; xmlrunner writes ``inspect``'s 1-based line and a per-case
``timestamp``, as no pytest case has.  So a line is read as 0-based when its case has no
``timestamp`` and names a ``.py`` file or has a pytest node ID; else as written.
"""

# implements: DEC-EVIDENCE-INPUTS (docs/design.rst)

from __future__ import annotations

import glob
import hashlib
import marshal
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from junitparser import Error, Failure, Skipped, xunit2

from ..safety import without_controls
from .model import OUTCOMES, Problem, TestCase, TestRun

#: a results file over this size is not read: a test run's file is megabytes, and a
#: file of gigabytes would fill the build's memory as a tree
MAX_BYTES = 256 * 2**20
#: a test ID (or an ID in ``verifies``) over this length is refused: no test is named so
MAX_ID = 1000
#: a failure, error or skip message is cut to this length
MAX_MESSAGE = 300
#: how much of a file the parser is fed at a time
_CHUNK = 1 << 20
#: the format of a cache entry; change it when the tuples change
_CACHE_FORMAT = 1
#: go-junit-report's test cases for a package that did not build or set up
_GO_PACKAGE = {"[build failed]": "failed to build", "[setup failed]": "failed to set up"}
#: jest-junit's test case for a failing hook (``afterAll`` …), which is no test
_JEST_HOOK = "Test execution failure: could be caused by test hooks"
#: what separates IDs in one ``verifies`` value
_SEPARATORS = re.compile(r"[\s,]+")

#: one test case as cached: id, outcome, names, file, line, message, verifies, the line
#: of its ``<testcase>`` (the results file is added when read)
CaseRow = tuple[str, str, tuple[str, ...], str, int, str, tuple[str, ...], int]
#: one problem in a file as cached: line (or ``None``), message
ProblemRow = tuple[int | None, str]


def read_results(patterns: Sequence[str], confdir: Path, cache_dir: Path | None = None) -> TestRun:
    """Every test case of the files ``patterns`` match (globs relative to ``confdir``,
    ``**`` recursive), in file order then document order.  With ``cache_dir``, a file
    whose path, size and modification time are unchanged is not parsed again."""
    confdir = Path(confdir).absolute()
    run = TestRun()
    files = _match(patterns, confdir, run.problems)
    for rel, path in files:
        run.files.append(rel)
        cases, problems = _read_file(path, cache_dir)
        run.cases.extend(
            TestCase(c[0], c[1], c[2], c[3], c[4], c[5], c[6], rel, c[7]) for c in cases
        )
        run.problems.extend(Problem(rel, line, message) for line, message in problems)
    return run


def _match(
    patterns: Sequence[str], confdir: Path, problems: list[Problem]
) -> list[tuple[str, Path]]:
    """The files the patterns match, by their path relative to ``confdir`` (posix,
    ``..`` where outside it), sorted, each once; a pattern that matches no file is a
    problem of the setting (path ``""``)."""
    found: dict[str, Path] = {}
    for pattern in patterns:
        matched = False
        # glob.glob, not Path.glob: a pattern may be absolute or lead out with ``..``
        for name in glob.glob(pattern, root_dir=confdir, recursive=True):  # noqa: PTH207
            path = Path(os.path.normpath(confdir / name))
            if path.is_file():
                matched = True
                found.setdefault(_relative(path, confdir), path)
        if not matched:
            problems.append(
                Problem(
                    "",
                    None,
                    f"designdoc_test_results: {pattern!r} matches no file: run the tests "
                    "first so that they write their JUnit XML there (e.g. pytest "
                    "--junitxml=…), or correct the pattern",
                )
            )
    return sorted(found.items())


def _relative(path: Path, confdir: Path) -> str:
    try:
        return Path(os.path.relpath(path, confdir)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return path.as_posix()


def _read_file(
    path: Path, cache_dir: Path | None
) -> tuple[Sequence[CaseRow], Sequence[ProblemRow]]:
    """One file's cases and problems, from the cache when it holds this very file."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        return (), [(None, f"cannot read the test results: {exc.strerror or exc}")]
    if stat.st_size > MAX_BYTES:
        return (), [
            (
                None,
                f"the test results file is {stat.st_size / 2**20:,.0f} MiB, over the limit "
                f"of {MAX_BYTES // 2**20} MiB: not read",
            )
        ]
    if stat.st_size == 0:
        return (), [
            (None, "the test results file is empty: did the test run stop before writing it?")
        ]
    entry = _cache_file(cache_dir, key[0])
    if entry is not None:
        cached = _cache_load(entry, key)
        if cached is not None:
            return cached
    try:
        cases, problems = parse_file(path)
    except OSError as exc:
        return (), [(None, f"cannot read the test results: {exc.strerror or exc}")]
    if entry is not None:
        _cache_store(entry, (_CACHE_FORMAT, key, tuple(cases), tuple(problems)))
    return cases, problems


class _Builder(TreeBuilder):
    """ElementTree's builder that notes the line each ``<testcase>`` starts on, as the
    expat parser feeding it reports it (ElementTree itself keeps no lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.root_line = 0
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str], _start: Any = TreeBuilder.start) -> Element:
        # ``_start`` bound once: this runs for every element of every file
        elem: Element = _start(self, tag, attrs)
        if tag == "testcase":
            self.lines[elem] = self.expat.CurrentLineNumber
        elif not self.root_line:
            self.root_line = self.expat.CurrentLineNumber
        return elem


def parse_file(path: Path) -> tuple[list[CaseRow], list[ProblemRow]]:
    """The test cases of one JUnit XML file, in document order, and its problems: one
    parse with the hardened parser.  Raises :class:`OSError` when it cannot be read."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    return [], [(None, "the test results file grew over the limit: not read")]
                parser.feed(chunk)
            root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        return [], [(line, f"not well-formed XML ({ErrorString(exc.code)}): not read")]
    except DefusedXmlException:
        return [], [
            (
                parser.parser.CurrentLineNumber or None,
                "the file declares an XML entity or an external reference, which no test "
                "runner writes: not read (it may be an attack: billion laughs, XXE)",
            )
        ]
    except (ValueError, LookupError) as exc:  # e.g. an encoding Python cannot decode
        return [], [(None, f"not readable XML ({_one_line(str(exc), 200)}): not read")]
    if root.tag not in ("testsuites", "testsuite"):
        tag = _one_line(str(root.tag), 100)
        return [], [
            (
                builder.root_line or None,
                f"not JUnit XML: the root element is <{tag}>, where JUnit results have "
                "<testsuites> or <testsuite>: not read",
            )
        ]
    cases: list[CaseRow] = []
    problems: list[ProblemRow] = []
    try:
        for suite in xunit2.JUnitXml.fromroot(root):
            suite_name = suite._elem.get("name") or ""
            for case in suite:  # xunit2 cases (the suite's class says so)
                _read_case(cast(xunit2.TestCase, case), suite_name, builder.lines, cases, problems)
    except RecursionError:
        return [], [(None, "test suites nested too deeply to read: not read")]
    # junitparser walks a suite's own cases before those of the suites inside it
    cases.sort(key=lambda c: c[7])
    problems.sort(key=lambda p: p[0] or 0)
    return cases, problems


def _read_case(
    case: xunit2.TestCase,
    suite: str,
    lines: dict[Element, int],
    cases: list[CaseRow],
    problems: list[ProblemRow],
) -> None:
    attrib = case._elem.attrib
    at = lines.get(case._elem, 0)
    name = attrib.get("name") or ""
    if not name.strip():
        problems.append((at or None, "a <testcase> without a name: skipped"))
        return
    classname = attrib.get("classname") or ""
    results = case.result
    bad = [r for r in results if isinstance(r, (Failure, Error))]
    skips = [r for r in results if isinstance(r, Skipped)]
    outcome = OUTCOMES[0] if bad else OUTCOMES[1] if skips else OUTCOMES[2]
    if _synthetic(name, classname, suite, bad, at, problems):
        return
    file = attrib.get("file") or ""
    node = _node_id(file, classname, name)
    dotted = f"{classname}.{name}" if classname and classname != name else ""
    test_id = node or dotted or name
    if max(len(test_id), len(dotted)) > MAX_ID:
        size = max(len(test_id), len(dotted))
        problems.append((at or None, f"a test ID of {size:,} characters (over {MAX_ID}): skipped"))
        return
    names = (test_id, dotted) if dotted and dotted != test_id else (test_id,)
    zero_based = "timestamp" not in attrib and (bool(node) or file.endswith(".py"))
    first = bad or skips
    message = _message(first[0]) if first else ""
    verifies = _verifies(case, at, problems)
    cases.append(
        (
            test_id,
            outcome,
            names,
            file,
            _line(attrib.get("line"), zero_based),
            message,
            verifies,
            at,
        )
    )


def _synthetic(
    name: str, classname: str, suite: str, bad: list[Any], at: int, problems: list[ProblemRow]
) -> bool:
    """Whether the case is a runner's report of something that is no test (a Go package
    that did not build or panicked, a failing jest hook): a problem at the file."""
    if not bad:
        return False
    detail = _detail(bad[0])
    if name in _GO_PACKAGE:
        what = f"package {_one_line(classname, 200)} {_GO_PACKAGE[name]}"
    elif name == "Failure" and isinstance(bad[0], Error) and bad[0].message == "Runtime error":
        what = f"package {_one_line(classname, 200)} failed at run time"
    elif name.startswith(_JEST_HOOK):
        what = (
            f"a test hook (beforeAll, afterAll …) failed in {_one_line(suite or classname, 200)!r}"
        )
    else:
        return False
    problems.append((at or None, f"{what}: {detail}" if detail else what))
    return True


def _node_id(file: str, classname: str, name: str) -> str:
    """pytest's node ID (``tests/test_pay.py::TestCls::test_x[a]``) of a case whose
    ``file`` pytest wrote (``junit_family=xunit1``): pytest makes the classname from the
    node ID, ``/`` as ``.`` and without ``.py``, so the file tells where the module ends
    and the classes begin.  ``""`` when the classname is not made so."""
    if not file or not classname:
        return ""
    path = file.replace("\\", "/")
    module = path.replace("/", ".")
    module = module.removesuffix(".py")
    if classname == module:
        return f"{path}::{name}"
    if classname.startswith(module + "."):
        classes = classname[len(module) + 1 :].split(".")
        return "::".join([path, *classes, name])
    return ""


def _line(raw: str | None, zero_based: bool) -> int:
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return 0
    return int(raw) + 1 if zero_based else int(raw)


#: messages that say only the outcome (Go's runners write them on every result): the
#: first line of the result's text says more (``x_test.go:10: want 2, got 1``)
_BARE = frozenset({"failed", "skipped"})


def _message(result: Any) -> str:
    """A result's message attribute, else the first line of its text: one line."""
    message = _one_line(result.message or "", MAX_MESSAGE)
    if not message or message.lower() in _BARE:
        return _one_line(result.text or "", MAX_MESSAGE) or message
    return message


def _detail(result: Any) -> str:
    """What a runner's synthetic error says: its text (the build error), else its
    message (go-junit-report's is a bare ``Build error``)."""
    return _one_line(result.text or "", MAX_MESSAGE) or _one_line(result.message or "", MAX_MESSAGE)


def _one_line(text: str, limit: int) -> str:
    """The first line of ``text`` that is not blank, without control characters, at most
    ``limit`` characters (the last an ellipsis when cut)."""
    text = text.lstrip()
    end = len(text)
    for sep in ("\n", "\r"):
        at = text.find(sep, 0, end)
        if at >= 0:
            end = at
    line = text[:end]
    if not line.isprintable():  # the common line has no control, no tab: no copy
        line = without_controls(line.replace("\t", " "))
    line = line.strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _verifies(case: xunit2.TestCase, at: int, problems: list[ProblemRow]) -> tuple[str, ...]:
    """The IDs of the case's own ``verifies`` properties (never its suite's: Surefire
    writes every JVM property there), in order, each once."""
    ids: dict[str, None] = {}
    if case._elem.find("properties") is None:  # most cases have none: no walk
        return ()
    for prop in case.properties():
        if prop.name != "verifies":
            continue
        for token in _SEPARATORS.split(prop.value or ""):
            if len(token) > MAX_ID:
                problems.append(
                    (at or None, f"an ID of {len(token):,} characters in verifies: ignored")
                )
            elif token:
                ids[token] = None
    return tuple(ids)


def _cache_file(cache_dir: Path | None, resolved: str) -> Path | None:
    if cache_dir is None:
        return None
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir / f"junit-{digest}.marshal"


def _cache_load(
    entry: Path, key: tuple[str, int, int]
) -> tuple[Sequence[CaseRow], Sequence[ProblemRow]] | None:
    """The cached reading of the file ``key`` names, or ``None`` when there is none or
    it is not one (corrupt, of another format or another version of the file)."""
    try:
        data = marshal.loads(entry.read_bytes())
        fmt, cached_key, cases, problems = data
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if fmt != _CACHE_FORMAT or cached_key != key or not _valid(cases, problems):
        return None
    return cases, problems


def _valid(cases: Any, problems: Any) -> bool:
    """Whether cached rows have the shape :func:`parse_file` gives (a damaged file that
    still unmarshals must not reach the build)."""
    if type(cases) is not tuple or type(problems) is not tuple:
        return False
    for row in cases:
        if type(row) is not tuple or len(row) != 8:
            return False
        test_id, outcome, names, file, line, message, verifies, at = row
        if not (
            type(test_id) is str
            and outcome in OUTCOMES
            and type(names) is tuple
            and all(type(n) is str for n in names)
            and type(file) is str
            and type(line) is int
            and type(message) is str
            and type(verifies) is tuple
            and all(type(v) is str for v in verifies)
            and type(at) is int
        ):
            return False
    return all(
        type(p) is tuple
        and len(p) == 2
        and (p[0] is None or type(p[0]) is int)
        and type(p[1]) is str
        for p in problems
    )


def _cache_store(entry: Path, data: tuple[Any, ...]) -> None:
    """Write an entry through a temporary file and a rename (a parallel build reads the
    old entry or the new one, never half of one); a cache that cannot be written is only
    slower."""
    tmp = ""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".junit-", dir=entry.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(data))
        Path(tmp).replace(entry)
    except (OSError, ValueError):
        if tmp:
            Path(tmp).unlink(missing_ok=True)
