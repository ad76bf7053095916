"""The workspace the language server serves: the Sphinx projects found in it (every
folder with a ``conf.py``), one :class:`.Index` each, the pages open in the editor,
and the reading of every page in the background.

Requests are answered from whatever is read so far; the whole workspace is read once,
in a thread, while the editor works (cached between sessions).  No language-server
library here: :mod:`.server` speaks the protocol.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .index import Index
from .page import Page
from .project import LspProject, find_projects


def cache_dir() -> Path:
    """The user's cache folder for the server's indexes (``$XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path("~/.cache").expanduser()
    return root / "sphinx-designdoc" / "lsp"


class Workspace:
    """Every project of the workspace, and the pages open in the editor."""

    def __init__(self, roots: list[Path], cache: Path | None = None) -> None:
        self.roots = [root.resolve() for root in roots]
        self.cache = cache
        self.indexes: dict[Path, Index] = {}
        #: path of each open page -> its text
        self.open: dict[Path, str] = {}
        for root in self.roots:
            for confdir in find_projects(root):
                self._add(confdir)

    def _add(self, confdir: Path) -> Index:
        index = self.indexes.get(confdir)
        if index is None:
            index = self.indexes[confdir] = Index(LspProject.load(confdir), self.cache)
        return index

    def index_for(self, path: Path) -> Index | None:
        """The index of the project ``path`` belongs to: the nearest folder above it
        with a ``conf.py`` (read now if no root held it)."""
        path = path.resolve()
        for folder in path.parents:
            if folder in self.indexes:
                return self.indexes[folder]
            if (folder / "conf.py").is_file():
                return self._add(folder)
            if folder in self.roots or folder.parent == folder:
                break
        return None

    # -- pages open in the editor ----------------------------------------------------

    def update(self, path: Path, text: str) -> tuple[Index, Page] | None:
        """The editor opened or changed a page: read it from its text.  None when the
        file is no page of a project (another file, an excluded one, too large)."""
        index = self.index_for(path)
        if index is None or index.project.syntax_of(path) is None:
            return None
        path = path.resolve()
        self.open[path] = text
        index.open_lines[index.source_of(path)] = text.splitlines()
        page = index.read(path, text)
        return None if page is None else (index, page)

    def close(self, path: Path) -> None:
        """The editor closed a page: the file is what counts again."""
        path = path.resolve()
        self.open.pop(path, None)
        index = self.index_for(path)
        if index is None or index.project.syntax_of(path) is None:
            return
        index.open_lines.pop(index.source_of(path), None)
        index.read(path)

    def file_changed(self, path: Path) -> None:
        """A file changed on disk that the editor does not hold: read it again if it is
        a page, and every page that includes it."""
        index = self.index_for(path)
        if index is None:
            return
        index.read(path)
        try:
            source = index.source_of(path)
        except ValueError:
            return
        for page in list(index.pages.values()):
            if source in page.includes:
                including = index.project.confdir / page.source
                text = self.open.get(including.resolve())
                index.read(including, text)

    def reload(self, confdir: Path) -> bool:
        """``conf.py`` of ``confdir`` changed: read the project anew (its pages are read
        again by the next :meth:`read_all`); whether it is a project of the workspace."""
        confdir = confdir.resolve()
        if confdir not in self.indexes and not any(
            r in confdir.parents or r == confdir for r in self.roots
        ):
            return False
        old = self.indexes.pop(confdir, None)
        index = self._add(confdir)
        for path, text in self.open.items():
            if old is not None and confdir in path.parents:
                index.open_lines[index.source_of(path)] = text.splitlines()
                index.read(path, text)
        return True

    # -- the whole workspace ---------------------------------------------------------

    def read_all(
        self,
        progress: Callable[[str, int, int], None] | None = None,
        on_known: Callable[[Index], None] | None = None,
    ) -> None:
        """Read every page of every project; ``progress(project, done, total)``, and
        ``on_known(index)`` once a project's objects are all known before its pages
        are all read (:meth:`.Index.read_all`)."""
        for confdir, index in list(self.indexes.items()):
            name = confdir.name

            def report(done: int, total: int, name: str = name) -> None:
                if progress is not None:
                    progress(name, done, total)

            def known(index: Index = index) -> None:
                if on_known is not None:
                    on_known(index)

            index.read_all(report, known)

    def all_indexes(self) -> Iterator[Index]:
        yield from list(self.indexes.values())
