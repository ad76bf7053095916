"""pyproject checks: the dependencies a project declares agree with its
dependency objects, group by group."""

from __future__ import annotations

from pathlib import Path

import pytest
from checks_helpers import context, messages, obj
from conftest import find_warning, warnings_of, write_project

from sphinx_designdoc.checks.pyproject import check_pyproject


def _count(warnings: list[str], subtype: str) -> int:
    return sum(1 for w in warnings if w.endswith(f"[designdoc.{subtype}]"))


@pytest.mark.parametrize(
    ("pyproject", "location", "fragment"),
    [
        # a path that cannot be read is fixed in conf.py, where the setting is
        ("missing.toml", "conf.py:", "designdoc_pyproject 'missing.toml' (missing.toml)"),
        # a file that is not TOML is fixed in the file, at the line the parser names
        ("broken.toml", "broken.toml:", "broken.toml is not valid TOML"),
    ],
)
def test_missing_or_corrupt_pyproject_is_a_warning(
    make_app, copy_root, pyproject: str, location: str, fragment: str
) -> None:
    app = make_app(
        "html", srcdir=copy_root("checks"), confoverrides={"designdoc_pyproject": pyproject}
    )
    app.build()
    w = warnings_of(app)
    find_warning(w, location, "pyproject", fragment)
    assert _count(w, "pyproject") == 1


#: a pyproject.toml as projects write them: extras (one includes another through the
#: project's own name), PEP 735 groups (one includes others), names to normalise
PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "Payment_Gateway"
version = "1.4.0"
dependencies = [
    "httpx>=0.27,<1",
    "pydantic>=2.6",
    "tomli>=1.1; python_version<'3.11'",
]

[project.optional-dependencies]
postgres = ["psycopg[binary]>=3.1"]
Docs = ["sphinx>=7.4", "myst-parser>=3"]
all = ["payment-gateway[postgres,docs]"]

[dependency-groups]
test = ["pytest>=8", "hypothesis>=6", "respx"]
lint = ["ruff>=0.6", "mypy>=1.10"]
dev = [{include-group = "test"}, {include-group = "lint"}, "pre-commit"]
build = ["build>=1"]
release = ["twine>=5"]
Typing = ["types-requests"]
"""


#: (ID, package, :scope: or None, :version: or None)
PYPROJECT_DEPENDENCIES = [
    ("DEP-HTTPX", "httpx", None, "<1,>=0.27"),
    ("DEP-PYDANTIC", "pydantic", "runtime", ">=2"),  # version differs
    ("DEP-PSYCOPG", "psycopg", "runtime", ">=3.1"),  # an extra: an optional runtime feature
    ("DEP-PYTEST", "pytest", "test", ">=8"),
    ("DEP-HYPOTHESIS", "hypothesis", "dev", None),  # dev may be in any development group
    ("DEP-RUFF", "ruff", "development", ">=0.6"),  # the old spelling of dev
    ("DEP-MYPY", "mypy", "test", None),  # a dev group holds test dependencies too
    ("DEP-SPHINX", "sphinx", "docs", ">=7.4"),  # the extra "Docs", normalised
    ("DEP-MYST", "myst-parser", "test", None),  # in the docs extra only
    ("DEP-RESPX", "respx", None, None),  # runtime by default, in test groups only
    ("DEP-PRECOMMIT", "pre-commit", "build", None),  # in the dev group
    ("DEP-HATCHLING", "hatchling", "build", ">=1.25"),  # in [build-system] requires
    ("DEP-BUILD", "build", "build", ">=1"),
    ("DEP-TWINE", "twine", "dev", ">=5"),  # a dependency group of another name: dev
    ("DEP-TYPES", "types-requests", "dev", None),
    ("DEP-TOMLI", "tomli", "dev", None),  # installed with the package
    ("DEP-NUMPY", "numpy", "docs", None),  # nowhere
    ("DEP-STRIPE", "stripe-api", "service", None),  # a service: not a package to list
]


def _dependency_page(markup: str) -> str:
    blocks = []
    for item_id, package, scope, version in PYPROJECT_DEPENDENCIES:
        options = [("id", item_id), ("package", package)]
        options += [("scope", scope)] if scope else []
        options += [("version", version)] if version else []
        if markup == "rst":
            blocks.append(
                f".. dependency:: {package}\n"
                + "".join(f"   :{name}: {value}\n" for name, value in options)
            )
        else:
            blocks.append(
                f"```{{dependency}} {package}\n"
                + "".join(f":{name}: {value}\n" for name, value in options)
                + "```\n"
            )
    heading = "Dependencies\n============\n" if markup == "rst" else "# Dependencies\n"
    return heading + "\n" + "\n".join(blocks)


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_pyproject_scopes_follow_the_groups(make_app, tmp_path, markup: str) -> None:
    """Where pyproject.toml lists a package says its scope; each dependency is found in
    a place of its scope, or the check says where it is instead."""
    extensions = '"myst_parser", "sphinx_designdoc"' if markup == "md" else '"sphinx_designdoc"'
    src = write_project(
        tmp_path / "src",
        {f"index.{markup}": _dependency_page(markup), "pyproject.toml": PYPROJECT},
        f"extensions = [{extensions}]\nshow_warning_types = True\n"
        "designdoc_pyproject = 'pyproject.toml'\nsuppress_warnings = ['designdoc.unused']\n",
    )
    app = make_app("html", srcdir=src)
    app.build()
    w = warnings_of(app)
    page = f"index.{markup}:"
    find_warning(w, page, "pyproject", "DEP-PYDANTIC (pydantic) has :version: '>=2' but")
    myst = find_warning(
        w,
        page,
        "pyproject",
        "test dependency DEP-MYST (myst-parser) is listed only in "
        # "all" includes the docs extra through the project's own name
        "[project.optional-dependencies] docs (docs) and [project.optional-dependencies] all "
        "(runtime) of pyproject.toml; set :scope: docs, or move it to a test group of "
        "[dependency-groups] or [project.optional-dependencies] (test, tests, testing)",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "runtime dependency DEP-RESPX (respx) is listed only in [dependency-groups] test "
        "(test) and [dependency-groups] dev (dev) of pyproject.toml; set :scope: test, or move it "
        "to [project].dependencies",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "dev dependency DEP-TOMLI (tomli) is listed only in [project].dependencies (runtime)",
    )
    find_warning(
        w,
        page,
        "pyproject",
        "docs dependency DEP-NUMPY (numpy) is missing from a docs group of [dependency-groups] "
        "or [project.optional-dependencies] (docs, doc, documentation) of pyproject.toml",
    )
    assert _count(w, "pyproject") == 5, w
    assert len(w) == 5, w
    # a scope that disagrees is located at the :scope: line
    lines = (src / f"index.{markup}").read_text(encoding="utf-8").splitlines()
    at = int(myst.split(page, 1)[1].split(":", 1)[0])
    assert lines[at - 1].strip() == ":scope: test" and "myst-parser" in "".join(lines[at - 4 : at])


def test_pyproject_dependencies_agree(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["requests>=2,<3"]\n'
        '[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
        encoding="utf-8",
    )
    ctx = context(
        obj(
            "DEP-1",
            "dependency",
            fields={"scope": "runtime", "package": "requests", "version": "<3, >=2"},
        ),
        obj("DEP-2", "dependency", fields={"scope": "runtime", "package": "numpy"}),
        obj(
            "DEP-3",
            "dependency",
            fields={"scope": "development", "package": "pytest", "version": ">=7"},
        ),
        obj("DEP-4", "dependency", fields={"scope": "service", "package": "postgres"}),
        settings={"designdoc_pyproject": "pyproject.toml"},
        srcdir=str(tmp_path),
    )
    found = [m for _, m in messages(check_pyproject(ctx))]
    assert len(found) == 2
    assert found[0].startswith("runtime dependency DEP-2 (numpy) is missing")
    assert found[1].startswith("DEP-3 (pytest) has :version: '>=7'")


def test_pyproject_groups_are_read_whatever_the_file_holds(tmp_path: Path) -> None:
    """Include cycles, a long chain of includes, tables where lists belong, entries that
    are no requirement and a key with control characters: the check reads what it can,
    and says no more than what is wrong with the dependencies."""
    chain = "".join(f'g{n} = [{{include-group = "g{n + 1}"}}]\n' for n in range(3000))
    (tmp_path / "pyproject.toml").write_text(
        'build-system = 3\n[project]\nname = "x"\ndependencies = {not = "a list"}\n'
        'optional-dependencies = "nope"\n'
        "[dependency-groups]\n"
        'a = [{include-group = "b"}, "pytest>=8", "!!! no requirement", 7, {include-group = 3}]\n'
        'b = [{include-group = "a"}, {include-group = "missing"}, "ruff", "x[test]"]\n'
        'loop = [{include-group = "loop"}]\n'
        'flat = "pytest"\n'
        '"\\u001b[31mred" = ["mypy"]\n' + chain + 'g3000 = ["hypothesis"]\n',
        encoding="utf-8",
    )
    ctx = context(
        obj("DEP-1", "dependency", fields={"scope": "test", "package": "pytest", "version": ">=8"}),
        obj("DEP-2", "dependency", fields={"scope": "dev", "package": "ruff"}),
        obj("DEP-3", "dependency", fields={"scope": "dev", "package": "hypothesis"}),
        obj("DEP-4", "dependency", fields={"scope": "runtime", "package": "mypy"}),
        obj("DEP-5", "dependency", fields={"scope": "runtime", "package": "requests"}),
        settings={"designdoc_pyproject": "pyproject.toml"},
        srcdir=str(tmp_path),
    )
    found = [m for _, m in messages(check_pyproject(ctx))]
    assert found == [
        "runtime dependency DEP-4 (mypy) is listed only in [dependency-groups] '\\x1b[31mred' "
        "(dev) of pyproject.toml; set :scope: dev, or move it to [project].dependencies",
        "runtime dependency DEP-5 (requests) is missing from [project].dependencies of "
        "pyproject.toml; add it there, or fix :package:/:scope:",
    ]
