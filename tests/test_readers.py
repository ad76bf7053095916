"""Every verb that reads a ``designdoc.json`` answers any JSON in any field: an answer
(exit 0 or 1), or one line on stderr naming the file and the field (exit 2); never a
traceback, never the catch-all's "unexpected".

The property tests start from the report of a small test root and put an arbitrary JSON
value at a random place (or drop a member, or add one), then run every reading verb in
this process through ``main(argv)``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_designdoc import codec
from sphinx_designdoc.cli import main

# -- the report, and the verbs that read it --------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Path:
    tmp = tmp_path_factory.mktemp("readers")
    shutil.copy(built / codec.FILENAME, tmp / "valid.json")
    return tmp


def base_report(workdir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((workdir / "valid.json").read_text(encoding="utf-8"))
    return data


def reading_verbs(bad: Path, valid: Path) -> list[list[str]]:
    """Every way the command reads a report: each verb, each output it renders."""
    data = ["--data", str(bad)]
    return [
        ["trace", "REQ-1", *data],  # through the fast path when the layout allows
        ["trace", "DEC-3", *data, "--json"],
        ["trace", "DEP-1", *data, "--color", "always"],
        ["impact", "REQ-1", *data],
        ["impact", "DEP-1", *data, "--json"],
        ["check", str(bad)],
        ["check", str(bad), "--format", "json"],
        ["check", str(bad), "--format", "junit"],
        ["check", str(bad), "--format", "sarif"],
        ["diff", str(valid), str(bad)],
        ["diff", str(bad), str(valid), "--json", "--fail-on-regression"],
        *(
            ["export", "--format", fmt, *data, "-o", "-"]
            for fmt in ("json", "csv", "md", "html", "junit", "sarif", "needs")
        ),
    ]


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` writing to streams like a UTF-8 terminal's: stdout refuses what is
    not text, stderr escapes it (as Python's own do)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return code, texts[0], texts[1]


def assert_answers(argv: list[str], bad: Path) -> tuple[int, str]:
    """The verb answers, or names the file in one line; nothing else."""
    code, out, err = run(argv)
    assert code in (0, 1, 2), (argv, code, err)
    assert "unexpected" not in err and "Traceback" not in err, (argv, err)
    if code == 2:
        assert out == "", argv
        assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
        assert err.startswith("designdoc: error: ") and str(bad) in err, (argv, err)
        assert len(err) < 1000, (argv, err[:300])
    else:
        assert err == "", (argv, err)
    return code, err


@contextlib.contextmanager
def debugging() -> Iterator[None]:
    """Let anything that would reach the catch-all escape, with its traceback."""
    with mock.patch.dict(os.environ, {"DESIGNDOC_DEBUG": "1"}):
        yield


def test_the_catch_all_is_what_debugging_lets_through(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The property tests rely on it: a bug is one "unexpected" line, or under
    DESIGNDOC_DEBUG its exception, which fails the test that met it."""
    from sphinx_designdoc.cli import lookup

    def broken(*args: Any) -> Any:
        raise TypeError("a bug")

    monkeypatch.setattr(lookup, "load_for_trace", broken)
    argv = ["trace", "REQ-1", "--data", str(workdir / "valid.json")]
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert err.startswith("designdoc: error: unexpected TypeError: a bug")
    with debugging(), pytest.raises(TypeError, match="a bug"):
        run(argv)


_SURROGATE = re.compile("[\ud800-\udfff]")


def write(path: Path, report: Any, layout: str = "build") -> Path:
    """As the build writes it (the trace shortcut reads that layout), or compact; a
    lone surrogate spelled as JSON spells it, ``\\ud800``."""
    if layout == "build" and isinstance(report, dict):
        text = codec.dumps(report)
    else:
        text = json.dumps(report, separators=(",", ":"), ensure_ascii=False)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    path.write_text(text, encoding="utf-8")
    return path


# -- arbitrary JSON at an arbitrary place ------------------------------------------------

#: names the report uses, so that a value sometimes means something to a reader
NAMES = [
    "",
    "REQ-1",
    "REQ-2",
    "DEC-1",
    "DEC-3",
    "DEP-1",
    "REQ-404",
    "requirement",
    "decision",
    "dependency",
    "addresses",
    "addressed by",
    "uses",
    "supersedes",
    "untraced",
    "dangling",
    "designdoc.untraced",
    "accepted",
    "proposed",
    "id",
    "links",
    "incoming",
    "fields",
    "objects",
    "percent",
    "\ud800",
    "a\udcffb",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(), max_size=12)
    | st.sampled_from(NAMES)
)
KEYS = st.text(st.characters(), max_size=8) | st.sampled_from(NAMES)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=10,
)

Path_ = tuple[str | int, ...]


def places(value: Any, where: Path_ = ()) -> Iterator[Path_]:
    """Every place in ``value``: members, elements and the containers themselves."""
    yield where
    if isinstance(value, dict):
        for key, child in value.items():
            yield from places(child, (*where, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from places(child, (*where, index))


@st.composite
def mutated_reports(draw: st.DrawFn, base: dict[str, Any]) -> tuple[Any, str]:
    """The report with one change: a value replaced, a member dropped or one added."""
    report: Any = copy.deepcopy(base)
    # the member first, so that the many places of the vocabulary do not crowd out
    # those of the findings or the coverage
    member = draw(st.sampled_from([None, *base]))
    candidates = list(places(base)) if member is None else list(places(base[member], (member,)))
    where = draw(st.sampled_from(candidates))
    action = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
    value = draw(JSON_VALUES)
    if not where:
        report = value
    else:
        parent = report
        for step in where[:-1]:
            parent = parent[step]
        target = parent[where[-1]]
        if action == "drop":
            del parent[where[-1]]
        elif action == "add" and isinstance(target, dict):
            target[draw(KEYS)] = value
        elif action == "add" and isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), value)
        else:
            parent[where[-1]] = value
    return report, draw(st.sampled_from(["build", "compact"]))


def check_verbs(workdir: Path, report: Any, layout: str, which: list[int] | None) -> None:
    bad = write(workdir / "bad.json", report, layout)
    verbs = reading_verbs(bad, workdir / "valid.json")
    with debugging():
        for number in range(len(verbs)) if which is None else which:
            assert_answers(verbs[number], bad)


@pytest.fixture(scope="module")
def base(workdir: Path) -> dict[str, Any]:
    return base_report(workdir)


VERB_COUNT = len(reading_verbs(Path("bad"), Path("valid")))
#: each example runs ``trace REQ-1`` (the shortcut, the reader most easily surprised)
#: and three other ways of reading, so that the default run takes seconds
SOME_VERBS = st.lists(st.integers(1, VERB_COUNT - 1), min_size=3, max_size=3, unique=True).map(
    lambda numbers: [0, *numbers]
)


def test_every_reading_verb_answers_any_json_in_any_field(
    workdir: Path, base: dict[str, Any]
) -> None:
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_reports(base), SOME_VERBS)
    def prop(case: tuple[Any, str], which: list[int]) -> None:
        check_verbs(workdir, *case, which)

    prop()


@pytest.mark.slow
def test_every_reading_verb_answers_any_json_in_any_field_at_length(
    workdir: Path, base: dict[str, Any]
) -> None:
    """Every verb on each example, and many more examples."""

    @settings(
        max_examples=1000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_reports(base))
    def prop(case: tuple[Any, str]) -> None:
        check_verbs(workdir, *case, None)

    prop()


# -- the cases of the issue, and their kin, on every verb ------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
MEGABYTE = 2**20


def _obj(report: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(o for o in report["objects"] if o["id"] == item_id)


def _set(item_id: str, member: str, value: Any) -> Any:
    return lambda r: _obj(r, item_id).__setitem__(member, value)


def _text(old: str, new: str) -> Any:
    """An edit of the report's text, for what JSON can spell but Python will not keep."""
    return (old, new)


# (case, change, what the one line names, whether ``trace REQ-1`` reads that member)
BROKEN = [
    (
        "deep nesting in a field",
        _text('"tags": ["search", "speed"]', '"tags": ' + DEEP),
        "objects[4].fields.tags[0][0]",
        True,
    ),
    (
        "deep nesting in an unknown member",
        _text('"id": "DEC-1", ', '"id": "DEC-1", "x": ' + DEEP + ", "),
        "objects[0].x[0][0]",
        True,
    ),
    ("deep nesting at the top", _text("", DEEP), "[0][0][0]", True),
    ("1 MB of text for links", _set("DEC-1", "links", "x" * MEGABYTE), "objects[0].links", True),
    (
        "a 1 MB link name",
        lambda r: _obj(r, "DEC-1")["links"].__setitem__("y" * MEGABYTE, 5),
        'objects[0].links["yyyyyyyyyy',
        True,
    ),
    ("links as a list", _set("DEC-1", "links", ["REQ-1"]), "objects[0].links", True),
    (
        "a link target that is an object",
        lambda r: _obj(r, "DEC-1")["links"]["addresses"].append({"id": {}}),
        "objects[0].links.addresses[2]",
        True,
    ),
    ("incoming as a list", _set("REQ-1", "incoming", []), "objects[4].incoming", True),
    (
        "a field that is a number",
        lambda r: _obj(r, "REQ-1")["fields"].__setitem__("kind", 3),
        "objects[4].fields.kind",
        True,
    ),
    ("a negative line", _set("DEC-1", "line", -4), "objects[0].line", True),
    (
        "a line of 5,000 digits",
        _text('"line": 19,', '"line": ' + "9" * 5000 + ","),
        "objects[0].line",
        True,
    ),
    ("a lone surrogate", _text('"Fast search"', '"Fast \\ud800search"'), "objects[4].title", True),
    (
        "a finding without a subtype",
        lambda r: r["findings"][1].pop("subtype"),
        "findings[1]",
        False,
    ),
    (
        "a finding whose subtype is not text",
        lambda r: r["findings"][1].__setitem__("subtype", ["untraced"]),
        "findings[1].subtype",
        False,
    ),
    (
        "a finding whose line is text",
        lambda r: r["findings"][1].__setitem__("line", "13"),
        "findings[1].line",
        False,
    ),
    (
        "field choices that are not a list",
        lambda r: r["vocabulary"]["types"]["requirement"]["fields"]["kind"].__setitem__(
            "choices", True
        ),
        "vocabulary.types.requirement.fields.kind.choices",
        True,
    ),
    (
        "a coverage without its percent",
        lambda r: r["coverage"]["requirement"].pop("percent"),
        "coverage.requirement",
        True,
    ),
    (
        "a percent that is NaN",
        _text('"percent": 66.7', '"percent": NaN'),
        "coverage.requirement.percent",
        True,
    ),
    (
        "a percent too large for a float",
        _text('"percent": 66.7', '"percent": 1e400'),
        "coverage.requirement.percent",
        True,
    ),
    ("schema version 0", lambda r: r.__setitem__("schema_version", 0), "schema_version", True),
    ("a generator that is a list", lambda r: r.__setitem__("generator", ["x"]), "generator", True),
    (
        "a negative count of findings",
        lambda r: r["checks"].__setitem__("untraced", -1),
        "checks.untraced",
        False,
    ),
]


@pytest.mark.parametrize(
    ("change", "named", "trace_reads"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_a_broken_member_is_one_line_naming_file_and_place(
    workdir: Path, base: dict[str, Any], change: Any, named: str, trace_reads: bool
) -> None:
    bad = workdir / "broken.json"
    if isinstance(change, tuple):
        old, new = change
        text = codec.dumps(base)
        assert old in text
        bad.write_text(text.replace(old, new, 1) if old else new, encoding="utf-8")
    else:
        report = copy.deepcopy(base)
        change(report)
        write(bad, report)
    with debugging():
        for argv in reading_verbs(bad, workdir / "valid.json"):
            code, err = assert_answers(argv, bad)
            if argv[0] == "trace" and not trace_reads:
                continue  # trace reads only the objects it shows, and answers
            assert code == 2 and named in err, (argv, err)


@pytest.mark.parametrize(
    ("change", "shows"),
    [
        pytest.param(
            lambda r: r["findings"][1].__setitem__("subtype", "brand_new"),
            None,
            id="a subtype of a newer version",
        ),
        pytest.param(
            lambda r: _obj(r, "REQ-1").__setitem__("reviewed", {"by": ["ann"], "on": None}),
            None,
            id="a member this version does not know",
        ),
        pytest.param(_set("REQ-1", "title", "t" * MEGABYTE), "t" * MEGABYTE, id="a 1 MB title"),
        pytest.param(
            lambda r: _obj(r, "DEC-1")["links"].__setitem__("y" * 1000, ["REQ-1"]),
            None,
            id="a long link name",
        ),
        pytest.param(
            lambda r: [o.pop(k) for o in r["objects"] for k in ("type", "links", "traced")],
            None,
            id="objects without type, links or tracing",
        ),
        pytest.param(
            lambda r: [r.pop(k) for k in ("vocabulary", "coverage", "checks", "findings")],
            None,
            id="a report of objects only",
        ),
    ],
)
def test_what_is_merely_unusual_is_read(
    workdir: Path, base: dict[str, Any], change: Any, shows: str | None
) -> None:
    report = copy.deepcopy(base)
    change(report)
    bad = write(workdir / "unusual.json", report)
    with debugging():
        for argv in reading_verbs(bad, workdir / "valid.json"):
            code, _ = run(argv)[:2]
            assert code in (0, 1), argv
    if shows is not None:
        code, out, _ = run(["trace", "REQ-1", "--data", str(bad)])
        assert code == 0 and shows in out


def test_an_unknown_id_names_the_report_it_looked_in(workdir: Path) -> None:
    valid = workdir / "valid.json"
    for verb in ("trace", "impact"):
        code, out, err = run([verb, "REQ-10", "--data", str(valid)])
        assert code == 2 and out == ""
        assert err.startswith(f"designdoc: error: unknown ID 'REQ-10' in {valid} (did you mean")


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--format", "sarif", "--path-prefix", "src/\udcff/"],
        ["export", "--format", "html", "--base-url", "https://example.org/\udcff/"],
        ["export", "--format", "needs", "--needs-version", "1.\udcff"],
        ["check", "CHECKED", "--format", "sarif", "--path-prefix", "\udcff"],
        ["new", "T\udcffitle", "-o", "-"],
        ["new", "Title", "--prefix", "T\udcff", "-o", "-"],
    ],
)
def test_an_argument_that_is_not_text_is_one_line(
    workdir: Path, argv: list[str], tmp_path: Path
) -> None:
    """Bytes of another encoding in an argument reach Python as lone surrogates; those
    that would be written into a report or a page are refused by name."""
    valid = str(workdir / "valid.json")
    argv = [valid if arg == "CHECKED" else arg for arg in argv]
    if argv[0] == "export":
        argv += ["--data", valid]
    for output in (["-o", str(tmp_path / "out")], []) if argv[0] != "new" else ([],):
        with debugging():
            code, out, err = run([*argv, *output])
        assert code == 2 and out == "", err
        assert err.count("\n") == 1 and "not valid UTF-8 text" in err, err


def test_a_report_in_a_folder_named_in_another_encoding_is_linked_to(
    workdir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "b\udcffild"  # the bytes b"b\xffild", as Python names them
    try:
        folder.mkdir()
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system does not take the name")
    shutil.copy(workdir / "valid.json", folder / "designdoc.json")
    target = tmp_path / "report.html"
    with debugging():
        code, _, err = run(
            [
                "export",
                "--format",
                "html",
                "--data",
                str(folder / "designdoc.json"),
                "-o",
                str(target),
            ]
        )
    assert code == 0 and err == ""
    assert 'href="b%FFild/index.html#REQ-1"' in target.read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_data_may_be_a_pipe(workdir: Path) -> None:
    """``designdoc diff <(git show main:designdoc.json) designdoc.json``."""
    valid = workdir / "valid.json"
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as pipe:
        # a report small enough for the pipe's buffer
        pipe.write(json.dumps({"objects": [{"id": "REQ-1", "title": "Piped"}]}).encode())
    try:
        with debugging():
            code, out, err = run(["diff", f"/dev/fd/{read_end}", str(valid), "--json"])
    finally:
        os.close(read_end)
    assert code == 0 and err == "", err
    assert json.loads(out)["retitled"] == [
        {"id": "REQ-1", "before": "Piped", "after": "Fast search"}
    ]
