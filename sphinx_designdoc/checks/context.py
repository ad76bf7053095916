"""What every check reads: the project graph, the settings and the records of what was
read; and the two ways a check locates a finding."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..config import ConfLocation, Settings
from ..graph import Graph
from ..model import DocRecord, Finding, Item


@dataclass(frozen=True)
class CheckContext:
    graph: Graph
    settings: Settings
    records: Mapping[str, DocRecord]
    #: absolute path of the Sphinx source folder (for files such as pyproject.toml)
    srcdir: str = ""
    #: where conf.py sets each setting, for findings about settings
    conf: ConfLocation | None = None
    #: whether Graphviz's ``dot`` can be run
    graphviz: bool = True

    def at_setting(self, subtype: str, message: str, setting: str) -> Finding:
        """A finding located at the line of conf.py that sets ``setting``."""
        if self.conf is None:
            return Finding(subtype, message)
        return Finding(subtype, message, self.conf.source, self.conf.line(setting))


Check = Callable[[CheckContext], Iterable[Finding]]


def finding(subtype: str, item: Item, message: str) -> Finding:
    return Finding(subtype, message, item.source, item.line, item.docname, item.id)


def suggest(unknown: str, graph: Graph) -> str:
    """ " (did you mean 'X'?)" for an unknown ID close to a known one."""
    close = difflib.get_close_matches(unknown, graph.by_id.keys(), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
