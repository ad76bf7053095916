"""Check the Helix set-up of docs/howto.md without Helix: merge it into Helix's own
``languages.toml`` the way Helix merges a user's file (``merge_toml_values`` of
helix-loader, depth 3: ``[[language]]`` entries by name, their keys one by one, a list
such as ``language-servers`` replaced whole), then check what Helix would run for
``.rst`` and ``.md`` files.

    python benchmarks/editors/helix_check.py HELIX/languages.toml

(``HELIX`` a checkout of helix-editor/helix.)  Where ``hx`` runs, ``try.sh helix``
asks Helix itself (``hx --health``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

try:
    import tomllib
except ImportError:  # Python 3.10: the package's own dependency
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
#: the keys of a ``[language-server.NAME]`` table (LanguageServerConfiguration in
#: helix-core/src/syntax/config.rs)
SERVER_KEYS = {"command", "args", "environment", "config", "timeout", "required-root-patterns"}


def merge(left: Any, right: Any, depth: int) -> Any:
    """helix-loader's ``merge_toml_values``, in Python."""
    if isinstance(left, list) and isinstance(right, list):
        if depth == 0:
            return right
        items = list(left)
        for value in right:
            name = value.get("name") if isinstance(value, dict) else None
            at = next(
                (
                    i
                    for i, v in enumerate(items)
                    if name and isinstance(v, dict) and v.get("name") == name
                ),
                None,
            )
            items.append(merge(items.pop(at), value, depth - 1) if at is not None else value)
        return items
    if isinstance(left, dict) and isinstance(right, dict):
        if depth == 0:
            return right
        table = dict(left)
        for key, value in right.items():
            table[key] = merge(table[key], value, depth - 1) if key in table else value
        return table
    return right


def main(argv: list[str]) -> int:
    builtin = tomllib.loads(Path(argv[0]).read_text(encoding="utf-8"))
    user = tomllib.loads((HERE / "helix-languages.toml").read_text(encoding="utf-8"))
    merged = merge(builtin, user, 3)
    problems = []
    server = merged["language-server"].get("designdoc", {})
    if set(server) - SERVER_KEYS or server.get("command") != "designdoc":
        problems.append(f"[language-server.designdoc] is {server}")
    for suffix in ("rst", "md"):
        found = [lang for lang in merged["language"] if suffix in lang.get("file-types", ())]
        if len(found) != 1:
            problems.append(f".{suffix}: {len(found)} languages")
            continue
        servers = [s if isinstance(s, str) else s["name"] for s in found[0]["language-servers"]]
        unknown = [s for s in servers if s not in merged["language-server"]]
        print(f".{suffix}: language {found[0]['name']!r}, servers {servers}")
        if "designdoc" not in servers or unknown:
            problems.append(f".{suffix}: servers {servers}, unknown {unknown}")
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
