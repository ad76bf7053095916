"""Reading many pages in worker processes: the first reading of a workspace, so that
it takes the time of the machine's cores, not of one, and the server's own process
stays free to answer the editor while it goes on.

Each worker reads ``conf.py`` itself (as a parallel Sphinx build's workers have it) and
sends back the pages it read; its standard output is its standard error, never the
protocol's.  Workers are started fresh (``spawn``): the server has threads, which a
forked worker would copy mid-lock.
"""

# implements: DEC-LSP (docs/design.rst)

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .page import Page
from .project import LspProject
from .scan import scan_file

#: pages each worker is given at a time
CHUNK = 40
#: fewer pages than this are read in the server's own process (a worker takes a second
#: or so to start)
POOL_MIN = 150

_PROJECT: LspProject | None = None

Scanned = tuple[str, Page | None, tuple[int, int]]


def workers() -> int:
    """How many worker processes read pages: ``DESIGNDOC_LSP_WORKERS`` when set (0 or 1:
    none), else the cores, at most four."""
    raw = os.environ.get("DESIGNDOC_LSP_WORKERS", "")
    if raw.strip().isdigit():
        return int(raw)
    return min(os.cpu_count() or 1, 4)


def _start(confdir: str) -> None:
    global _PROJECT
    os.dup2(2, 1)  # nothing a worker prints may reach the protocol
    _PROJECT = LspProject.load(Path(confdir))


def _read(paths: list[str]) -> list[Scanned]:
    assert _PROJECT is not None
    out: list[Scanned] = []
    for name in paths:
        scanned = scan_file(_PROJECT, Path(name))
        out.append((name, None, (0, 0)) if scanned is None else (name, *scanned))
    return out


def read_pages(
    confdir: Path, paths: list[Path], count: int
) -> Iterator[tuple[Path, Page | None, tuple[int, int]]]:
    """The pages at ``paths``, read by ``count`` workers, in the order given."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [[str(p) for p in paths[i : i + CHUNK]] for i in range(0, len(paths), CHUNK)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_start, initargs=(str(confdir),)
    ) as pool:
        for results in pool.map(_read, chunks):
            for name, page, stamp in results:
                yield Path(name), page, stamp
