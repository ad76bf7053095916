"""The editor set-ups of docs/howto.md ("Editor support") are the ones that were tried:
each snippet is, line for line, the marked block of a file in benchmarks/editors/ that
an editor ran; and where an editor is installed here, it runs that file against the
server of this checkout (benchmarks/editors/try.sh), else the test says which editor
is missing and skips."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOWTO = ROOT / "docs" / "howto.md"
EDITORS = ROOT / "benchmarks" / "editors"
SECTION = "Editor support"
#: the lines that open and close the how-to's snippet in a tried file, in any
#: language's comment (``-- >>> docs/howto.md: neovim``, ``;; <<< docs/howto.md``)
OPEN = re.compile(r">>> docs/howto\.md: ([\w-]+)$")
CLOSE = re.compile(r"<<< docs/howto\.md$")


def section_fences() -> list[tuple[str, str]]:
    """(language, text) of each fence under the section's heading, read with the
    Markdown parser the docs are built with."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(HOWTO.read_text(encoding="utf-8"))
    inside, fences = False, []
    for at, token in enumerate(tokens):
        if token.type == "heading_open":
            inside = token.tag == "h2" and tokens[at + 1].content == SECTION
        elif inside and token.type == "fence":
            fences.append((token.info.strip(), token.content))
    return fences


def tried_blocks() -> dict[str, str]:
    """The marked blocks of the files under benchmarks/editors/, by name."""
    blocks: dict[str, str] = {}
    for path in sorted(EDITORS.iterdir()):
        if not path.is_file() or path.suffix not in {".lua", ".el", ".toml", ".json"}:
            continue
        name, lines = None, []
        for line in path.read_text(encoding="utf-8").splitlines():
            if (opened := OPEN.search(line)) is not None:
                name, lines = opened.group(1), []
            elif CLOSE.search(line) is not None and name is not None:
                assert name not in blocks, f"{name} marked twice"
                blocks[name] = "\n".join(lines) + "\n"
                name = None
            elif name is not None:
                lines.append(line)
        assert name is None, f"{path.name}: {name} is not closed"
    return blocks


def test_every_snippet_is_the_one_tried() -> None:
    """Below the line that names the file to put it in, each snippet of the section is
    a block that an editor ran, and every block that ran is in the section."""
    fences = section_fences()
    assert {language for language, _ in fences} == {"json", "lua", "elisp", "toml"}
    comment = {"json": "//", "lua": "--", "elisp": ";;", "toml": "#"}
    shown = []
    for language, text in fences:
        first, rest = text.split("\n", 1)
        assert first.startswith(comment[language] + " "), f"name the file: {first!r}"
        shown.append(rest)
    tried = tried_blocks()
    assert set(tried) == {"vscode", "neovim", "neovim-lspconfig", "emacs", "helix"}
    missing = [text for text in shown if text not in tried.values()]
    assert not missing, "not the snippet that was tried:\n" + "\n".join(missing)
    assert sorted(shown) == sorted(tried.values())


def test_the_section_says_how_to_install_the_server() -> None:
    text = HOWTO.read_text(encoding="utf-8").split(f"\n## {SECTION}\n", 1)[1]
    text = text.split("\n## ", 1)[0]
    assert 'pip install "sphinx-designdoc[lsp]"' in text
    assert "`conf.py`" in text and "`designdoc.json`" in text


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def missing(editor: str) -> str | None:
    """Why ``editor`` cannot be tried here, or None."""
    if editor in ("nvim", "nvim-lspconfig"):
        nvim = shutil.which(os.environ.get("NVIM", "nvim"))
        found = re.match(r"NVIM v0\.(\d+)", _version([nvim, "--version"]) if nvim else "")
        if editor == "nvim-lspconfig" and not os.environ.get("LSPCONFIG"):
            return "LSPCONFIG (a checkout of nvim-lspconfig) is not set"
        if found is None:
            return "no Neovim (NVIM)"
        if editor == "nvim" and int(found.group(1)) < 11:
            return f"Neovim 0.{found.group(1)} has no vim.lsp.config (0.11+)"
        return None
    if editor == "emacs":
        emacs = shutil.which(os.environ.get("EMACS", "emacs"))
        probe = ["--batch", "--eval", "(progn (package-activate-all) (require 'eglot))"]
        if emacs is None or subprocess.run([emacs, *probe], capture_output=True).returncode:
            return "no Emacs with eglot (EMACS)"
        return None
    if editor == "vscode":
        if not (os.environ.get("CODE_SERVER") and os.environ.get("CODE_SERVER_EXTENSIONS")):
            return "CODE_SERVER and CODE_SERVER_EXTENSIONS are not set"
        return None
    return None if shutil.which(os.environ.get("HX", "hx")) else "no Helix (HX)"


@pytest.mark.parametrize("editor", ["nvim", "nvim-lspconfig", "emacs", "vscode", "helix"])
def test_the_editor_runs_the_set_up(editor: str) -> None:
    """The editor, with no screen, opens an RST and a MyST page with the set-up of the
    how-to; hover, definition and completion answer, and ``designdoc.dangling`` comes
    and goes with an edit."""
    pytest.importorskip("pygls", reason="designdoc lsp needs the lsp extra")
    if shutil.which("designdoc") is None:
        pytest.skip("designdoc is not on PATH")
    reason = missing(editor)
    if reason is not None:
        pytest.skip(f"{editor}: {reason}")
    done = subprocess.run(
        ["sh", str(EDITORS / "try.sh"), editor], capture_output=True, text=True, timeout=600
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    if editor == "helix":
        assert out.count("designdoc") >= 2, out
        return
    for page in ("docs/decisions.rst", "myst/decisions.md"):
        assert f"== {editor}: {page}: passed" in out, out
    assert out.count("designdoc.dangling") >= 2 and "FAIL" not in out, out
