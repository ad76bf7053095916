"""One page read for the language server, without a build: :mod:`.rst` or
:mod:`.myst` by its syntax, then completed as the build completes a page once it is
read (a design document without a title takes the page's)."""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..declaration import with_page_title
from .myst import md_parser, myst_title_and_sections, read_myst_text
from .page import Page, Reading, Scanner, Site
from .rst import read_rst_text, rst_title_and_sections

if TYPE_CHECKING:
    from .project import LspProject

#: a page larger than this is not read (a generated or binary file named like a page)
MAX_PAGE_BYTES = 20_000_000


def scan_file(
    project: LspProject, path: Path, text: str | None = None
) -> tuple[Page, tuple[int, int]] | None:
    """Read the page at ``path`` of ``project`` (from ``text`` when the editor holds
    it), with the file's stamp (modification time and size; ``(0, 0)`` for a text).
    None when it is no page of the project, is too large or is not UTF-8 text."""
    syntax = project.syntax_of(path)
    if syntax is None:
        return None
    stamp = (0, 0)
    if text is None:
        try:
            info = path.stat()
            if info.st_size > MAX_PAGE_BYTES:
                return None
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        stamp = (info.st_mtime_ns, info.st_size)
    elif len(text) > MAX_PAGE_BYTES:
        return None
    return scan_page(project.reading, path, project.docname(path), text, syntax), stamp


def scan_page(reading: Reading, path: Path, docname: str, text: str, syntax: str) -> Page:
    """Read one page (``syntax`` ``"rst"`` or ``"myst"``) into a :class:`Page`."""
    source = path.resolve().relative_to(reading.srcdir.resolve()).as_posix()
    page = Page(docname, source, syntax)
    scanner = Scanner(reading, page, path, text)

    def markdown(text: str, path: Path, base: int) -> None:
        scanner.including.append(scanner.relative(str(path)))
        try:
            read_myst_text(scanner, text, _md(reading), base, 1, path)
        finally:
            scanner.including.pop()

    scanner.markdown = markdown
    if syntax == "myst":
        tokens = read_myst_text(scanner, text, _md(reading), 0)
        page.record.title, page.record.sections = myst_title_and_sections(tokens)
    else:
        document = read_rst_text(scanner, text, path)
        page.record.title, page.record.sections = rst_title_and_sections(document)
    _complete(reading, page)
    return page


def _md(reading: Reading) -> object:
    """MyST's parser for the project, made once."""
    md = reading.cache.get("md")
    if md is None:
        md = reading.cache["md"] = md_parser(reading.myst)
    return md


def _complete(reading: Reading, page: Page) -> None:
    """What the build completes once the page is read (:func:`.with_page_title`)."""
    title = page.record.title or page.docname
    completed = with_page_title(page.record.items, reading.settings.schema.types, title)
    if not completed:
        return
    for position, item in completed:
        page.record.items[position] = item
    titled = {item.id for _, item in completed}
    page.sites = [
        Site(s.id, s.type, title, s.source, s.line, s.end, s.options_end)
        if s.id in titled and not s.title
        else s
        for s in page.sites
    ]
