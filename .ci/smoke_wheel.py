"""Check the distributions' contents, then build a small design project in
reStructuredText and MyST with ``-W``, using only what the installed wheel carries.

Run by .ci/run as ``smoke_wheel.py DIST_DIR`` with the interpreter of a clean virtual
environment that has the wheel installed: nothing from the checkout is on the path,
since Python puts this script's folder, not the current one, first."""

from __future__ import annotations

import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

RST = """\
Checkout
========

.. requirement:: Accept card payments
   :id: REQ-1

.. decision:: Use the payment provider's hosted page
   :id: DEC-1
   :status: accepted
   :addresses: REQ-1
   :uses: DEP-1

.. dependency:: Payment provider SDK
   :id: DEP-1
   :version: >=5.3,<6

.. dd-matrix::
"""

MYST = """\
# Checkout

```{requirement} Accept card payments
:id: REQ-1
```

```{decision} Use the payment provider's hosted page
:id: DEC-1
:status: accepted
:addresses: REQ-1
:uses: DEP-1
```

```{dependency} Payment provider SDK
:id: DEP-1
:version: >=5.3,<6
```

```{dd-table}
:columns: id, title, status, traced
```
"""


def check_contents(dist: Path) -> list[str]:
    """What is wrong with the sdist and wheel in ``dist``: each must carry the licence
    and the package's stylesheet, the sdist the changelog, and neither a tests folder
    (which would not run without the repository's test roots)."""
    problems = []
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with tarfile.open(sdist) as tar:
        # every member is under the "name-version/" folder
        names = {member.split("/", 1)[1] for member in tar.getnames() if "/" in member}
    for needed in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"):
        if needed not in names:
            problems.append(f"the sdist has no {needed}")
    with zipfile.ZipFile(wheel) as whl:
        wheel_names = set(whl.namelist())
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel_names):
        problems.append("the wheel has no LICENSE")
    for where, listed in (("sdist", names), ("wheel", wheel_names)):
        if not any(name.endswith("sphinx_designdoc/static/designdoc.css") for name in listed):
            problems.append(f"the {where} has no stylesheet")
        if any(name.startswith("tests/") for name in listed):
            problems.append(f"the {where} carries tests/ without their roots")
    return problems


def main() -> int:
    from sphinx.cmd.build import build_main

    if len(sys.argv) != 2:
        print("usage: smoke_wheel.py DIST_DIR", file=sys.stderr)
        return 2
    problems = check_contents(Path(sys.argv[1]))
    for problem in problems:
        print(f"smoke: {problem}", file=sys.stderr)
    if problems:
        return 1

    import sphinx_designdoc

    where = Path(sphinx_designdoc.__file__).resolve()
    if Path.cwd().resolve() in where.parents:
        print(f"smoke: sphinx_designdoc comes from the checkout ({where})", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name, extensions, index in (
            ("rst", ["sphinx_designdoc"], ("index.rst", RST)),
            ("myst", ["myst_parser", "sphinx_designdoc"], ("index.md", MYST)),
        ):
            src = Path(tmp) / name
            src.mkdir()
            (src / "conf.py").write_text(f"extensions = {extensions!r}\n", encoding="utf-8")
            (src / index[0]).write_text(index[1], encoding="utf-8")
            out = src / "_build"
            code = build_main(["-W", "-q", "-b", "html", str(src), str(out)])
            if code or not (out / "designdoc.json").is_file():
                print(f"smoke: the {name} project did not build (exit {code})", file=sys.stderr)
                return 1
            print(f"smoke: the {name} project builds with -W from {where.parent}")
    return check_lsp_without_extra()


def check_lsp_without_extra() -> int:
    """Installed without the ``lsp`` extra, ``designdoc lsp`` says which extra it needs,
    in one line, with exit status 2."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("pygls") is not None:
        print("smoke: pygls is installed here; designdoc lsp without the extra not checked")
        return 0
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_designdoc", "lsp"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    lines = result.stderr.strip().splitlines()
    if result.returncode != 2 or len(lines) != 1 or "sphinx-designdoc[lsp]" not in lines[0]:
        print(f"smoke: designdoc lsp without the extra: {result!r}", file=sys.stderr)
        return 1
    print(f"smoke: designdoc lsp without the extra: {lines[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
