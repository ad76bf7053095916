"""A Sphinx source folder built as it is at a git ref: what ``designdoc diff --base REF``
compares the working tree with.

The commit is checked out into a git worktree kept in the build cache, never into the
user's checkout: their uncommitted changes, index and current branch are untouched.  The
worktree and its doctrees are kept between runs (one per repository and source folder),
so the next ref nearby is an incremental build: ``git checkout`` rewrites only the files
that differ, and Sphinx rereads only those.  The report of a commit already built (by
this version of the package) is reused without building: a pull request's every push
compares with the same base.  Submodules are not checked out in it.

Git runs with an argument list, never through a shell; a ref is refused if git could
take it for an option; the caller's ``GIT_DIR``-like variables (a hook's) are dropped so
the repository is the one holding the source folder, and output is read in the C locale.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from .._version import __version__
from ..build import BuildError, _cache_root, build_reports, cache_lock
from ..gitenv import git_environment
from .errors import CLIError

#: how many reports of earlier refs the cache keeps (each is one commit's designdoc.json)
_KEPT_REPORTS = 8


def report_at_ref(
    ref: str,
    srcdir: Path,
    *,
    verbose: bool = False,
    say: Callable[[str], None] | None = None,
) -> Path:
    """The ``designdoc.json`` of ``srcdir`` as it is at git ``ref`` (a branch, tag,
    commit or ``HEAD~1``, resolved in the repository holding ``srcdir``).

    The returned file belongs to that commit alone (a copy made under the cache lock), so
    a second command building another ref at the same time cannot change it under the
    caller.  Every expected failure is a :class:`CLIError` of one line.
    """
    if not ref or ref.startswith("-") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in ref):
        raise CLIError(f"{ref!r} is not a git ref; name a branch, tag or commit")
    git = Git.find()
    source = srcdir.resolve()
    if not source.is_dir():
        raise CLIError(f"no such folder: {srcdir}")
    top = git.toplevel(source)
    relative = source.relative_to(top)
    commit = git.commit_of(ref, top)
    where = relative.as_posix()
    # how messages name the folder: the root of a repository is no "."
    shown = where if where != "." else "the repository root"
    if not git.has_file(top, commit, f"{where}/conf.py" if where != "." else "conf.py"):
        raise CLIError(
            f"{shown} is not a Sphinx source "
            f"folder at {ref} ({commit[:12]}): it has no conf.py there"
        )
    key = hashlib.sha256(f"{top}\0{where}".encode()).hexdigest()[:16]
    root = _cache_root() / "git" / key
    with cache_lock(root / "lock"):
        kept = _kept_report(root / "reports", commit)
        if kept.is_file():
            # a commit's sources are what they were: its report, by this version of the
            # package, is reused (a pull request's next push compares with the same base)
            os.utime(kept)
            if say is not None:
                say(f"using the report of {shown} at {ref} ({commit[:12]}) built before")
            return kept
        worktree = git.checkout(top, root / "worktree", commit)
        if say is not None:
            say(f"building {shown} at {ref} ({commit[:12]})")
        try:
            built = build_reports(
                worktree / relative, root / "out", root / "doctrees", progress=verbose
            )
        except BuildError as exc:
            raise CLIError(f"{shown} at {ref} ({commit[:12]}): {exc}") from None
        return _keep(built, root / "reports", commit)


def _kept_report(folder: Path, commit: str) -> Path:
    """Where a commit's report is kept: named by the package's version too, since
    another version may check (and report) differently."""
    return folder / f"{__version__}-{commit}.json"


def _keep(built: Path, folder: Path, commit: str) -> Path:
    """A copy of the report named by its commit, written whole before it replaces an
    older one, and the oldest copies beyond :data:`_KEPT_REPORTS` removed."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = _kept_report(folder, commit)
    partial = kept.with_name(kept.name + ".partial")
    shutil.copyfile(built, partial)
    partial.replace(kept)
    reports = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in reports[_KEPT_REPORTS:]:
        if old != kept:
            old.unlink(missing_ok=True)
    return kept


def _fetch_hint(ref: str, remotes: Sequence[str]) -> str:
    """The fetch that makes ``ref`` resolve in a shallow clone.  A clone made with
    ``--depth`` fetches one branch only, so ``git fetch origin main`` would not update
    ``origin/main``: a remote-tracking ref is fetched with its full refspec."""
    remote, _, branch = ref.partition("/")
    if branch and remote in remotes:
        return f"git fetch --depth=1 {remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}"
    if any(mark in ref for mark in ("~", "^", "@{", ":")):
        return "git fetch --unshallow"
    if len(ref) == 40 and all(c in "0123456789abcdef" for c in ref.lower()):
        return f"git fetch --depth=1 origin {ref}"
    return f"git fetch --depth=1 origin {ref}:{ref}"


class Git:
    """The git program, run with a clean environment on argument lists."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.env = git_environment(GIT_PAGER="cat", PAGER="cat", GIT_ADVICE="0")

    @classmethod
    def find(cls) -> Git:
        program = shutil.which("git")
        if program is None:
            raise CLIError("--base needs git, which is not installed (or not on PATH)")
        return cls(program)

    def run(self, args: Sequence[str], cwd: Path, *, check: bool = True) -> str:
        """git's standard output, stripped; a failure raises :class:`CLIError` with
        git's first line of complaint (``check``) or returns ``""``."""
        try:
            done = subprocess.run(
                # hooks of the user's repository are theirs to run on their checkouts,
                # not on the cache's
                [self.program, "-c", "core.hooksPath=" + os.devnull, *args],
                cwd=cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                check=False,
            )
        except OSError as exc:
            raise CLIError(f"cannot run git: {exc.strerror or exc}") from None
        if done.returncode != 0:
            if not check:
                return ""
            said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            raise CLIError(f"git {args[0]} failed: {said[0] if said else done.returncode}")
        return done.stdout.strip()

    def toplevel(self, folder: Path) -> Path:
        top = self.run(["rev-parse", "--show-toplevel"], folder, check=False)
        if not top:
            raise CLIError(f"{folder} is not in a git repository; --base compares with a git ref")
        resolved = Path(top).resolve()
        if not folder.is_relative_to(resolved):  # pragma: no cover - git says it is
            raise CLIError(f"{folder} is not inside its repository {resolved}")
        return resolved

    def commit_of(self, ref: str, top: Path) -> str:
        commit = self.run(
            ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, check=False
        )
        if commit:
            return commit
        shallow = self.run(["rev-parse", "--is-shallow-repository"], top, check=False)
        if shallow == "true":
            remotes = self.run(["remote"], top, check=False).split()
            raise CLIError(
                f"{ref} is not in this shallow clone; fetch it, e.g. {_fetch_hint(ref, remotes)}"
            )
        raise CLIError(f"unknown git ref {ref!r} in {top}: name a branch, tag or commit")

    def has_file(self, top: Path, commit: str, path: str) -> bool:
        kind = self.run(["cat-file", "-t", f"{commit}:{path}"], top, check=False)
        return kind == "blob"

    def checkout(self, top: Path, path: Path, commit: str) -> Path:
        """``path``, a detached worktree of ``top``'s repository at ``commit``: the one
        kept from an earlier run when git still knows it, else made anew."""
        if path.is_dir() and self._is_worktree_of(top, path):
            self.run(["checkout", "--quiet", "--detach", "--force", commit], path, check=False)
            if self._head(path) == commit:
                self.run(["clean", "-ffdxq"], path, check=False)
                return path
        # deleted, pruned, broken or another repository's: start again
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
        self.run(["worktree", "prune"], top, check=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run(["worktree", "add", "--quiet", "--detach", "--force", str(path), commit], top)
        return path

    def _head(self, path: Path) -> str:
        return self.run(["rev-parse", "--verify", "--quiet", "HEAD"], path, check=False)

    def _is_worktree_of(self, top: Path, path: Path) -> bool:
        """Whether git knows ``path`` as a worktree of ``top``'s repository and git run in
        it works there, not in a repository around the cache folder (a home folder kept
        in git): only then may it be checked out by force and cleaned."""
        if not (path / ".git").is_file():
            return False
        here = self.run(["rev-parse", "--show-toplevel"], path, check=False)
        if not here or Path(here).resolve() != path.resolve():
            return False
        listing = self.run(["worktree", "list", "--porcelain"], top, check=False)
        known = {
            Path(line[len("worktree ") :]).resolve()
            for line in listing.splitlines()
            if line.startswith("worktree ")
        }
        return path.resolve() in known
