"""The code scanner (``designdoc_code``): which files it reads (git's list or a walk,
globs, symlinks, binary and unreadable files), the links it makes and its cache.  Plain
Python: no Sphinx here."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from code_helpers import (
    OFT,
    found,
    git,
    no_git_above,  # noqa: F401 - autouse: no work tree above tmp_path
    project,
    requires_git,
    scan,
    write,
)

from sphinx_designdoc.evidence import code, files
from sphinx_designdoc.evidence.code import CACHE_NAME
from sphinx_designdoc.evidence.model import CodeTag, Problem

# the requirement these tests verify, written into their JUnit results by our own
# pytest plugin (docs/design.rst shows the outcome)
pytestmark = pytest.mark.verifies("REQ-EVIDENCE")


# -- which files ----------------------------------------------------------------------


def test_a_glob_that_matches_nothing_is_a_problem_of_the_setting(tmp_path: Path) -> None:
    docs = project(tmp_path, {"a.py": "# implements: DEC-1\n"})
    result = scan(docs, {"paths": ["../src/*.py", "../src/*.rs", "../nowhere/**/*.c"]})
    assert found(result) == [("DEC-1", "implements", "../src/a.py", 1)]
    assert result.problems == [
        Problem("", None, "designdoc_code[0]: '../nowhere/**/*.c' matches no file"),
        Problem("", None, "designdoc_code[0]: '../src/*.rs' matches no file"),
    ]


def test_glob_shapes(tmp_path: Path) -> None:
    tree = {
        "a.py": "# implements: A\n",
        "pkg/b.py": "# implements: B\n",
        "pkg/deep/c.py": "# implements: C\n",
        "pkg/deep/d.pyx": "# implements: D\n",
        ".hidden/e.py": "# implements: E\n",
        "pkg/.f.py": "# implements: F\n",
    }
    docs = project(tmp_path, tree)

    def ids(*globs: str) -> list[str]:
        return sorted(t.id for t in scan(docs, {"paths": list(globs)}).tags)

    assert ids("../src/**/*.py") == ["A", "B", "C"]
    assert ids("../src/**") == ["A", "B", "C", "D"]
    assert ids("../src/*/*.py") == ["B"]
    assert ids("../src/pkg/**/?.py[x]") == ["D"]
    assert ids("../src/**/[!a-c].py*") == ["D"]
    assert ids("../src/.hidden/*.py", "../src/pkg/.f.py") == ["E", "F"]
    assert ids("../src/pkg/deep/c.py") == ["C"]
    assert ids(str(tmp_path / "src" / "*.py")) == ["A"]
    # globs of the usual shape on one base are matched together: each still counts
    together = scan(docs, {"paths": ["../src/**/*.py", "../src/**/[cd].py*", "../src/**/*.rs"]})
    assert sorted(t.id for t in together.tags) == ["A", "B", "C", "D"]
    assert [p.message for p in together.problems] == [
        "designdoc_code[0]: '../src/**/*.rs' matches no file"
    ]
    assert [t.path for t in scan(docs, {"paths": ["../src/./pkg/../a.py"]}).tags] == ["../src/a.py"]


@pytest.mark.parametrize(
    ("rest", "path", "named"),
    [
        ("**/*.py", "a.py", True),
        ("**/*.py", "a/b/c.py", True),
        ("**/*.py", ".a/c.py", False),
        ("**/*.py", "a/.b/c.py", False),
        ("**/*.py", "a/.c.py", False),
        ("**/.c.py", "a/.c.py", True),
        ("**", "a/b/c", True),
        ("**", "a/.b", False),
        ("a/**", "a/b/c", True),
        ("a/**/b/**/c.*", "a/b/c.x", True),
        ("a/**/b/**/c.*", "a/x/y/b/z/c.x", True),
        ("a/**/b/**/c.*", "a/x/c.x", False),
        ("*/b", "a/b", True),
        ("*/b", "a/x/b", False),
        ("a*b*c", "aXbYc", True),
        ("[!x]?", "ab", True),
        ("[!x]?", "xb", False),
    ],
)
def test_glob_rest_alone_and_matched_together(rest: str, path: str, named: bool) -> None:
    alone = files.Rest(rest.split("/"))
    assert alone.match(path) is named
    together = files.matcher([files.Rest(["**", "*.nothing"]), alone])
    assert together(path) == ((1,) if named else ())


def test_binary_skipped_and_other_encodings_read(tmp_path: Path) -> None:
    docs = project(
        tmp_path,
        {
            "blob.bin": b"\x7fELF\x00\x00 implements: DEC-9\n",
            "late-nul.py": b"# implements: DEC-8\n" + b"x" * 9000 + b"\x00",
            "latin1.py": "# caf\xe9\n# implements: DEC-1\n".encode("latin-1"),
            "utf16.cs": "// implements: DEC-2\n".encode("utf-16"),
            "bom.py": "\ufeff# implements: DEC-3\n".encode(),
        },
    )
    result = scan(docs, {"paths": ["../src/*"]})
    assert found(result) == [
        ("DEC-3", "implements", "../src/bom.py", 1),
        ("DEC-8", "implements", "../src/late-nul.py", 1),
        ("DEC-1", "implements", "../src/latin1.py", 2),
        ("DEC-2", "implements", "../src/utf16.cs", 1),
    ]
    assert result.files == 4


def test_an_unreadable_or_huge_file_is_a_problem_and_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = project(
        tmp_path,
        {"a.py": "# implements: DEC-1\n", "b.py": "# implements: DEC-2\n", "big.py": "x" * 600},
    )
    real_read = code.read_source

    def read(path: str) -> str | None:
        if path.endswith("a.py"):
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(code, "read_source", read)
    monkeypatch.setattr(code, "MAX_FILE_BYTES", 512)
    result = scan(docs, {"paths": ["../src/*.py"]})
    assert found(result) == [("DEC-2", "implements", "../src/b.py", 1)]
    assert result.problems == [
        Problem("../src/a.py", None, "cannot read: Permission denied"),
        Problem(
            "../src/big.py",
            None,
            "not scanned for code tags: 0.0 MiB, over the 0.0 MiB a scanned file may have",
        ),
    ]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlinks_out_of_the_base_are_skipped_and_loops_are_safe(tmp_path: Path) -> None:
    docs = project(
        tmp_path, {"in.py": "# implements: DEC-1\n", "pkg/x.py": "# implements: DEC-2\n"}
    )
    write(tmp_path / "outside", {"secret.py": "# implements: DEC-666\n"})
    src = tmp_path / "src"
    (src / "leak.py").symlink_to(tmp_path / "outside" / "secret.py")
    (src / "leakdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (src / "pkg" / "loop").symlink_to(src, target_is_directory=True)
    (src / "again.py").symlink_to(src / "in.py")
    (src / "dangling.py").symlink_to(src / "nothing.py")
    result = scan(docs, {"paths": ["../src/**/*.py"]})
    assert found(result) == [
        ("DEC-1", "implements", "../src/in.py", 1),
        ("DEC-2", "implements", "../src/pkg/x.py", 1),
    ]
    assert result.files == 2


@requires_git
@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_in_git_symlinks_out_are_skipped_too(tmp_path: Path) -> None:
    docs = project(tmp_path, {"in.py": "# implements: DEC-1\n"})
    write(tmp_path / "outside", {"secret.py": "# implements: DEC-666\n"})
    (tmp_path / "src" / "leak.py").symlink_to(tmp_path / "outside" / "secret.py")
    git(tmp_path, "init", "-q")
    result = scan(docs, {"paths": ["../src/*.py"]})
    assert found(result) == [("DEC-1", "implements", "../src/in.py", 1)]


@requires_git
def test_gitignore_is_honoured_and_untracked_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = project(
        tmp_path,
        {
            "tracked.py": "# implements: DEC-1\n",
            "new.py": "# implements: DEC-2\n",
            "build/gen.py": "# implements: DEC-666\n",
            "junk.py": "# implements: DEC-667\n",
            ".gitignore": "junk.py\n",
        },
    )
    write(tmp_path, {".gitignore": "build/\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "src/tracked.py", ".gitignore", "src/.gitignore")
    git(tmp_path, "commit", "-q", "-m", "one")
    # a hook's variables would lead git to another repository, with nothing ignored
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    result = scan(docs, {"paths": ["../src/**/*.py"]})
    assert found(result) == [
        ("DEC-2", "implements", "../src/new.py", 1),
        ("DEC-1", "implements", "../src/tracked.py", 1),
    ]
    # without git the same tree is walked: nothing is ignored
    monkeypatch.setattr(files.shutil, "which", lambda name: None)
    walked = scan(docs, {"paths": ["../src/**/*.py"]})
    assert [t.id for t in walked.tags] == ["DEC-666", "DEC-667", "DEC-2", "DEC-1"]


@requires_git
def test_url_with_commit_path_and_line(tmp_path: Path) -> None:
    docs = project(tmp_path, {"pay/re fund#1.py": "\n\n# implements: DEC-3\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    head = git(tmp_path, "rev-parse", "HEAD")
    url = "https://git.example.org/pay/blob/{commit}/{path}#L{line}"
    result = scan(docs, {"paths": ["../src/**/*.py"], "url": url})
    assert result.tags == [
        CodeTag(
            "DEC-3",
            "implements",
            "../src/pay/re fund#1.py",
            3,
            f"https://git.example.org/pay/blob/{head}/src/pay/re%20fund%231.py#L3",
        )
    ]
    assert result.problems == []


@requires_git
def test_url_without_a_commit_is_no_link_and_one_problem(tmp_path: Path) -> None:
    docs = project(tmp_path, {"a.py": "# implements: DEC-1\n# implements: DEC-2\n"})
    url = "https://h/{commit}/{path}#L{line}"
    result = scan(
        docs,
        {"paths": ["../src/*.py"], "url": url},
        {"paths": ["../src/*.py"], "url": "https://h/{path}?l={line}"},
    )
    assert [t.url for t in result.tags] == ["", ""]
    assert result.problems == [
        Problem(
            "",
            None,
            "designdoc_code[0]: 'url' needs {commit}, but ../src/a.py is not in a git work "
            "tree with a commit: its tags have no link",
        )
    ]
    git(tmp_path, "init", "-q")  # a work tree, but no commit yet
    assert scan(docs, {"paths": ["../src/*.py"], "url": url}).problems == result.problems
    # a template without {commit} links without git: the path is relative to conf.py
    plain = scan(docs, {"paths": ["../src/*.py"], "url": "https://h/{path}?l={line}"})
    assert [t.url for t in plain.tags] == ["https://h/src/a.py?l=1", "https://h/src/a.py?l=2"]


def test_two_entries_naming_the_same_file_give_each_tag_once(tmp_path: Path) -> None:
    docs = project(tmp_path, {"a.py": "# implements: DEC-1\n# [impl->dsn~x~1]\n"})
    result = scan(
        docs,
        {"paths": ["../src/*.py"], "url": "https://one/{path}"},
        {"paths": ["../src/**"], "url": "https://two/{path}"},
        {"paths": ["../src/a.py"], "pattern": OFT},
    )
    assert [(t.id, t.line, t.url) for t in result.tags] == [
        ("DEC-1", 1, "https://one/../src/a.py"),
        ("x", 2, ""),
    ]
    assert result.files == 1


# -- the cache ------------------------------------------------------------------------


def counting_reader(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real: Callable[[str], str | None] = code.read_source

    def reader(path: str) -> str | None:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(code, "read_source", reader)
    return read


def test_a_rescan_reads_only_the_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = project(tmp_path, {f"m{i}.py": f"# implements: DEC-{i}\n" for i in range(5)})
    write(tmp_path / "src", {"blob.bin": b"\x00implements: X"})
    cache = tmp_path / "cache"
    read = counting_reader(monkeypatch)
    entry = {"paths": ["../src/*"]}
    first = scan(docs, entry, cache=cache)
    assert sorted(read) == ["blob.bin", "m0.py", "m1.py", "m2.py", "m3.py", "m4.py"]
    read.clear()
    assert scan(docs, entry, cache=cache) == first
    assert read == []
    changed = tmp_path / "src" / "m3.py"
    changed.write_text("\n# implements: DEC-33\n", encoding="utf-8")
    os.utime(changed, ns=(1, 1))  # a new mtime, whatever the clock's resolution
    (tmp_path / "src" / "m4.py").unlink()
    again = scan(docs, entry, cache=cache)
    assert read == ["m3.py"]
    assert [(t.id, t.line) for t in again.tags] == [
        ("DEC-0", 1),
        ("DEC-1", 1),
        ("DEC-2", 1),
        ("DEC-33", 2),
    ]
    assert again.files == 4
    # the vanished file's entry is dropped
    _, kept = marshal.loads((cache / CACHE_NAME).read_bytes())
    assert sorted(Path(path).name for path, _ in kept) == [
        "blob.bin",
        "m0.py",
        "m1.py",
        "m2.py",
        "m3.py",
    ]
    # another pattern over the same files is another key
    read.clear()
    scan(docs, {"paths": ["../src/m0.py"], "pattern": OFT}, cache=cache)
    assert read == ["m0.py"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage\x00\xff",
        marshal.dumps(("designdoc-code 0 old", {})),
        marshal.dumps([1, 2]),
        marshal.dumps((code._CACHE_FORMAT, [("x",)])),
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    docs = project(tmp_path, {"a.py": "# implements: DEC-1\n"})
    cache = tmp_path / "cache"
    write(cache, {CACHE_NAME: content})
    read = counting_reader(monkeypatch)
    result = scan(docs, {"paths": ["../src/*.py"]}, cache=cache)
    assert found(result) == [("DEC-1", "implements", "../src/a.py", 1)]
    assert read == ["a.py"]
    fmt, kept = marshal.loads((cache / CACHE_NAME).read_bytes())
    assert fmt == code._CACHE_FORMAT
    assert next(iter(kept.values()))[2] == (("DEC-1", "implements", 1),)
    assert [p.name for p in cache.iterdir()] == [CACHE_NAME]


@requires_git
@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("rev-parse", "fatal: detected dubious ownership in repository at '{root}'"),
        ("ls-files", "fatal: index file corrupt"),
    ],
)
def test_when_git_fails_the_folders_are_walked_and_it_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, said: str
) -> None:
    docs = project(tmp_path, {"a.py": "# implements: DEC-1\n", "junk.py": "# implements: X\n"})
    write(tmp_path, {".gitignore": "junk.py\n"})
    git(tmp_path, "init", "-q")
    real_run = files.Git.run

    def run(self: files.Git, args: list[str], cwd: str) -> tuple[int, bytes, str]:
        if args[0] == command:
            return 128, b"", said.format(root=tmp_path)
        return real_run(self, args, cwd)

    monkeypatch.setattr(files.Git, "run", run)
    result = scan(docs, {"paths": ["../src/*.py"]})
    assert [t.id for t in result.tags] == ["DEC-1", "X"]
    where = "../src" if command == "rev-parse" else ".."
    assert result.problems == [
        Problem(
            "",
            None,
            f"designdoc_code: git could not list the files of {where} "
            f"({said.format(root=tmp_path)}); its folders were walked, without .gitignore",
        )
    ]
