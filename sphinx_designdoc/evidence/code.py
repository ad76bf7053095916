"""Tags in source code naming the objects they implement: ``designdoc_code``.

``designdoc_code = [{"paths": ["../src/**/*.py"], "pattern": ..., "url": ...}]``: each
entry's globs (relative to the folder of ``conf.py``; :mod:`.files` says which files they
name) are scanned for tags.  The default pattern reads ``implements: DEC-3`` and
``satisfies: REQ-1, REQ-2`` anywhere on a line, so it finds them in the comments of any
language (``#``, ``//``, ``/* */``, ``--``, ``<!-- -->``, ``;``, docstrings); a project
may give its own (OpenFastTrace's ``[impl->dsn~refund~1]`` is
``\\[(?P<kind>impl)->dsn~(?P<id>[\\w.-]+)~\\d+\\]``).

A scan is a build input, read once per build: with a cache folder, the tags of each file
are kept by its real path, size, modification time and pattern, so a rebuild with an
unchanged tree costs one ``stat`` a file, and a file is read (then dropped) only when it
changed.
"""

from __future__ import annotations

import codecs
import marshal
import os
import re
import string
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .._version import __version__
from ..safety import url_scheme
from ..vocabulary import ConfigError, did_you_mean
from .files import Git, Glob, Listed, first_of_each, listed, split_glob
from .model import CodeScan, CodeTag, Problem

#: the default pattern: a lower-case word, a colon and a comma-separated list of IDs.  It
#: is linear: nothing in it repeats a group that could match the same text two ways (an
#: ID stops at the first character that is not an ID's, and each further ID needs a comma)
DEFAULT_PATTERN = (
    r"(?<![A-Za-z0-9_])(?P<kind>implements|satisfies):[ \t]*"
    r"(?P<id>[A-Za-z][A-Za-z0-9_.:-]*(?:[ \t]*,[ \t]*[A-Za-z][A-Za-z0-9_.:-]*)*)"
)
#: what a file must hold for the default pattern to match in it (a fast pre-check)
_DEFAULT_WORDS = ("implements:", "satisfies:")
#: what separates IDs in a match's ``id`` group, and what ends a sentence after one
_ID_SEPARATORS = re.compile(r"[\s,]+")
_TRAILING = ".:,"
#: the placeholders a ``url`` may hold
URL_FIELDS = ("commit", "path", "line")
_KEYS = ("paths", "pattern", "url")
#: files over this size are not read (generated bundles, data): one problem each
MAX_FILE_BYTES = 10 * 1024 * 1024
#: the first bytes of a file that are looked at for a NUL byte (then it is binary)
_SNIFF = 8192
#: the cache's file name in the cache folder; its first member names the format
CACHE_NAME = "designdoc-code.cache"
_CACHE_FORMAT = f"designdoc-code 1 {__version__}"


@dataclass(frozen=True)
class CodeEntry:
    """One entry of ``designdoc_code``, checked: compared between builds, so only plain
    values (the pattern's compiled form is :attr:`regex`, made once per pattern)."""

    paths: tuple[str, ...]
    #: the project's own pattern, or ``""`` for :data:`DEFAULT_PATTERN`
    pattern: str = ""
    #: ``https://…/blob/{commit}/{path}#L{line}``, or ``""`` for tags without a link
    url: str = ""

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern or DEFAULT_PATTERN)

    @property
    def needs_commit(self) -> bool:
        return "commit" in _url_fields(self.url)


@lru_cache(maxsize=64)
def _url_fields(url: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(url) if name is not None)


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


def code_entries(value: object) -> tuple[CodeEntry, ...]:
    """``designdoc_code`` checked; the first entry that cannot be used raises
    :class:`ConfigError`, naming it as ``designdoc_code[i]``."""
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ConfigError(
            "designdoc_code must be a list of {'paths': [globs], 'pattern': ..., 'url': ...} "
            f"dicts, not {type(value).__name__}"
        )
    return tuple(_entry(i, entry) for i, entry in enumerate(value))


def _entry(index: int, entry: object) -> CodeEntry:
    name = f"designdoc_code[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(
            f"{name} must be a dict with 'paths' (and 'pattern', 'url'), not {type(entry).__name__}"
        )
    for key in entry:
        if key not in _KEYS:
            raise ConfigError(
                f"{name}: unknown key {key!r} (known: {', '.join(_KEYS)})"
                f"{did_you_mean(str(key), _KEYS)}"
            )
    paths = entry.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if (
        not isinstance(paths, list | tuple)
        or not paths
        or not all(isinstance(p, str) and p.strip() for p in paths)
    ):
        raise ConfigError(
            f"{name}: 'paths' must be a non-empty list of glob strings, relative to the "
            "folder of conf.py (e.g. ['../src/**/*.py'])"
        )
    return CodeEntry(
        tuple(paths),
        _checked_pattern(name, entry.get("pattern")),
        _checked_url(name, entry.get("url")),
    )


def _checked_pattern(name: str, pattern: Any) -> str:
    if pattern is None or pattern == "":
        return ""
    if not isinstance(pattern, str):
        raise ConfigError(f"{name}: 'pattern' must be a regular expression string")
    try:
        regex = _compiled(pattern)
    except re.error as exc:
        raise ConfigError(f"{name}: 'pattern' is not a regular expression: {exc}") from None
    if "id" not in regex.groupindex:
        raise ConfigError(
            f"{name}: 'pattern' needs a named group (?P<id>...) that holds the ID "
            "(and may have a (?P<kind>...) group)"
        )
    return pattern


def _checked_url(name: str, url: Any) -> str:
    if url is None or url == "":
        return ""
    if not isinstance(url, str):
        raise ConfigError(f"{name}: 'url' must be a string")
    if url_scheme(url) not in ("http", "https"):
        raise ConfigError(
            f"{name}: 'url' must be an http or https URL template "
            "(e.g. 'https://example.org/repo/blob/{commit}/{path}#L{line}')"
        )
    try:
        parsed = list(string.Formatter().parse(url))
    except ValueError as exc:
        raise ConfigError(f"{name}: 'url' is not a valid template: {exc}") from None
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if field_name not in URL_FIELDS or spec or conversion:
            shown = (
                "{"
                + field_name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise ConfigError(
                f"{name}: 'url' has an unknown placeholder {shown} (known: "
                f"{', '.join('{' + f + '}' for f in URL_FIELDS)}; write {{{{ and }}}} for a "
                f"brace){did_you_mean(field_name, URL_FIELDS)}"
            )
    return url


def tags_in(text: str, regex: re.Pattern[str]) -> list[tuple[str, str, int]]:
    """``(id, kind, line)`` of every tag in ``text``, in order, each once.  The ``id``
    group may hold several IDs separated by commas or white space; a trailing ``.``,
    ``:`` or ``,`` is punctuation, not part of the ID."""
    if regex.pattern == DEFAULT_PATTERN and not any(w in text for w in _DEFAULT_WORDS):
        return []
    has_kind = "kind" in regex.groupindex
    found: dict[tuple[str, str, int], None] = {}
    line, pos = 1, 0
    for match in regex.finditer(text):
        start = match.start()
        line += text.count("\n", pos, start)
        pos = start
        kind = (match.group("kind") or "") if has_kind else ""
        for raw in _ID_SEPARATORS.split(match.group("id") or ""):
            ident = raw.rstrip(_TRAILING)
            if ident:
                found[(ident, kind, line)] = None
    return list(found)


def read_source(path: str) -> str | None:
    """A source file's text (UTF-8, or UTF-16 with a byte order mark; undecodable bytes
    replaced), or None when it is binary (a NUL byte in its first 8 KiB)."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return (head + fh.read()).decode("utf-16", "replace")
        if b"\0" in head:
            return None
        return (head + fh.read()).decode("utf-8-sig", "replace")


#: what the cache keeps of one file: (size, mtime_ns, tags or None when binary)
_Cached = tuple[int, int, "tuple[tuple[str, str, int], ...] | None"]


def _load_cache(cache: Path | None) -> dict[tuple[str, str], _Cached]:
    """The cache's entries, or none when it is missing, corrupt or of another format."""
    if cache is None:
        return {}
    try:
        data = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == _CACHE_FORMAT):
        return {}
    entries = data[1]
    return entries if isinstance(entries, dict) else {}


def _save_cache(cache: Path, entries: dict[tuple[str, str], _Cached]) -> None:
    """Written through a temporary file and a rename: a crash leaves the old cache or
    the new one, never half of one.  A cache that cannot be written is no error."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{cache.name}.", dir=cache.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps((_CACHE_FORMAT, entries)))
            Path(tmp).replace(cache)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


@dataclass
class _Scanner:
    """One scan: the files each entry names, read (or taken from the cache) once."""

    entries: Sequence[CodeEntry]
    confdir: Path
    old: dict[tuple[str, str], _Cached]
    git: Git

    def __post_init__(self) -> None:
        self.new: dict[tuple[str, str], _Cached] = {}
        self.problems: list[Problem] = []
        self.changed = False

    def list_files(self) -> list[list[Listed]]:
        """Every file each entry names (a glob naming none is a problem).  The globs are
        grouped by base folder, each base's work tree noted first, so that git lists
        each work tree once and each file is looked at once."""
        groups: dict[tuple[str, str], list[tuple[int, Glob]]] = {}
        for index, entry in enumerate(self.entries):
            for text in entry.paths:
                glob = split_glob(text)
                base_real = os.path.realpath(self.confdir / glob.base)
                groups.setdefault((glob.base, base_real), []).append((index, glob))
        folders = {base_real for _, base_real in groups if Path(base_real).is_dir()}
        for folder in sorted(folders):
            repo = self.git.repo_of(folder)
            if repo is not None:
                repo.bases.add(folder)
        by_entry: list[list[Listed]] = [[] for _ in self.entries]
        for (base, base_real), globs in groups.items():
            found: list[tuple[Listed, tuple[int, ...]]] = []
            if base_real in folders:
                repo = self.git.repo_of(base_real)
                if repo is not None and repo.files is None and not repo.failure:
                    self.git.list_files(repo)
                found = listed(base, base_real, repo, [glob.rest for _, glob in globs])
            matched: set[int] = set()
            for item, which in found:
                matched.update(which)
                for w in which:
                    by_entry[globs[w][0]].append(item)
            for w, (index, glob) in enumerate(globs):
                if w not in matched:
                    self.problems.append(
                        Problem("", None, f"designdoc_code[{index}]: {glob.text!r} matches no file")
                    )
        return by_entry

    def tags_of(
        self, file: Listed, regex: re.Pattern[str]
    ) -> tuple[tuple[str, str, int], ...] | None:
        """The file's tags (None: binary, too large or unreadable, with its problem)."""
        key = (file.real, regex.pattern)
        if file.size > MAX_FILE_BYTES:
            self.problems.append(
                Problem(
                    file.path,
                    None,
                    f"not scanned for code tags: {_mib(file.size)}, over the "
                    f"{_mib(MAX_FILE_BYTES)} a scanned file may have",
                )
            )
            return None
        cached = self.old.get(key)
        if cached is not None and cached[0] == file.size and cached[1] == file.mtime_ns:
            self.new[key] = cached
            return cached[2]
        try:
            text = read_source(file.real)
        except OSError as exc:
            self.problems.append(Problem(file.path, None, f"cannot read: {exc.strerror or exc}"))
            return None
        tags = None if text is None else tuple(tags_in(text, regex))
        self.new[key] = (file.size, file.mtime_ns, tags)
        self.changed = True
        return tags


def scan_code(
    entries: Sequence[CodeEntry], confdir: Path, cache_dir: Path | None = None
) -> CodeScan:
    """Every tag in the files ``entries`` name, sorted by (path, line, id); a tag found
    by two entries with the same pattern is kept once (with the first entry's URL)."""
    cache = cache_dir / CACHE_NAME if cache_dir is not None else None
    old = _load_cache(cache)
    scanner = _Scanner(entries, Path(confdir), old, Git())
    by_entry = scanner.list_files()
    unique = first_of_each(f for files in by_entry for f in files)
    shown = {f.real: f for f in unique}
    scan = CodeScan()
    texts: set[str] = set()
    kept: dict[tuple[str, int, str, str], CodeTag] = {}
    for index, (entry, files) in enumerate(zip(entries, by_entry, strict=True)):
        regex = entry.regex
        without_commit = ""
        for real in sorted({f.real for f in files}):
            file = shown[real]
            tags = scanner.tags_of(file, regex)
            if tags is None:
                continue
            texts.add(file.real)
            fields = _link_fields(entry, file, scanner.git) if entry.url and tags else None
            if entry.url and tags and fields is None and not without_commit:
                without_commit = file.path
            for ident, kind, line in tags:
                key = (file.path, line, ident, kind)
                if key not in kept:
                    url = entry.url.format(line=line, **fields) if fields is not None else ""
                    kept[key] = CodeTag(ident, kind, file.path, line, url)
        if without_commit:
            scanner.problems.append(
                Problem(
                    "",
                    None,
                    f"designdoc_code[{index}]: 'url' needs {{commit}}, but {without_commit} "
                    "is not in a git work tree with a commit: its tags have no link",
                )
            )
    failures = [(repo.root, repo.failure) for repo in scanner.git.repos.values()]
    for folder, failure in [*failures, *scanner.git.refusals.items()]:
        if failure:
            scanner.problems.append(
                Problem(
                    "",
                    None,
                    f"designdoc_code: git could not list the files of {_shown(folder, confdir)} "
                    f"({failure}); its folders were walked, without .gitignore",
                )
            )
    scan.tags = sorted(kept.values(), key=lambda t: (t.path, t.line, t.id, t.kind))
    scan.problems = sorted(set(scanner.problems), key=lambda p: (p.path, p.line or 0, p.message))
    scan.files = len(texts)
    if cache is not None and (scanner.changed or scanner.new.keys() != old.keys()):
        _save_cache(cache, scanner.new)
    return scan


def _link_fields(entry: CodeEntry, file: Listed, git: Git) -> dict[str, str] | None:
    """What fills the entry's ``url`` for the tags of ``file`` besides the line, or None
    when the file has no commit that the template needs."""
    commit = git.repos[file.root].commit if file.root is not None else ""
    if entry.needs_commit and not commit:
        return None
    path = file.in_repo if file.in_repo is not None else file.path
    return {"commit": commit, "path": quote(path, safe="/!$&()*+,;=:@-._~")}


def _shown(path: str, confdir: Path) -> str:
    try:
        return os.path.relpath(path, confdir).replace(os.sep, "/")
    except ValueError:  # another drive
        return Path(path).as_posix()
