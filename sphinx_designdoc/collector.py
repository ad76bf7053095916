"""When the build hands long-lived objects to :func:`gc.freeze` (``designdoc_gc_freeze``).

Every full collection of Python's cyclic garbage collector walks every tracked object,
and a build's environment is hundreds of thousands of objects that live until the build
ends.  :func:`gc.freeze` moves what exists to the collector's permanent generation:
objects freed by their reference count are still freed at once, later collections skip
them, and the build's end hands them back (:func:`unfreeze`).  Frozen garbage in
reference cycles would stay until then, so each freeze happens where little garbage can
be frozen, and only where measurement showed it lowers both time and peak memory
(benchmarks/RESULTS.md):

* an incremental build freezes the environment it loaded, before reading;
* a parallel build freezes, after one collection, what set-up left before the reading
  workers are forked, and the merged environment before the writing workers are forked:
  the main process then loads, resolves and indexes every page without walking the
  environment again, and forked workers do not copy the pages their collections would
  otherwise touch (the use :func:`gc.freeze` was made for);
* a fresh serial build freezes nothing: its reader keeps each doctree until the page is
  written, and frozen, those would not be collected.
"""

# implements: DEC-GC-FREEZE (docs/design.rst)

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from sphinx.util.parallel import parallel_available

from .state import project_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Sphinx reads in parallel only above this many documents (Sphinx 7.4; later versions
#: have no such floor, so below it a parallel build merely misses a freeze)
_PARALLEL_READ_FLOOR = 5


def _enabled(app: Sphinx) -> bool:
    return project_state(app).settings.gc_freeze


def _parallel(app: Sphinx, kind: str) -> bool:
    """Whether Sphinx will fork workers to ``"read"`` or ``"write"`` in this build, with
    freezing turned on.  Decided as Sphinx decides, from every extension's declared
    safety (asking ``app.is_parallel_allowed`` would repeat its warnings); Sphinx sets
    ``builder.parallel_ok`` only after ``env-updated``."""
    attribute = f"parallel_{kind}_safe"
    return (
        _enabled(app)
        and parallel_available
        and app.parallel > 1
        and all(getattr(ext, attribute, None) for ext in app.extensions.values())
    )


def _freeze(app: Sphinx, *, collect: bool) -> None:
    if collect:
        gc.collect()
    gc.freeze()
    project_state(app).frozen = True


def freeze_loaded(app: Sphinx) -> None:
    """``builder-inited``: freeze the environment an incremental build loaded."""
    if _enabled(app) and app.env.all_docs:
        _freeze(app, collect=False)


def freeze_before_parallel_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: freeze before Sphinx forks its reading workers."""
    if len(docnames) > _PARALLEL_READ_FLOOR and _parallel(app, "read"):
        _freeze(app, collect=True)


def freeze_before_parallel_write(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated`` (last): freeze the merged environment before Sphinx forks its
    writing workers.  The collection first frees the workers' environments the merge
    left behind in reference cycles."""
    if app.builder.allow_parallel and _parallel(app, "write"):
        _freeze(app, collect=True)


def unfreeze(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: hand everything back, so a process that runs several builds
    (a test suite, sphinx-autobuild) can free the last one."""
    state = project_state(app)
    if state.frozen:
        state.frozen = False
        gc.unfreeze()


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", freeze_loaded)
    app.connect("env-before-read-docs", freeze_before_parallel_read, priority=900)
    app.connect("env-updated", freeze_before_parallel_write, priority=950)
    app.connect("build-finished", unfreeze, priority=900)
