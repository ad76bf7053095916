"""The ``json`` export: ``designdoc.json`` itself, whose format :mod:`..codec` defines."""

# implements: DEC-JSON-REPORT (docs/design.rst)

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..codec import dumps


def render(report: Mapping[str, Any], **_: Any) -> str:
    return dumps(report)
