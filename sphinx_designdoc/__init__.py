"""sphinx-designdoc: design documents as traceable engineering records.

``setup`` lives in :mod:`.extension`, imported lazily, so that the ``designdoc`` command's
reading verbs can import this package without importing Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = ["__version__", "needs_config", "setup"]

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from .extension import setup as _setup

    return _setup(app)


def needs_config(designdoc_json: Any = None) -> dict[str, Any]:
    """The ``needs_types``, ``needs_fields`` and ``needs_links`` a sphinx-needs project
    declares to import the needs export (:func:`.needs_recipe.needs_config`)."""
    from .needs_recipe import needs_config as _needs_config

    return _needs_config(designdoc_json)
