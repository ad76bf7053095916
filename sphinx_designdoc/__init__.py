"""sphinx-designdoc: design documents as traceable engineering records.

``setup`` lives in :mod:`.extension`, imported lazily, so that the ``designdoc`` command's
reading verbs can import this package without importing Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from .extension import setup as _setup

    return _setup(app)
