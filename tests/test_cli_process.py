"""The command as users start it: the console script, ``python -m``, in fresh processes.

Also checks that the reading verbs keep Sphinx and docutils out of the process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def data(built: Path) -> Path:
    return built / "designdoc.json"


def _env() -> dict[str, str]:
    # this checkout's package first, whatever else is installed
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    env.pop("NO_COLOR", None)
    return env


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=cwd, timeout=120)


def test_python_dash_m(data: Path) -> None:
    proc = _run([sys.executable, "-m", "sphinx_designdoc", "trace", "REQ-1", "--data", str(data)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("REQ-1  Fast search") and "\033[" not in proc.stdout
    proc = _run([sys.executable, "-m", "sphinx_designdoc", "trace", "REQ-9", "--data", str(data)])
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"designdoc: error: unknown ID 'REQ-9' in {data} (did you mean 'REQ-")


@pytest.mark.skipif(shutil.which("designdoc") is None, reason="designdoc is not installed")
def test_console_script_every_verb(data: Path, tmp_path: Path) -> None:
    exe = shutil.which("designdoc")
    assert exe is not None
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    cases = [
        (["trace", "DEP-1", "--data", str(data), "--json"], 0),
        (["impact", "REQ-2", "--data", str(data)], 0),
        (["check", str(src), "--format", "sarif"], 1),
        (["diff", str(data), str(data), "--fail-on-regression"], 0),
        (["export", "--format", "csv", "--data", str(data)], 0),
        (["new", "Thing", "-o", "-"], 0),
        (["--help"], 0),
    ]
    for args, expected in cases:
        proc = _run([exe, *args])
        assert proc.returncode == expected, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert (
        json.loads(_run([exe, "trace", "DEP-1", "--data", str(data), "--json"]).stdout)["object"][
            "id"
        ]
        == "DEP-1"
    )
    for args, needle in [
        (["trace", "X", "--data", str(tmp_path / "missing.json")], "no such file or folder"),
        (["check", str(tmp_path)], "neither designdoc.json nor conf.py"),
        (["export", "--format", "pdf"], "invalid choice"),
    ]:
        proc = _run([exe, *args])
        assert proc.returncode == 2 and proc.stdout == ""
        assert len(proc.stderr.splitlines()) == 1 and needle in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["trace", "REQ-1"],
        ["trace", "REQ-1", "--json"],
        ["impact", "DEC-3"],
        ["export", "--format", "md"],
        ["export", "--format", "sarif"],
        ["export", "--format", "needs"],
        ["trace", "NOPE"],
    ],
)
def test_reading_verbs_do_not_import_sphinx_or_docutils(data: Path, argv: list[str]) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from sphinx_designdoc.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({[*argv, '--data', str(data)]!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils'))\n"
        "print(heavy)\n"
    )
    proc = _run([sys.executable, "-c", code])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
