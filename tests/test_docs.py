"""The documentation says what the code does: the static settings page is current, every
view option and command is documented, every page is in a toctree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sphinx_designdoc.cli.parser import build_parser
from sphinx_designdoc.config import CONFIG_VALUES
from sphinx_designdoc.views.plans import VIEW_OPTIONS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def test_static_settings_page_is_current() -> None:
    sys.path.insert(0, str(REPO))
    from scripts.settings_table import TARGET, render

    assert TARGET.read_text(encoding="utf-8") == render(), (
        "docs/settings.md is out of date: run python scripts/settings_table.py"
    )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/settings.md" in readme
    assert all(cv.name in TARGET.read_text(encoding="utf-8") for cv in CONFIG_VALUES)


def test_every_view_option_is_documented() -> None:
    views = (DOCS / "views.md").read_text(encoding="utf-8")
    for kind, options in VIEW_OPTIONS.items():
        section = views.split(f"## dd-{kind}", 1)[1].split("\n## ", 1)[0]
        for option in options:
            assert f"`:{option}:`" in section, f"dd-{kind} :{option}: is not in docs/views.md"


def test_every_command_is_documented() -> None:
    cli = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    for name in subparsers.choices:
        assert f"designdoc {name}" in cli, f"designdoc {name} is not in docs/cli.md"


def test_every_page_is_in_a_toctree() -> None:
    index = (DOCS / "index.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (\w[\w-]*)$", index, re.M))
    pages = {p.stem for p in DOCS.glob("*.md")} | {p.stem for p in DOCS.glob("*.rst")}
    assert pages - {"index"} == listed
