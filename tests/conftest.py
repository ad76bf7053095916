"""Shared fixtures: Sphinx's own testing plugin, with roots under ``tests/roots``."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.util.console import strip_colors

pytest_plugins = ["sphinx.testing.fixtures"]
collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of ``test-reports`` built once for the whole run (its source is
    ``src`` beside it): for tests that only read it (the export test adds its ``out.*``
    files beside ``designdoc.json``, which no other test reads).  A test that changes a
    build makes its own."""
    from sphinx_designdoc.build import build_reports

    tmp = tmp_path_factory.mktemp("reports")
    shutil.copytree(ROOTS / "test-reports", tmp / "src")
    build_reports(tmp / "src", tmp / "out", tmp / "doctrees")
    return tmp / "out"


@pytest.fixture
def data(built: Path) -> str:
    """The shared ``test-reports`` build's ``designdoc.json``, as ``--data`` takes it."""
    return str(built / "designdoc.json")


@pytest.fixture
def plain_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The command as a pipe sees it (no colour forced either way) with a cache of its
    own, so no test reads another's build."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="session")
def answers_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``test-basic`` with naturally ordered IDs and a dependency URL, built once and
    read as a report dict, for tests that only read it."""
    from sphinx_designdoc.build import build_reports

    tmp = tmp_path_factory.mktemp("answers")
    src = tmp / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    with (src / "index.rst").open("a", encoding="utf-8") as fh:
        for number in (20, 3, 100):
            fh.write(f"\n.. requirement:: Number {number}\n   :id: REQ-{number}\n")
    with (src / "decisions.rst").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n.. dependency:: requests\n   :id: DEP-URL\n   :url: https://example.org/requests\n"
        )
    path = build_reports(src, tmp / "out", tmp / "doctrees")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The hostile corpus, each (configuration, builder) built once for the whole run, on
    first use (``hostile_helpers.Builds``): for the test_safety_* modules, which only read
    them."""
    from hostile_helpers import Builds

    return Builds(tmp_path_factory)


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[..., Path]:
    """A private, editable copy of a test root (for incremental builds that edit files)."""

    def _copy(name: str, dest_name: str | None = None) -> Path:
        dest = tmp_path / (dest_name or name)
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return _copy


def touch_later(path: Path) -> None:
    """Make sure Sphinx sees an edit even on coarse file-system clocks, and that the build
    after next sees none.  A write takes its time from a clock coarser than the one Sphinx
    stamps a read with, so it can be earlier than the last read: the file gets the time of
    now to the nanosecond instead.  A file system that keeps only whole seconds gets the
    next second but one, and we wait for it, so that no later read is before it."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    if path.stat().st_mtime_ns != now:
        later = now // 1_000_000_000 + 2
        os.utime(path, (later, later))
        time.sleep(max(0.0, later - time.time()))


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a source file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    touch_later(path)


#: the conf.py of a small project written by a test
CONF = 'extensions = ["sphinx_designdoc"]\nshow_warning_types = True\n'


def write_project(src: Path, files: dict[str, str], conf: str = CONF) -> Path:
    """A small project of the given files (name -> text) and ``conf``, in ``src``."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def load_report(outdir: Path | str) -> dict[str, Any]:
    return json.loads((Path(outdir) / "designdoc.json").read_text(encoding="utf-8"))


def warnings_of(app: Any) -> list[str]:
    """The warning lines of a test build, without colour codes."""
    text = strip_colors(app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line]


def find_warning(warnings: list[str], location: str, subtype: str, fragment: str) -> str:
    """The one warning at ``location`` of ``designdoc.<subtype>`` that says ``fragment``."""
    for line in warnings:
        if location in line and line.endswith(f"[designdoc.{subtype}]") and fragment in line:
            return line
    raise AssertionError(
        f"no {subtype} warning at {location} with {fragment!r} in:\n" + "\n".join(warnings)
    )


def requires_sphinx_needs() -> Any:
    """Skip unless the sphinx-needs that the bridge and the ``needs`` export target is
    installed (9.1 and newer; it needs Python 3.11)."""
    return pytest.importorskip("sphinx_needs", minversion="9.1", reason="needs sphinx-needs 9.1+")


#: Graphviz's dot is a system program: tests that draw graphs skip without it (the
#: README's test command passes on a machine with Python only), and .ci/run installs it
requires_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="needs Graphviz's dot program (apt-get install graphviz); .ci/run installs it",
)
