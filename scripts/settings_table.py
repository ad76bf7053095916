"""Write docs/settings.md: the table of every ``designdoc_*`` setting, from the same
definitions the extension uses (``sphinx_designdoc.config.CONFIG_VALUES``), as a static
Markdown page that reads on a code host too.  The docs' configuration page shows the same
table generated at build time; tests/test_docs.py checks that this file is current.

    python scripts/settings_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sphinx_designdoc.config import CONFIG_VALUES

TARGET = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Settings",
        "",
        "Every setting is optional and goes in `conf.py`. This page is generated from the",
        "extension's own definitions (`python scripts/settings_table.py`); the",
        "[configuration page](configuration.md) explains custom types and links.",
        "",
        "| setting | default | meaning |",
        "|---|---|---|",
    ]
    for cv in CONFIG_VALUES:
        lines.append(f"| `{cv.name}` | `{_cell(repr(cv.default))}` | {_cell(cv.help)} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
