"""The command of earlier versions: writes every generated page of the documentation
(``docs/settings.md`` among them), as ``python scripts/generate_docs.py`` does.

    python scripts/settings_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import generate_docs

if __name__ == "__main__":
    raise SystemExit(generate_docs.main([]))
