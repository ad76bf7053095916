"""The pull-request recipes of docs/howto.md run as written: their YAML read from the page
with markdown-it (the fences) and PyYAML (the jobs), and each step's shell run in a
repository made the way each CI service checks one out, with its variables set.  Only
what reaches a service (installing, posting a comment, uploading SARIF) is replaced, by a
check of the file it would send."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CONF

yaml = pytest.importorskip("yaml", reason="PyYAML (a dependency of myst-parser) reads the recipes")

ROOT = Path(__file__).resolve().parent.parent
HOWTO = ROOT / "docs" / "howto.md"
SECTION = "Review design changes in a pull request"

BASE = """Design
======

.. requirement:: Fast search
   :id: REQ-1

.. requirement:: Small index
   :id: REQ-2

.. decision:: Use an inverted index
   :id: DEC-1
   :addresses: REQ-1, REQ-2
"""

#: the pull request: DEC-1 no longer addresses REQ-1, which becomes untraced
WORSE = BASE.replace(":addresses: REQ-1, REQ-2", ":addresses: REQ-2")

#: a pull request that makes nothing worse: one more requirement, traced
BETTER = (
    BASE
    + """
.. requirement:: Fuzzy matching
   :id: REQ-3

.. decision:: Use trigrams
   :id: DEC-2
   :addresses: REQ-3
"""
)

GITHUB_SITE = "https://acme.github.io/payments/"
GITLAB_SITE = "https://acme.gitlab.io/payments"


def _section_fences() -> list[str]:
    """The YAML fences under the recipes' heading, in order."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(HOWTO.read_text(encoding="utf-8"))
    inside, fences = False, []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = tokens[index + 1].content == SECTION
        elif inside and token.type == "fence" and token.info.strip() == "yaml":
            fences.append(token.content)
    return fences


def recipe(first_line: str) -> Any:
    """The YAML fence of the section that starts with ``first_line``, parsed."""
    found = [f for f in _section_fences() if f.splitlines()[0].strip() == first_line]
    assert len(found) == 1, f"one fence starting {first_line!r} under {SECTION!r}"
    return yaml.safe_load(found[0])


def github_job() -> dict[str, Any]:
    workflow = recipe("# .github/workflows/design-review.yml")
    (job,) = workflow["jobs"].values()
    return {"workflow": workflow, **job}


def gitlab_job() -> dict[str, Any]:
    config = recipe("# .gitlab-ci.yml")
    return config["design-review"]


# -- the recipes' shape (no build needed) ------------------------------------------


def test_the_github_recipe_asks_for_what_its_steps_need() -> None:
    job = github_job()
    permissions = job["workflow"]["permissions"]
    assert permissions == {
        "contents": "read",
        "pull-requests": "write",
        "security-events": "write",
    }
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    assert "github/codeql-action/upload-sarif" in uses
    for step in job["steps"]:
        # expressions stay out of scripts: a branch name is not shell code
        assert "${{" not in step.get("run", "")


def test_the_gh_alternative_posts_the_same_file() -> None:
    fences = [f for f in _section_fences() if "gh pr comment" in f]
    assert len(fences) == 1
    (step,) = yaml.safe_load(fences[0])
    assert step["run"].count("--body-file comment.md") == 2
    assert "--edit-last" in step["run"]
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_the_gitlab_recipe_runs_in_merge_request_pipelines() -> None:
    job = gitlab_job()
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"]["paths"] == ["comment.md"]
    assert any(line.startswith("git fetch") for line in job["script"])


# -- the recipes run ----------------------------------------------------------------


def _python_env(env: Any) -> dict[str, str]:
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


needs_git = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None,
    reason="the recipes run git in bash, which this machine lacks (.ci/run's has both)",
)


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def ci(tmp_path: Path) -> dict[str, Any]:
    """An ``origin`` (a bare repository) whose ``main`` holds the base design and whose
    branches ``worse`` and ``better`` each change it; the environment the recipes run in
    (``designdoc`` on the PATH, a fresh build cache, git without the user's settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CI_", "GITHUB_"))}
    env = _python_env(env)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "designdoc"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sphinx_designdoc "$@"\n')
    shim.chmod(0o755)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ann",
        GIT_AUTHOR_EMAIL="ann@example.org",
        GIT_COMMITTER_NAME="Ann",
        GIT_COMMITTER_EMAIL="ann@example.org",
    )
    author = tmp_path / "author"
    (author / "docs").mkdir(parents=True)
    git(author, "init", "-q", "-b", "main", env=env)
    (author / "docs" / "conf.py").write_text(CONF, encoding="utf-8")
    (author / "docs" / "index.rst").write_text(BASE, encoding="utf-8")
    git(author, "add", "-A", env=env)
    git(author, "commit", "-q", "-m", "the design", env=env)
    for branch, text in (("worse", WORSE), ("better", BETTER)):
        git(author, "checkout", "-q", "-b", branch, "main", env=env)
        (author / "docs" / "index.rst").write_text(text, encoding="utf-8")
        git(author, "commit", "-q", "-am", branch, env=env)
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(author), str(origin), env=env)
    return {"env": env, "origin": origin, "tmp": tmp_path}


def run_shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step as the runners run it: bash, stopping at the first failing command."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def run_github(
    ci: dict[str, Any], branch: str
) -> tuple[Path, list[tuple[str, int]], list[Path], list[Path]]:
    """The workflow's steps on a checkout of ``branch`` like actions/checkout's with
    ``fetch-depth: 0`` (all branches fetched, the pull request's commit detached)."""
    env = dict(ci["env"])
    env.update(
        GITHUB_ACTIONS="true",
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_BASE_REF="main",
        GITHUB_HEAD_REF=branch,
        GITHUB_REPOSITORY="acme/payments",
        GITHUB_REPOSITORY_OWNER="acme",
    )
    work = ci["tmp"] / f"github-{branch}"
    git(ci["tmp"], "clone", "-q", f"file://{ci['origin']}", str(work), env=env)
    git(work, "checkout", "-q", "--detach", f"origin/{branch}", env=env)
    results: list[tuple[str, int]] = []
    posted: list[Path] = []
    uploaded: list[Path] = []
    for step in github_job()["steps"]:
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == "marocchino/sticky-pull-request-comment":
                posted.append(work / step["with"]["path"])
            elif action == "github/codeql-action/upload-sarif":
                uploaded.append(work / step["with"]["sarif_file"])
            else:
                assert action in ("actions/checkout", "actions/setup-python"), action
            continue
        script = step["run"]
        if "pip install" in script:
            assert '"sphinx-designdoc[myst]"' in script
            continue
        done = run_shell(script, work, env)
        assert done.returncode in (0, 1), (script, done.stderr)
        results.append((script, done.returncode))
    return work, results, posted, uploaded


@needs_git
def test_the_github_recipe_comments_annotates_and_fails_a_worse_design(ci) -> None:
    work, results, posted, uploaded = run_github(ci, "worse")
    assert [code for script, code in results if "--fail-on-regression" not in script] == [0, 0]
    assert [code for script, code in results if "--fail-on-regression" in script] == [1]
    (comment,) = posted
    text = comment.read_text(encoding="utf-8")
    assert "REQ-1" in text
    assert "regression" in text.lower()
    assert GITHUB_SITE in text
    (sarif_path,) = uploaded
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith(".json")
    results_of_runs = [r for run in sarif["runs"] for r in run["results"]]
    assert any("REQ-1" in r["message"]["text"] for r in results_of_runs), results_of_runs
    # the user's checkout is as the pull request left it
    assert git(work, "status", "--porcelain", "--untracked-files=no", env=ci["env"]) == ""


@needs_git
def test_the_github_recipe_passes_a_design_that_is_no_worse(ci) -> None:
    _, results, posted, uploaded = run_github(ci, "better")
    assert [code for _, code in results] == [0, 0, 0]
    text = posted[0].read_text(encoding="utf-8")
    assert "REQ-3" in text
    json.loads(uploaded[0].read_text(encoding="utf-8"))


@needs_git
def test_the_gitlab_recipe_fetches_the_target_and_notes_a_worse_design(ci) -> None:
    env = dict(ci["env"])
    env.update(
        GITLAB_CI="true",
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME="worse",
        CI_MERGE_REQUEST_IID="7",
        CI_PROJECT_ID="42",
        CI_API_V4_URL="https://gitlab.example.org/api/v4",
        CI_PAGES_URL=GITLAB_SITE,
        DESIGN_REVIEW_TOKEN="not-a-token",
    )
    # the runner's clone: shallow, of the merge request's branch alone
    work = ci["tmp"] / "gitlab"
    git(
        ci["tmp"],
        "clone",
        "-q",
        "--depth=1",
        "--branch",
        "worse",
        f"file://{ci['origin']}",
        str(work),
        env=env,
    )
    assert run_shell("git rev-parse --verify --quiet origin/main", work, env).returncode != 0
    job = gitlab_job()
    codes: list[tuple[str, int]] = []
    notes: list[str] = []
    for line in job["script"]:
        if line.startswith("pip install"):
            assert '"sphinx-designdoc[myst]"' in line
            continue
        if line.startswith("curl"):
            assert '"body@comment.md"' in line and "$DESIGN_REVIEW_TOKEN" in line
            notes.append((work / "comment.md").read_text(encoding="utf-8"))
            continue
        done = run_shell(line, work, env)
        assert done.returncode in (0, 1), (line, done.stderr)
        codes.append((line, done.returncode))
    assert [c for line, c in codes if "--fail-on-regression" not in line] == [0, 0]
    assert [c for line, c in codes if "--fail-on-regression" in line] == [1]
    (note,) = notes
    assert "REQ-1" in note and "regression" in note.lower()
    assert GITLAB_SITE in note
    for path in job["artifacts"]["paths"]:
        assert (work / path).is_file()
