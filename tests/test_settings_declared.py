"""A setting is declared once: each ``designdoc_*`` setting is a field of
``config.Settings`` carrying its name, default, help, rebuild kind and reader, and
everything else comes from there: Sphinx's registration, the validation at
``config-inited``, the settings page, and the help texts that name a list (the report
formats, the build folders) read that list.  The state of a run is reached through one
accessor, not a module-level table."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from conftest import warnings_of, write_project

from sphinx_designdoc import config
from sphinx_designdoc.cli.data import BUILD_FOLDERS
from sphinx_designdoc.cli.parser import build_parser
from sphinx_designdoc.config import CONFIG_VALUES, Settings, build_settings
from sphinx_designdoc.formats import FORMATS
from sphinx_designdoc.graph import Graph
from sphinx_designdoc.state import project_state
from sphinx_designdoc.vocabulary_config import build_schema

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "sphinx_designdoc"
sys.path.insert(0, str(REPO))
from scripts import generate_docs  # noqa: E402

#: a value no setting takes
BAD = 1j


def test_the_settings_are_the_fields_of_settings() -> None:
    """Every field of Settings is read from declared settings, and the settings Sphinx
    and the docs know are exactly those, once each, named ``designdoc_*``."""
    declared = [
        value for f in dataclasses.fields(Settings) for value in f.metadata["designdoc"].settings
    ]
    assert list(CONFIG_VALUES) == declared
    names = [value.name for value in CONFIG_VALUES]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"designdoc_[a-z_]+", name) for name in names)
    assert all(value.help and value.rebuild in ("", "env") for value in CONFIG_VALUES)


def test_every_setting_is_registered_with_its_default_and_rebuild_kind(make_app, tmp_path) -> None:
    app = make_app("html", srcdir=write_project(tmp_path / "src", {"index.rst": "Home\n====\n"}))
    for value in CONFIG_VALUES:
        registered = app.config.values[value.name]
        assert registered.default == value.default, value.name
        assert registered.rebuild == value.rebuild, value.name
        assert registered.description == value.help, value.name
        assert getattr(app.config, value.name) == value.default, value.name


@pytest.mark.parametrize("value", CONFIG_VALUES, ids=lambda value: value.name)
def test_every_setting_is_validated(value: config.ConfigValue) -> None:
    """A value the setting does not take is one problem that names the setting, and the
    setting then reads as if it were not set."""
    settings, problems = build_settings({value.name: BAD})
    assert len(problems) == 1 and value.name in problems[0], problems
    default, _ = build_settings({})
    for f in dataclasses.fields(Settings):
        if f.name == "schema":  # no Schema equality: compare what the docs show of it
            assert list(settings.schema.types) == list(default.schema.types)
            assert list(settings.schema.links) == list(default.schema.links)
        elif f.name == "id_regex":
            assert settings.id_regex.pattern == default.id_regex.pattern
        else:
            assert getattr(settings, f.name) == getattr(default, f.name), f.name


def test_validation_at_config_inited_reports_each_bad_setting(make_app, tmp_path) -> None:
    """Each bad setting is a ``designdoc.config`` warning located at its line of conf.py."""
    lines = [f"{value.name} = {BAD!r}" for value in CONFIG_VALUES]
    conf = 'extensions = ["sphinx_designdoc"]\nshow_warning_types = True\n' + "\n".join(lines)
    src = write_project(tmp_path / "src", {"index.rst": "Home\n====\n"}, conf=conf)
    app = make_app("html", srcdir=src)
    app.build()
    warnings = [w for w in warnings_of(app) if w.endswith("[designdoc.config]")]
    for number, value in enumerate(CONFIG_VALUES, 3):
        assert any(f"conf.py:{number}: WARNING: {value.name}" in w for w in warnings), value.name
    assert len(warnings) == len(CONFIG_VALUES), warnings


def test_every_setting_is_on_the_settings_page() -> None:
    """``docs/settings.md`` has a row per setting: its name, default and help."""
    page = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    for value in CONFIG_VALUES:
        row = (
            f"| {generate_docs.code(value.name)} | {generate_docs.code(repr(value.default))} "
            f"| {generate_docs.text(value.help)} |"
        )
        assert row in page.splitlines(), value.name


def test_the_help_texts_read_the_lists_they_name() -> None:
    """The export formats in the help of ``designdoc_exports`` and of ``designdoc export``,
    and the build folders in the help of ``--data``, are the lists the code uses."""
    (exports,) = [value for value in CONFIG_VALUES if value.name == "designdoc_exports"]
    written = [name for name in FORMATS if name != "json"]  # designdoc.json is always written
    assert f"({', '.join(written)})" in exports.help
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    export = commands.choices["export"]
    (fmt,) = [a for a in export._actions if a.dest == "format"]
    assert fmt.choices == tuple(FORMATS)
    assert all(
        f"{f.name} ({f.description})" in (export.description or "") for f in FORMATS.values()
    )
    (data,) = [a for a in export._actions if a.dest == "data"]
    assert (data.help or "").endswith("under " + ", ".join(BUILD_FOLDERS))


def test_a_graph_counts_the_default_tracing_statuses() -> None:
    (tracing,) = [value for value in CONFIG_VALUES if value.name == "designdoc_tracing_statuses"]
    graph = Graph([], build_schema({}, {}))
    assert graph.tracing_statuses == frozenset(tracing.default)


def test_the_state_of_a_run_is_reached_through_one_accessor(make_app, tmp_path) -> None:
    """No module keeps the state of a run in a table of its own: the settings read at
    ``config-inited`` are the ones every later event sees."""
    sources = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    assert not [str(path) for path, text in sources.items() if "WeakKeyDictionary" in text]
    conf = 'extensions = ["sphinx_designdoc"]\ndesigndoc_exports = ["csv"]\n'
    app = make_app(
        "html", srcdir=write_project(tmp_path / "src", {"index.rst": "Home\n====\n"}, conf)
    )
    state = project_state(app)
    assert state.settings.exports == ("csv",)
    app.build()
    assert project_state(app) is state and state.written is None  # handed back at the end
    assert (Path(app.outdir) / "designdoc.csv").exists()


def test_a_setting_is_located_where_python_assigns_it(tmp_path) -> None:
    """conf.py is read with Python's own parser: a setting's name in a string or a
    comment is no assignment; an assignment inside a block, an augmented or annotated
    one, one of a subscript and one in a tuple are."""
    from sphinx_designdoc.confpy import ConfLocation

    conf_py = tmp_path / "conf.py"
    conf_py.write_text(
        '"""Settings.\n\ndesigndoc_types = {} is set below.\n"""\n'  # 1-4
        "# designdoc_links = {}\n"  # 5
        "if True:\n"  # 6
        "    designdoc_min_coverage: float = 200\n"  # 7
        "designdoc_types = {\n    'a': 1}\n"  # 8-9
        "designdoc_types['b'] = 2\n"  # 10
        "other, designdoc_links = 1, 2\n"  # 11
        "extensions = []\nextensions += ['x']\n",  # 12-13
        encoding="utf-8",
    )
    conf = ConfLocation(conf_py, tmp_path)
    assert conf.line_of("designdoc_types") == 8
    assert conf.line_of("designdoc_links") == 11
    assert conf.line_of("designdoc_min_coverage") == 7
    assert conf.line_of("extensions", "designdoc_links") == 11
    assert conf.line("designdoc_min_coverage must be a number") == 7
    assert conf.line_of("designdoc_lock") == 1  # not set: the file's first line
    broken = tmp_path / "broken.py"
    broken.write_text("designdoc_types = (\n", encoding="utf-8")
    assert ConfLocation(broken, tmp_path).line_of("designdoc_types") == 1
