"""``conf.py`` as a file: the line that sets each setting, for located findings."""

from __future__ import annotations

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
        self._lines: list[str] | None = None

    def line(self, message: str) -> int:
        """The line that sets the first ``designdoc_*`` setting ``message`` names (the
        vocabulary settings when it names none); 1 when conf.py does not set it."""
        names = re.findall(r"designdoc_[a-z_]+", message) or ["designdoc_types", "designdoc_links"]
        return self.line_of(*names)

    def line_of(self, *names: str) -> int:
        """The first line that sets one of the settings ``names`` (``extensions``,
        ``needs_types``, ...); 1 when conf.py sets none of them."""
        if self._lines is None:
            try:
                self._lines = self.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines = []
        for number, text in enumerate(self._lines, 1):
            if any(re.match(rf"\s*{re.escape(name)}\s*[=+\[]", text) for name in names):
                return number
        return 1
