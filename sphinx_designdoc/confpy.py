"""``conf.py`` as a file: the line that sets each setting, for located findings."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path


class ConfLocation:
    """Where ``conf.py`` sets each ``designdoc_*`` setting, so that a problem with a
    setting is a located warning like any other.  The file is read once, when a
    problem first needs a line."""

    def __init__(self, conf_py: str | os.PathLike[str], srcdir: str | os.PathLike[str]) -> None:
        self.path = Path(conf_py)
        #: ``conf.py`` relative to the source folder, as findings name files
        self.source = os.path.relpath(self.path, srcdir).replace(os.sep, "/")
        #: setting name -> the line that first sets it, read when a finding needs one
        self._assigned: dict[str, int] | None = None

    def line(self, message: str) -> int:
        """The line that sets the first ``designdoc_*`` setting ``message`` names (the
        vocabulary settings when it names none); 1 when conf.py does not set it."""
        names = re.findall(r"designdoc_[a-z_]+", message) or ["designdoc_types", "designdoc_links"]
        return self.line_of(*names)

    def line_of(self, *names: str) -> int:
        """The first line that sets one of the settings ``names`` (``extensions``,
        ``needs_types``, ...); 1 when conf.py sets none of them."""
        if self._assigned is None:
            self._assigned = _assignments(self.path)
        found = [self._assigned[name] for name in names if name in self._assigned]
        return min(found, default=1)


def _assignments(path: Path) -> dict[str, int]:
    """Name -> the line of the first statement of ``conf.py`` that assigns it (``x =``,
    ``x +=``, ``x: T =``, ``x[k] =``), read with Python's own parser: a line inside a
    string or a comment is no setting.  Empty when the file cannot be read or parsed
    (Sphinx reports that itself)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return {}
    out: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets: list[ast.expr] = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        else:
            continue
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
                continue
            while isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
                target = target.value
            if isinstance(target, ast.Name) and node.lineno < out.get(target.id, node.lineno + 1):
                out[target.id] = node.lineno
    return out
