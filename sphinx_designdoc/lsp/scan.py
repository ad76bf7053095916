"""One page read for the language server, without a build: :mod:`.rst` or
:mod:`.myst` by its syntax, then completed as the build completes a page once it is
read (a design document without a title takes the page's)."""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import dataclasses
from pathlib import Path

from .myst import md_parser, myst_title_and_sections, read_myst_text
from .page import Page, Reading, Scanner
from .rst import read_rst_text, rst_title_and_sections


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
    """What the build completes once the page is read: a page header without a title
    takes the page's."""
    types = reading.settings.schema.types
    record = page.record
    if not any(types[item.type].page_header and not item.title for item in record.items):
        return
    title = record.title or page.docname
    record.items = [
        dataclasses.replace(item, title=title)
        if types[item.type].page_header and not item.title
        else item
        for item in record.items
    ]
    page.sites = [
        dataclasses.replace(site, title=title)
        if types[site.type].page_header and not site.title
        else site
        for site in page.sites
    ]
