"""What the code scanner's tests share: trees beside a ``docs/`` folder, git as a test
runs it, and scans of them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sphinx_designdoc.evidence import code
from sphinx_designdoc.evidence.code import code_entries, scan_code

requires_git = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed: .gitignore is read by git"
)
OFT = r"\[(?P<kind>impl)->dsn~(?P<id>[\w.-]+)~\d+\]"


def git(cwd: Path, *args: str) -> str:
    """git as a test runs it: a fixed identity, no user or system configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="Ann",
        GIT_AUTHOR_EMAIL="ann@example.org",
        GIT_COMMITTER_NAME="Ann",
        GIT_COMMITTER_EMAIL="ann@example.org",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A project: ``docs/`` (the folder of conf.py) beside ``src/`` holding ``files``;
    git never looks above ``tmp_path``."""
    write(tmp_path / "src", files)
    (tmp_path / "docs").mkdir()
    return tmp_path / "docs"


@pytest.fixture(autouse=True)
def no_git_above(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test's tree is a work tree only where the test makes one."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


def scan(docs: Path, *entries: dict[str, object], cache: Path | None = None) -> code.CodeScan:
    return scan_code(code_entries(list(entries)), docs, cache)


def found(result: code.CodeScan) -> list[tuple[str, str, str, int]]:
    return [(t.id, t.kind, t.path, t.line) for t in result.tags]
