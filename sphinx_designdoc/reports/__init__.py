"""Report writers.  Each module turns the ``designdoc.json`` report dict into one format.

Writers are pure functions ``render(report) -> str`` so that a Sphinx build (through
``designdoc_exports``) and the ``designdoc export`` command produce the same bytes.  The
modules are imported only when their format is asked for: the command's reading verbs
import this package and must stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

from ..formats import FORMATS

Writer = Callable[..., str]


def get_writer(fmt: str) -> Writer:
    """The ``render`` function of a format; raises KeyError for an unknown one."""
    spec = FORMATS[fmt]
    module = import_module(f"{__name__}.{spec.module}")
    writer: Writer = module.render
    return writer


def render(fmt: str, report: Mapping[str, Any], **options: Any) -> str:
    """Render ``report`` in ``fmt``; writers ignore options they do not know."""
    return get_writer(fmt)(report, **options)
