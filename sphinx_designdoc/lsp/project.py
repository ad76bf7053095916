"""A Sphinx project as the language server sees it: its ``conf.py`` read as the build
reads it, the settings that matter (vocabulary, ID pattern, ``suppress_warnings``,
source suffixes, excluded files, MyST's extensions), and its pages.

``conf.py`` is executed the way Sphinx executes it (:func:`sphinx.config.eval_config_file`);
one that raises leaves the project with the default settings and a ``config`` finding,
so the server keeps serving.  No language-server library here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, build_settings
from ..confpy import ConfLocation
from ..model import Finding
from .page import Reading

#: folders never read for pages
_SKIPPED_DIRS = frozenset({"_build", "node_modules", "__pycache__", "site-packages", "venv"})


@dataclass
class LspProject:
    """One Sphinx source folder of the workspace."""

    confdir: Path
    settings: Settings
    conf: ConfLocation
    reading: Reading
    #: suffix -> ``"rst"`` or ``"myst"``
    suffixes: dict[str, str]
    exclude: list[str]
    #: ``include_patterns``: only the files these match are pages
    include: list[str] = field(default_factory=lambda: ["**"])
    suppress_warnings: tuple[str, ...] = ()
    #: the ``extensions`` of conf.py
    extensions: tuple[str, ...] = ()
    #: problems of conf.py or of its settings, located there
    findings: list[Finding] = field(default_factory=list)

    @property
    def srcdir(self) -> Path:
        return self.confdir

    @classmethod
    def load(cls, confdir: Path) -> LspProject:
        """Read ``conf.py`` in ``confdir``; never raises."""
        confdir = confdir.resolve()
        conf = ConfLocation(confdir / "conf.py", confdir)
        findings: list[Finding] = []
        namespace: dict[str, Any] = {}
        try:
            namespace = _execute(confdir / "conf.py")
        except BaseException as exc:  # conf.py is the project's code: anything may happen
            if isinstance(exc, KeyboardInterrupt):
                raise
            cause = exc.__cause__ or exc  # Sphinx wraps what conf.py raised
            message = f"conf.py cannot be read: {type(cause).__name__}: {_first_line(cause)}"
            findings.append(Finding("config", message, conf.source, 1))
        extensions = [str(e) for e in namespace.get("extensions", ()) or ()]
        taken = _need_directives(namespace) if "sphinx_needs" in extensions else frozenset()
        settings, problems = build_settings(namespace, taken=lambda name: _owner(name, taken))
        findings += [Finding("config", p, conf.source, conf.line(p)) for p in problems]
        suffixes = _suffixes(namespace.get("source_suffix"), extensions)
        exclude = [str(p) for p in namespace.get("exclude_patterns", ()) or ()]
        include = [str(p) for p in namespace.get("include_patterns", ("**",)) or ()]
        suppress = tuple(str(s) for s in namespace.get("suppress_warnings", ()) or ())
        reading = Reading.of(settings, confdir, taken, _myst_config(namespace, findings, conf))
        return cls(
            confdir,
            settings,
            conf,
            reading,
            suffixes,
            exclude,
            include,
            suppress,
            tuple(extensions),
            findings,
        )

    def syntax_of(self, path: Path) -> str | None:
        """``"rst"`` or ``"myst"`` for a page of this project, None for any other file."""
        try:
            rel = path.resolve().relative_to(self.confdir).as_posix()
        except ValueError:
            return None
        if any(part in _SKIPPED_DIRS or part.startswith(".") for part in rel.split("/")[:-1]):
            return None
        for suffix, syntax in self.suffixes.items():
            if rel.endswith(suffix):
                if self._excluded(rel):
                    return None
                return syntax
        return None

    def docname(self, path: Path) -> str:
        rel = path.resolve().relative_to(self.confdir).as_posix()
        for suffix in self.suffixes:
            if rel.endswith(suffix):
                return rel[: -len(suffix)]
        return rel

    def _excluded(self, rel: str) -> bool:
        """Whether Sphinx leaves the file ``rel`` out, by its own rule
        (:func:`sphinx.util.matching.get_matching_files`): a pattern of
        ``exclude_patterns`` matches it or one of its folders (Sphinx does not walk into
        those), or no pattern of ``include_patterns`` matches it."""
        excluded, included = self._matchers()
        parts = rel.split("/")
        if any(excluded("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
            return True
        return not included(rel)

    def _matchers(self) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
        """Sphinx's matchers of ``exclude_patterns`` (with the paths Sphinx always
        leaves out) and of ``include_patterns``."""
        from sphinx.project import EXCLUDE_PATHS
        from sphinx.util.matching import Matcher

        matchers = self.__dict__.get("_matchers_made")
        if matchers is None:
            matchers = self.__dict__["_matchers_made"] = (
                Matcher([*self.exclude, *EXCLUDE_PATHS, "_build", "**/_build"]),
                Matcher(self.include),
            )
        return matchers

    def pages(self) -> Iterator[tuple[Path, str]]:
        """Every page of the project: its path and syntax, in a stable order."""
        excluded = self._matchers()[0]
        for root, dirs, files in os.walk(self.confdir):
            rel = Path(root).relative_to(self.confdir).as_posix()
            prefix = "" if rel == "." else rel + "/"
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in _SKIPPED_DIRS and not d.startswith(".") and not excluded(prefix + d)
            )
            for name in sorted(files):
                path = Path(root, name)
                syntax = self.syntax_of(path)
                if syntax:
                    yield path, syntax


def _execute(conf_py: Path) -> dict[str, Any]:
    """conf.py's namespace, as Sphinx makes it (which takes the path as text up to
    Sphinx 7, as a :class:`Path` since)."""
    import inspect

    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    annotation = inspect.signature(eval_config_file).parameters["filename"].annotation
    filename: Any = str(conf_py) if annotation in ("str", str) else conf_py
    return eval_config_file(filename, Tags())


def _owner(name: str, needs: frozenset[str]) -> str | None:
    """Who has the directive ``name`` already, as the build says it (the server knows
    docutils' directives, not those of the project's other extensions)."""
    from .._compat import is_docutils_directive

    if name not in needs and is_docutils_directive(name):
        return f"a docutils directive ('.. {name}::')"
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no message"


def _need_directives(namespace: dict[str, Any]) -> frozenset[str]:
    names = set()
    for entry in namespace.get("needs_types") or ():
        if isinstance(entry, dict) and isinstance(entry.get("directive"), str):
            names.add(entry["directive"])
    return frozenset(names)


def _suffixes(raw: Any, extensions: list[str]) -> dict[str, str]:
    """The suffixes Sphinx reads, as ``source_suffix`` and MyST set them."""
    found: dict[str, str] = {}
    if isinstance(raw, str):
        found[raw] = "rst"
    elif isinstance(raw, dict):
        for suffix, kind in raw.items():
            found[str(suffix)] = "myst" if kind in ("markdown", "myst") else "rst"
    elif raw:
        found.update({str(s): "rst" for s in raw})
    else:
        found[".rst"] = "rst"
    if "myst_parser" in extensions or "myst_nb" in extensions:
        found.setdefault(".md", "myst")
        if found.get(".md") == "rst":
            found[".md"] = "myst"
    return {s: k for s, k in found.items() if k != "rst" or s != ".md"}


def _myst_config(namespace: dict[str, Any], findings: list[Finding], conf: ConfLocation) -> Any:
    """MyST's parser settings from the ``myst_*`` values of conf.py, as MyST reads them."""
    try:
        from myst_parser.config.main import MdParserConfig
    except ImportError:
        return None
    import dataclasses

    values = {}
    for item in dataclasses.fields(MdParserConfig):
        key = f"myst_{item.name}"
        if key in namespace:
            values[item.name] = namespace[key]
    try:
        return MdParserConfig(**values)
    except Exception:  # MyST reports its own settings in a build
        return MdParserConfig()


def find_projects(root: Path, limit: int = 50) -> list[Path]:
    """The folders under ``root`` that hold a ``conf.py``: the Sphinx projects of a
    workspace (build output, hidden and virtual-environment folders left out)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIPPED_DIRS and not d.startswith(".") and not d.endswith("-packages")
        )
        if "conf.py" in files:
            found.append(Path(folder).resolve())
            if len(found) >= limit:
                break
    return found


def settings_digest(project: LspProject) -> str:
    """What the index of a project depends on besides its pages: conf.py and this
    package's version (a cached index of another version or configuration is not
    used)."""
    import hashlib

    from .._version import __version__

    try:
        conf = (project.confdir / "conf.py").read_bytes()
    except OSError:
        conf = b""
    return hashlib.blake2b(conf + __version__.encode(), digest_size=16).hexdigest()
