"""``report_at_ref``: a source folder built as it is at a git ref, in a worktree kept in
the build cache, with the user's checkout left alone.  Every test makes tiny throw-away
repositories; each has a cache of its own (``XDG_CACHE_HOME``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from code_helpers import git
from conftest import CONF

from sphinx_designdoc.cli.errors import CLIError
from sphinx_designdoc.cli.gitbase import report_at_ref

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed: --base builds from git"
)

INDEX = """Design
======

.. requirement:: Fast search
   :id: REQ-1

.. decision:: Use an index
   :id: DEC-1
   :addresses: REQ-1
"""

OTHER = """Other
=====

.. toctree::

.. requirement:: {title}
   :id: REQ-2
"""


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def write_docs(docs: Path, title: str) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "index.rst").write_text(INDEX, encoding="utf-8")
    (docs / "other.rst").write_text(OTHER.format(title=title), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose ``docs`` folder's REQ-2 is titled "Version 1" at tag v1 and at
    ``HEAD~1``, "Version 2" at HEAD (branch main), and "Version 3" in the working tree,
    uncommitted.  The first commit has no docs folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("a project\n", encoding="utf-8")
    commit_all(repo, "start")
    write_docs(repo / "docs", "Version 1")
    commit_all(repo, "version 1")
    git(repo, "tag", "v1")
    write_docs(repo / "docs", "Version 2")
    commit_all(repo, "version 2")
    write_docs(repo / "docs", "Version 3")
    return repo


def titles(report: Path) -> dict[str, str]:
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return {o["id"]: o["title"] for o in data["objects"]}


def worktrees(repo: Path) -> list[str]:
    listing = git(repo, "worktree", "list", "--porcelain")
    return [line.split(" ", 1)[1] for line in listing.splitlines() if line.startswith("worktree ")]


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain", "--untracked-files=all")


def test_builds_the_folder_as_it_is_at_a_ref(repo: Path) -> None:
    said: list[str] = []
    report = report_at_ref("HEAD~1", repo / "docs", say=said.append)
    assert titles(report) == {"REQ-1": "Fast search", "DEC-1": "Use an index", "REQ-2": "Version 1"}
    head = git(repo, "rev-parse", "HEAD~1")
    assert said == [f"building docs at HEAD~1 ({head[:12]})"]
    assert titles(report_at_ref("HEAD", repo / "docs"))["REQ-2"] == "Version 2"
    # the working tree still says what the user wrote
    assert "Version 3" in (repo / "docs" / "other.rst").read_text(encoding="utf-8")


def test_a_tag_a_branch_and_a_commit_name_refs(repo: Path) -> None:
    git(repo, "branch", "feature", "HEAD~1")
    assert titles(report_at_ref("v1", repo / "docs"))["REQ-2"] == "Version 1"
    assert titles(report_at_ref("main", repo / "docs"))["REQ-2"] == "Version 2"
    assert titles(report_at_ref("feature", repo / "docs"))["REQ-2"] == "Version 1"
    full = git(repo, "rev-parse", "HEAD")
    assert titles(report_at_ref(full, repo / "docs"))["REQ-2"] == "Version 2"


def test_a_folder_given_from_inside_the_repository_is_found(repo: Path) -> None:
    (repo / "docs" / "sub").mkdir()
    report = report_at_ref("v1", repo / "docs" / "sub" / "..")
    assert titles(report)["REQ-2"] == "Version 1"


def test_the_worktree_is_kept_and_the_next_ref_is_incremental(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    report_at_ref("v1", repo / "docs")
    kept = [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()]
    assert len(kept) == 1
    capfd.readouterr()
    # v1 -> main changes other.rst only: the same worktree, and only that page reread
    report = report_at_ref("main", repo / "docs", verbose=True)
    _, err = capfd.readouterr()
    assert "0 added, 1 changed, 0 removed" in err, err
    assert [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()] == kept
    assert titles(report)["REQ-2"] == "Version 2"


def test_a_report_of_each_ref_stays_what_it_was(repo: Path) -> None:
    """A second ref's build does not rewrite the file returned for the first."""
    first = report_at_ref("v1", repo / "docs")
    second = report_at_ref("main", repo / "docs")
    assert first != second
    assert titles(first)["REQ-2"] == "Version 1"
    assert titles(second)["REQ-2"] == "Version 2"


def _forget_reports(worktree: str) -> None:
    """Drop the reports kept per commit, so the next call builds again."""
    shutil.rmtree(Path(worktree).parent / "reports", ignore_errors=True)


def test_a_deleted_or_pruned_worktree_is_made_again(repo: Path) -> None:
    report_at_ref("v1", repo / "docs")
    (kept,) = [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()]
    shutil.rmtree(kept)
    assert titles(report_at_ref("main", repo / "docs"))["REQ-2"] == "Version 2"
    shutil.rmtree(kept)
    git(repo, "worktree", "prune")
    _forget_reports(kept)
    assert titles(report_at_ref("v1", repo / "docs"))["REQ-2"] == "Version 1"
    # a folder git no longer knows as its worktree (its admin files gone)
    (Path(kept) / ".git").unlink()
    _forget_reports(kept)
    assert titles(report_at_ref("main", repo / "docs"))["REQ-2"] == "Version 2"
    assert len(worktrees(repo)) == 2


def test_a_commit_built_before_is_not_built_again(repo: Path) -> None:
    first = report_at_ref("v1", repo / "docs")
    (kept,) = [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()]
    shutil.rmtree(kept)  # nothing to build with: the kept report must be what is read
    said: list[str] = []
    again = report_at_ref("v1", repo / "docs", say=said.append)
    assert again == first and titles(again)["REQ-2"] == "Version 1"
    assert said == [
        f"using the report of docs at v1 ({again.stem.split('-')[-1][:12]}) built before"
    ]
    assert not Path(kept).exists()


def test_files_left_in_the_worktree_do_not_reach_the_next_build(repo: Path) -> None:
    report_at_ref("v1", repo / "docs")
    (kept,) = [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()]
    stray = Path(kept) / "docs" / "stray.rst"
    stray.write_text("Stray\n=====\n\n.. requirement:: Stray\n   :id: REQ-9\n", encoding="utf-8")
    (Path(kept) / "docs" / "other.rst").write_text("edited\n", encoding="utf-8")
    _forget_reports(kept)
    assert set(titles(report_at_ref("v1", repo / "docs"))) == {"REQ-1", "DEC-1", "REQ-2"}
    assert not stray.exists()


def test_the_users_checkout_is_untouched(repo: Path) -> None:
    (repo / "docs" / "new.rst").write_text("untracked\n", encoding="utf-8")
    git(repo, "add", "docs/index.rst")  # staged and unstaged changes both
    (repo / "docs" / "index.rst").write_text(INDEX + "\nmore\n", encoding="utf-8")
    before = status(repo), git(repo, "rev-parse", "HEAD"), git(repo, "branch", "--show-current")
    stash = git(repo, "stash", "list")
    report_at_ref("v1", repo / "docs")
    report_at_ref("HEAD", repo / "docs")
    after = status(repo), git(repo, "rev-parse", "HEAD"), git(repo, "branch", "--show-current")
    assert after == before
    assert git(repo, "stash", "list") == stash
    assert (repo / "docs" / "index.rst").read_text(encoding="utf-8").endswith("more\n")
    assert "Version 3" in (repo / "docs" / "other.rst").read_text(encoding="utf-8")


def test_a_callers_git_variables_do_not_lead_git_elsewhere(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a git hook, which runs with GIT_DIR and GIT_INDEX_FILE set."""
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    assert titles(report_at_ref("v1", repo / "docs"))["REQ-2"] == "Version 1"


def test_hooks_of_the_repository_do_not_run_in_the_cache(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "post-checkout"
    marker = repo.parent / "hook-ran"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n", encoding="utf-8")
    hook.chmod(0o755)
    report_at_ref("v1", repo / "docs")
    report_at_ref("main", repo / "docs")
    assert not marker.exists()


def one_line_error(ref: str, srcdir: Path, *needles: str) -> str:
    with pytest.raises(CLIError) as caught:
        report_at_ref(ref, srcdir)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    for needle in needles:
        assert needle in message, message
    return message


def test_an_unknown_ref_is_one_line(repo: Path) -> None:
    one_line_error("no-such-branch", repo / "docs", "unknown git ref 'no-such-branch'")
    one_line_error("HEAD~99", repo / "docs", "unknown git ref 'HEAD~99'")


@pytest.mark.parametrize("ref", ["-x", "--output=/tmp/owned", "-", "", "main\nx", "v1\x1b[2J"])
def test_a_ref_git_could_read_as_an_option_is_refused(repo: Path, ref: str) -> None:
    one_line_error(ref, repo / "docs", "is not a git ref")
    assert not Path("/tmp/owned").exists() or ref != "--output=/tmp/owned"


def test_a_ref_with_shell_characters_is_only_a_name(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    one_line_error(f"main; touch {marker}", repo / "docs", "unknown git ref")
    one_line_error(f"$(touch {marker})", repo / "docs", "unknown git ref")
    assert not marker.exists()


def test_a_folder_outside_any_repository_is_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    docs = tmp_path / "plain" / "docs"
    write_docs(docs, "Version 1")
    one_line_error("HEAD", docs, "is not in a git repository")
    one_line_error("HEAD", tmp_path / "missing", "no such folder")


def test_a_folder_that_did_not_exist_at_the_ref_is_one_line(repo: Path) -> None:
    one_line_error("HEAD~2", repo / "docs", "docs is not a Sphinx source folder at HEAD~2")


def test_a_project_that_does_not_build_at_the_ref_is_one_line(repo: Path) -> None:
    (repo / "docs" / "conf.py").write_text("raise ValueError('broken\\nconf')\n", encoding="utf-8")
    commit_all(repo, "broken conf")
    one_line_error("HEAD", repo / "docs", "docs at HEAD", "ValueError: broken")
    # and the next good ref builds in the same worktree
    assert titles(report_at_ref("v1", repo / "docs"))["REQ-2"] == "Version 1"


def test_git_missing_is_one_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    one_line_error("HEAD", repo / "docs", "needs git, which is not installed")


def test_a_ref_missing_from_a_shallow_clone_says_how_to_fetch_it(
    repo: Path, tmp_path: Path
) -> None:
    git(repo, "branch", "feature", "v1")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    message = one_line_error("HEAD~1", clone / "docs", "HEAD~1 is not in this shallow clone")
    assert message.endswith("git fetch --unshallow")
    # a clone of one branch knows no origin/feature: the hint fetches its refspec
    message = one_line_error(
        "origin/feature", clone / "docs", "origin/feature is not in this shallow clone"
    )
    hint = message.split("e.g. ", 1)[1]
    assert hint == "git fetch --depth=1 origin +refs/heads/feature:refs/remotes/origin/feature"
    git(clone, *hint.split()[1:])
    assert titles(report_at_ref("origin/feature", clone / "docs"))["REQ-2"] == "Version 1"


def test_two_commands_at_once_take_turns(repo: Path) -> None:
    """Two processes building two refs of one project: each gets its own ref's report."""
    code = (
        "import sys, json; from pathlib import Path\n"
        "from sphinx_designdoc.cli.gitbase import report_at_ref\n"
        "path = report_at_ref(sys.argv[1], Path(sys.argv[2]))\n"
        "data = json.loads(path.read_text(encoding='utf-8'))\n"
        "print([o['title'] for o in data['objects'] if o['id'] == 'REQ-2'][0])\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, ref, str(repo / "docs")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ref in ("v1", "main", "v1", "main")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert [out.strip() for out, _ in outputs] == ["Version 1", "Version 2"] * 2
    assert len(worktrees(repo)) == 2


def test_a_broken_worktree_in_a_cache_inside_a_repository_never_touches_that_one(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder inside a repository (a home folder kept in git; here, the user's
    own): a kept worktree that lost its ``.git`` file would let git find the repository
    around it, which must not be checked out by force or cleaned."""
    (repo / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    commit_all(repo, "ignore the cache")
    write_docs(repo / "docs", "Version 3")
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
    report_at_ref("v1", repo / "docs")
    (kept,) = [w for w in worktrees(repo) if Path(w).resolve() != repo.resolve()]
    (Path(kept) / ".git").unlink()
    before = status(repo), git(repo, "rev-parse", "HEAD")
    assert titles(report_at_ref("HEAD~1", repo / "docs"))["REQ-2"] == "Version 2"
    assert (status(repo), git(repo, "rev-parse", "HEAD")) == before
    assert "Version 3" in (repo / "docs" / "other.rst").read_text(encoding="utf-8")
