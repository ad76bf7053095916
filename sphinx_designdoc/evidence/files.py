"""Which source files ``designdoc_code``'s globs name: listed by git where the files are in
a git work tree (so ``.gitignore`` is honoured), else found by walking the folders.

A glob is split into its *base* (the leading folders without wildcards, relative to the
folder of ``conf.py``) and the rest, matched against each file's path under the base:
``*`` and ``?`` never cross a ``/``, ``**`` as a whole segment is any number of folders,
and, as in a shell, a wildcard never matches a name that starts with ``.`` (write the
dot: ``.ci/*.py``).  Nothing outside the base is ever read: a symlink whose real path
leaves the base folder is skipped, a symlinked folder inside it is entered once (no
loops), and a file reached twice is listed once.

Git runs with an argument list, never through a shell, with a timeout, without the
caller's ``GIT_DIR``-like variables (a hook's) and without the repository's fsmonitor
hook; when git is missing, the folder is not in a work tree or git fails, the folders are
walked instead.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: the variables that would point git elsewhere than the repository of the scanned folder
#: (``git rev-parse --local-env-vars``, and the hook variables); the same list as
#: ``cli/gitbase.py``'s
_CALLER_GIT_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
    }
)
#: seconds a git command may take before the folders are walked instead
GIT_TIMEOUT = 60.0
_MAGIC = re.compile(r"[*?\[]")


def _end(name: str) -> bool:
    return False


#: past the last part: matches nothing
_END = _end


def _undotted(matcher: Callable[[str], object]) -> Callable[[str], object]:
    """A wildcard at the start of a name never matches a leading dot, as in a shell."""

    def match(name: str) -> object:
        return name[:1] != "." and matcher(name)

    return match


class Rest:
    """The part of a glob under its base, matched against a posix path one segment at a
    time: a segment with wildcards is read by :func:`fnmatch.translate` (linear: its
    stars never backtrack into each other), ``**`` takes any number of whole segments
    (the classic one-star backtracking, at most segments x parts steps)."""

    __slots__ = ("_parts",)

    def __init__(self, segments: Sequence[str]) -> None:
        parts: list[Callable[[str], object] | None] = []
        for segment in segments:
            if segment == "**":
                if not parts or parts[-1] is not None:
                    parts.append(None)
                continue
            matcher = re.compile(fnmatch.translate(segment)).match
            parts.append(_undotted(matcher) if segment[:1] in ("*", "?", "[") else matcher)
        self._parts = tuple(parts)

    def match(self, path: str) -> bool:
        names = path.split("/")
        parts = self._parts
        p = n = 0
        star = -1
        taken = 0
        while n < len(names):
            part = parts[p] if p < len(parts) else _END
            if part is None:
                star, taken = p, n
                p += 1
            elif part is not _END and part(names[n]):
                p += 1
                n += 1
            elif star >= 0 and names[taken][:1] != ".":
                # "**" takes one more folder (never a dot folder, as in a shell)
                taken += 1
                p, n = star + 1, taken
            else:
                return False
        return all(part is None for part in parts[p:])


@dataclass(frozen=True)
class Glob:
    """One glob of a ``designdoc_code`` entry, split into its base folder and the rest."""

    #: as written in the setting
    text: str
    #: the base folder as the file paths show it: relative to ``conf.py``'s folder, posix,
    #: normalised (``../src``; ``.`` for the folder itself)
    base: str
    #: the rest, matched against a path under the base
    rest: Rest
    #: whether the rest reaches below the base's direct children
    deep: bool
    #: whether the rest names a folder that starts with a dot (else the walk skips them)
    dots: bool


def split_glob(text: str) -> Glob:
    """``../src/**/*.py`` -> base ``../src``, rest ``**/*.py``; the last segment is always
    in the rest, so a glob without wildcards names one file of its base."""
    segments = text.replace("\\", "/").split("/")
    absolute = text.startswith("/")
    cut = len(segments) - 1
    for i, segment in enumerate(segments[:-1]):
        if _MAGIC.search(segment):
            cut = i
            break
    base = "/".join(segments[:cut])
    base = ("/" if absolute and not base else "") + base
    rest = [s for s in segments[cut:] if s not in ("", ".")]
    return Glob(
        text=text,
        base=_posix_norm(base or "."),
        rest=Rest(rest),
        deep=len(rest) > 1 or "**" in rest,
        dots=any(s.startswith(".") for s in rest[:-1]),
    )


def _posix_norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/") if path else "."


def _join(base: str, tail: str) -> str:
    return tail if base == "." else f"{base.rstrip('/')}/{tail}"


@dataclass(frozen=True, slots=True)
class Listed:
    """A file a glob names."""

    #: relative to ``conf.py``'s folder, posix: what tags and problems show
    path: str
    #: the file's real path (symlinks resolved), what it is read and known by
    real: str
    #: the file's path under its repository root (posix), or None outside git
    in_repo: str | None
    #: the repository root (real path), or None outside git
    root: str | None
    #: whether ``path`` is itself a symlink (a file reached through a link and directly
    #: is listed under the direct path)
    link: bool


@dataclass
class Repo:
    """A git work tree, as one scan sees it."""

    root: str
    #: ``HEAD``'s commit, ``""`` before the first commit
    commit: str
    #: the bases (real paths) in it whose files are wanted
    bases: set[str] = field(default_factory=set)
    #: every file git lists under those bases (posix, relative to the root), or None
    #: when ``git ls-files`` failed
    files: list[str] | None = None
    failure: str = ""


class Git:
    """The git program, found once per scan; every failure reads as "no git here"."""

    def __init__(self) -> None:
        self.program = shutil.which("git")
        env = {k: v for k, v in os.environ.items() if k not in _CALLER_GIT_VARIABLES}
        env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
        self.env = env
        self.repos: dict[str, Repo] = {}
        self._where: dict[str, Repo | None] = {}

    def run(self, args: Sequence[str], cwd: str) -> tuple[int, bytes, str]:
        """git's exit status, standard output and first line of complaint."""
        assert self.program is not None
        try:
            done = subprocess.run(
                [self.program, "-c", "core.fsmonitor=false", "--literal-pathspecs", *args],
                cwd=cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=GIT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return -1, b"", f"git {args[0]} took over {GIT_TIMEOUT:g} s"
        except OSError as exc:
            return -1, b"", f"cannot run git: {exc.strerror or exc}"
        said = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()]
        return done.returncode, done.stdout, next((s for s in said if s), "")

    def repo_of(self, folder: str) -> Repo | None:
        """The work tree holding ``folder`` (a real path), and its commit; None without
        git or outside a work tree."""
        if self.program is None:
            return None
        if folder not in self._where:
            code, out, _ = self.run(
                ["rev-parse", "--show-toplevel", "--verify", "-q", "HEAD^{commit}"], folder
            )
            lines = out.decode("utf-8", "surrogateescape").splitlines()
            if code not in (0, 1) or not lines:
                self._where[folder] = None
            else:
                root = os.path.realpath(lines[0])
                repo = self.repos.setdefault(
                    root, Repo(root, lines[1] if code == 0 and len(lines) > 1 else "")
                )
                self._where[folder] = repo
        return self._where[folder]

    def list_files(self, repo: Repo) -> None:
        """``repo.files``: one ``git ls-files`` for every wanted base of the repository,
        tracked and untracked files that ``.gitignore`` does not exclude."""
        specs = sorted({os.path.relpath(b, repo.root).replace(os.sep, "/") for b in repo.bases})
        code, out, said = self.run(
            ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *specs],
            repo.root,
        )
        if code != 0:
            repo.failure = said or f"git ls-files exited with {code}"
            return
        names = out.decode("utf-8", "surrogateescape").split("\0")
        # a nested repository's folder is listed with a final "/"; a file deleted but
        # still in the index is listed, and skipped when it cannot be found
        repo.files = sorted({n for n in names if n and not n.endswith("/")})


def under(real: str, folder: str) -> bool:
    """Whether the real path ``real`` is ``folder`` or inside it."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def listed_in_repo(glob: Glob, base_real: str, repo: Repo) -> Iterator[Listed]:
    """The files of ``repo.files`` that ``glob`` names."""
    assert repo.files is not None
    prefix = os.path.relpath(base_real, repo.root).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    match = glob.rest.match
    for name in repo.files:
        if not name.startswith(prefix):
            continue
        sub = name[len(prefix) :]
        if not match(sub):
            continue
        full = f"{repo.root}{os.sep}{name}"
        real = _real_file(full, base_real)
        if real is None:
            continue
        link = real != full
        in_repo = os.path.relpath(real, repo.root).replace(os.sep, "/") if link else name
        yield Listed(_join(glob.base, sub), real, in_repo, repo.root, link)


def _real_file(path: str, base_real: str) -> str | None:
    """``path``'s real path when it is a regular file inside ``base_real`` (directly or
    through a symlink that stays in it), else None (gone, a folder, a link out)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return path
    if not stat.S_ISLNK(mode):
        return None
    real = os.path.realpath(path)
    if not under(real, base_real) or not Path(real).is_file():
        return None
    return real


def walked(glob: Glob, base_real: str, repo: Repo | None) -> Iterator[Listed]:
    """The files under the base that ``glob`` names, walking its folders with
    :func:`os.scandir`: symlinks followed only while they stay in the base, each real
    folder entered once, ``.git`` folders never (and, unless the glob names a dot
    folder, no folder whose name starts with a dot, which no wildcard matches)."""
    match = glob.rest.match
    seen: set[str] = {base_real}
    # (folder's real path, its path under the base)
    stack: list[tuple[str, str]] = [(base_real, "")]
    while stack:
        real_dir, sub_dir = stack.pop()
        try:
            with os.scandir(real_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            sub = sub_dir + entry.name
            try:
                is_link = entry.is_symlink()
                real = os.path.realpath(entry.path) if is_link else entry.path
                if is_link and not under(real, base_real):
                    continue
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                if entry.name == ".git" or real in seen or not glob.deep:
                    continue
                if entry.name.startswith(".") and not glob.dots:
                    continue
                seen.add(real)
                stack.append((real, sub + "/"))
            elif match(sub) and (not is_link or Path(real).is_file()):
                root = repo.root if repo is not None and under(real, repo.root) else None
                in_repo = None if root is None else os.path.relpath(real, root).replace(os.sep, "/")
                yield Listed(_join(glob.base, sub), real, in_repo, root, is_link)


def first_of_each(files: Iterable[Listed]) -> list[Listed]:
    """One entry per real file, in path order: a file reached through a symlink and
    directly is known by its direct path (else its first)."""
    best: dict[str, Listed] = {}
    for item in files:
        kept = best.get(item.real)
        if kept is None or (kept.link, kept.path) > (item.link, item.path):
            best[item.real] = item
    return sorted(best.values(), key=lambda f: f.path)
