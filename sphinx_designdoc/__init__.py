"""sphinx-designdoc: design documents as traceable engineering records.

``setup`` lives in :mod:`.extension`, imported lazily, so that the ``designdoc`` command's
reading verbs can import this package without importing Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = ["__version__", "setup"]

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from .extension import setup as _setup

    return _setup(app)
