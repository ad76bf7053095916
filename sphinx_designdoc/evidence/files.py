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
from typing import NamedTuple

from ..gitenv import git_environment

#: seconds a git command may take before the folders are walked instead
GIT_TIMEOUT = 60.0
_MAGIC = re.compile(r"[*?\[]")


def _in_any_folder(name_match: Callable[[str], object]) -> Callable[[str], bool]:
    def match(path: str) -> bool:
        cut = path.rfind("/")
        if cut < 0:
            return bool(name_match(path))
        return path[0] != "." and path.find("/.", 0, cut) < 0 and bool(name_match(path[cut + 1 :]))

    return match


class Rest:
    """The part of a glob under its base, matched against a posix path one name at a
    time: a name pattern with wildcards is read by :func:`fnmatch.translate` (linear: its
    stars never backtrack into each other), and ``**`` takes any number of whole names.
    The names are run through the glob as a set of states (no backtracking at all), and
    the states after each folder are kept, so the files of one folder cost one name
    match each."""

    __slots__ = ("_folders", "_parts", "_start", "_tail", "deep", "dots", "match", "name")

    def __init__(self, segments: Sequence[str]) -> None:
        #: whether it reaches below the base's direct children
        self.deep = len(segments) > 1 or "**" in segments
        #: whether it names a folder that starts with a dot (else a walk skips them)
        self.dots = any(s.startswith(".") for s in segments[:-1])
        parts: list[Callable[[str], object] | None] = []
        names: list[str] = []
        for segment in segments:
            if segment == "**":
                if not parts or parts[-1] is not None:
                    parts.append(None)
                continue
            # a wildcard at the start of a name never matches a leading dot, as in a shell
            undotted = r"(?!\.)" if segment[:1] in ("*", "?", "[") else ""
            names.append(undotted + fnmatch.translate(segment))
            parts.append(re.compile(names[-1]).match)
        self._parts = tuple(parts)
        #: the name's pattern when the glob is ``**/<name>`` (see :func:`matcher`)
        self.name: str | None = None
        #: whether every part from this one on is "**" (then the end is reached)
        self._tail = tuple(all(p is None for p in parts[k:]) for k in range(len(parts) + 1))
        self._start = self._closure({0})
        self._folders: dict[str, frozenset[int]] = {"": self._start}
        #: whether the glob names ``path`` (a posix path under the base)
        self.match: Callable[[str], bool] = self._match
        if len(parts) == 2 and parts[0] is None and parts[1] is not None:
            # "**/<name>", the usual shape: any folders but dot ones, then the name
            self.match = _in_any_folder(parts[1])
            self.name = names[-1]

    def _closure(self, states: set[int]) -> frozenset[int]:
        """``states`` and every state reached from them by a ``**`` taking nothing."""
        parts = self._parts
        out = set(states)
        for p in sorted(states):
            while p < len(parts) and parts[p] is None:
                p += 1
                out.add(p)
        return frozenset(out)

    def _step(self, states: frozenset[int], name: str) -> frozenset[int]:
        parts = self._parts
        after: set[int] = set()
        for p in states:
            if p == len(parts):
                continue
            part = parts[p]
            if part is None:
                if name[:1] != ".":  # "**" never takes a dot folder, as in a shell
                    after.add(p)
            elif part(name):
                after.add(p + 1)
        return self._closure(after) if after else frozenset()

    def _folder(self, folder: str) -> frozenset[int]:
        states = self._folders.get(folder)
        if states is not None:
            return states
        states, prefix = self._start, ""
        for name in folder.split("/"):
            prefix = f"{prefix}/{name}" if prefix else name
            known = self._folders.get(prefix)
            if known is None:
                known = self._step(states, name) if states else states
                self._folders[prefix] = known
            states = known
        return states

    def _match(self, path: str) -> bool:
        folder, _, name = path.rpartition("/")
        parts, tail = self._parts, self._tail
        for p in self._folder(folder):
            if p == len(parts):
                continue
            part = parts[p]
            if part is None:
                if tail[p] and name[:1] != ".":
                    return True
            elif tail[p + 1] and part(name):
                return True
        return False


def matcher(rests: Sequence[Rest]) -> Callable[[str], tuple[int, ...]]:
    """Which of ``rests`` name a path.  When they all have the usual shape
    (``**/*.py``, ``**/*.c``...), one expression answers for all of them: each name
    pattern in a lookahead that captures when it matches (each linear, so the whole is)."""
    if len(rests) > 1 and all(rest.name is not None for rest in rests):
        combined = re.compile(
            "".join(f"(?:(?=(?P<g{i}>{rest.name}))|)" for i, rest in enumerate(rests))
        ).match

        def which(path: str) -> tuple[int, ...]:
            cut = path.rfind("/")
            if cut >= 0 and (path[0] == "." or path.find("/.", 0, cut) >= 0):
                return ()
            found = combined(path, cut + 1)
            if found is None:  # pragma: no cover - the expression matches every text
                return ()
            return tuple([i for i, group in enumerate(found.groups()) if group is not None])

        return which
    matchers = list(enumerate(rest.match for rest in rests))
    return lambda path: tuple([i for i, match in matchers if match(path)])


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
    )


def _posix_norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/") if path else "."


def _join(base: str, tail: str) -> str:
    return tail if base == "." else f"{base.rstrip('/')}/{tail}"


class Listed(NamedTuple):
    """A file a glob names (a named tuple: one is made for every file of a scan)."""

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
    #: the real file's size and modification time, as the listing saw them
    size: int
    mtime_ns: int


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
        self.env = git_environment(GIT_OPTIONAL_LOCKS="0")
        self.repos: dict[str, Repo] = {}
        self._where: dict[str, Repo | None] = {}
        #: folders git would not answer for, and what it said
        self.refusals: dict[str, str] = {}

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
            code, out, said = self.run(
                ["rev-parse", "--show-toplevel", "--verify", "-q", "HEAD^{commit}"], folder
            )
            lines = out.decode("utf-8", "surrogateescape").splitlines()
            if code not in (0, 1) or not lines:
                self._where[folder] = None
                if "not a git repository" not in said:
                    # a work tree git will not read (owned by another user: "dubious
                    # ownership"), or git failing: worth saying, .gitignore is not read
                    self.refusals[folder] = said or f"git rev-parse exited with {code}"
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


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


def under(real: str, folder: str) -> bool:
    """Whether the real path ``real`` is ``folder`` or inside it."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def listed(
    base: str, base_real: str, repo: Repo | None, rests: Sequence[Rest]
) -> list[tuple[Listed, tuple[int, ...]]]:
    """The files under one base folder that any of ``rests`` names, each with the
    indices of the ones that name it: from git's list when ``repo`` has one, else
    from a walk.  Each file is looked at (``lstat``) once, however many globs name it."""
    out: list[tuple[Listed, tuple[int, ...]]] = []
    if repo is not None and repo.files is not None:
        candidates: Iterable[tuple[str, str]] = _in_repo(base_real, repo)
        inside = repo.root
    else:
        deep = any(rest.deep for rest in rests)
        dots = any(rest.dots for rest in rests)
        candidates = _walked(base_real, deep, dots)
        inside = ""
    which_of = matcher(rests)
    for sub, path in candidates:
        which = which_of(sub)
        if not which:
            continue
        found = _regular_file(path, base_real)
        if found is None:
            continue
        real, st = found
        if repo is None:
            root = in_repo = None
        elif real is path and inside:  # listed by git: the path under the root is known
            root, in_repo = repo.root, _posix(path[len(repo.root) + 1 :])
        else:
            root = repo.root if under(real, repo.root) else None
            in_repo = None if root is None else _posix(real[len(root) + 1 :])
        item = Listed(
            _join(base, sub), real, in_repo, root, real != path, st.st_size, st.st_mtime_ns
        )
        out.append((item, which))
    return out


def _in_repo(base_real: str, repo: Repo) -> Iterator[tuple[str, str]]:
    """(path under the base, full path) of each file git lists under the base."""
    assert repo.files is not None
    prefix = os.path.relpath(base_real, repo.root).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    for name in repo.files:
        if name.startswith(prefix):
            yield name[len(prefix) :], f"{repo.root}{os.sep}{name}"


def _regular_file(path: str, base_real: str) -> tuple[str, os.stat_result] | None:
    """``path``'s real path and status when it is a regular file inside ``base_real``
    (directly or through a symlink that stays in it), else None (gone, a folder, a
    link out)."""
    try:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            return path, st
        if not stat.S_ISLNK(st.st_mode):
            return None
        real = os.path.realpath(path)
        if not under(real, base_real):
            return None
        st = os.lstat(real)
    except OSError:
        return None
    return (real, st) if stat.S_ISREG(st.st_mode) else None


def _walked(base_real: str, deep: bool, dots: bool) -> Iterator[tuple[str, str]]:
    """(path under the base, path) of each file under the base, walking its
    folders with :func:`os.scandir`: symlinks followed only while they stay in the base,
    each real folder entered once, ``.git`` folders never (and, unless a glob names a
    dot folder, no folder whose name starts with a dot, which no wildcard matches)."""
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
            try:
                is_link = entry.is_symlink()
                real = os.path.realpath(entry.path) if is_link else entry.path
                if is_link and not under(real, base_real):
                    continue
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if not is_dir:
                yield sub_dir + entry.name, entry.path
            elif (
                deep
                and entry.name != ".git"
                and real not in seen
                and (dots or not entry.name.startswith("."))
            ):
                seen.add(real)
                stack.append((real, sub_dir + entry.name + "/"))


def first_of_each(files: Iterable[Listed]) -> list[Listed]:
    """One entry per real file, in path order: a file reached through a symlink and
    directly is known by its direct path (else its first)."""
    best: dict[str, Listed] = {}
    for item in files:
        kept = best.get(item.real)
        if kept is None or (kept.link, kept.path) > (item.link, item.path):
            best[item.real] = item
    return sorted(best.values(), key=lambda f: f.path)
