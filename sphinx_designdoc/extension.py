"""The one module that touches the Sphinx application: settings, domain, nodes,
directives, the post-transform, events and builders are wired here.

The events follow the data flow: settings are validated once (``config-inited``); the
directives record what they read in the domain, and ``doctree-read`` completes it with
what only the whole page tells; every build reports the findings (``env-updated``)
and tells Sphinx which unchanged pages show something that changed
(``env-get-updated``, :mod:`.incremental`); ``build-finished`` writes the reports.
"""

# implements: DEC-MYST, DEC-FINDINGS-EVERY-BUILD (docs/design.rst)

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from . import codec, collector, incremental
from ._compat import is_docutils_directive, registered_directive
from ._version import __version__
from .assets import setup_assets
from .builder import DesigndocBuilder, write_export
from .checks import checked_subtypes
from .config import CONFIG_VALUES, build_settings, config_values
from .confpy import ConfLocation
from .directives.objects import ObjectDirective, make_directive
from .directives.views import setup_views
from .domain import DesigndocDomain, get_domain
from .fileio import write_atomic
from .model import Finding
from .nodes import PLACEHOLDERS, designdoc_graph, designdoc_html
from .safety import is_web_url
from .state import ProjectState, project_state, set_project_state
from .subtypes import WARNING_TYPE, is_suppressed
from .transforms import DesigndocPostTransform
from .views.graph import visit_graph_html

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def log_finding(finding: Finding, srcdir: Path) -> None:
    """The single place findings become Sphinx warnings."""
    location: str | nodes.Node | None = None
    if finding.source and is_web_url(finding.source):  # a fetched file (designdoc_external)
        location = f"{finding.source}:{finding.line}" if finding.line else finding.source
    elif finding.source:
        path = os.path.normpath(srcdir / finding.source)
        if finding.line:
            location = f"{path}:{finding.line}"
        else:  # a node with a source and no line: "path:", as Sphinx itself writes it
            location = nodes.Element()
            location.source = path
    logger.warning(finding.message, type=WARNING_TYPE, subtype=finding.subtype, location=location)


def _directive_owner(name: str) -> str | None:
    """What already owns the directive ``name`` (a type makes a directive of its name):
    docutils and Sphinx directives and other extensions', but not our own types'."""
    registered = registered_directive(name)
    if registered is not None:
        if isinstance(registered, type) and issubclass(registered, ObjectDirective):
            return None
        return f"the directive '{name}' of {getattr(registered, '__module__', 'another extension')}"
    if is_docutils_directive(name):
        return f"a docutils directive ('.. {name}::')"
    return None


def _on_config_inited(app: Sphinx, config: Config) -> None:
    """Validate the settings, once: every other module reads them through
    :func:`.state.project_state`, and each problem is a finding, located at its
    line of conf.py, reported by every build (:func:`_on_env_updated`)."""
    need_types = _need_type_names(app, config)
    settings, problems = build_settings(
        config_values(config),
        taken=lambda name: None if name in need_types else _directive_owner(name),
    )
    conf = ConfLocation(Path(app.confdir) / "conf.py", app.srcdir)
    findings = [Finding("config", p, conf.source, conf.line(p)) for p in problems]
    set_project_state(app, ProjectState(settings, conf, findings))
    if not settings.plain_directives:
        return  # ``dd:<name>`` only, from the domain
    # plain directive names for every type, except those of the project's need types
    clashes = [name for name in settings.schema.types if name in need_types]
    for name in settings.schema.types:
        if name not in need_types:
            app.add_directive(name, make_directive(name), override=True)
    if clashes:
        names = ", ".join(f"'{name}'" for name in clashes)
        dd_names = ", ".join(f"'dd:{name}'" for name in clashes)
        message = (
            f"the sphinx-needs need type(s) {names} keep their directives; write design "
            f"objects of those types as {dd_names}, or set designdoc_plain_directives = "
            "False to write every design object with its dd: name"
        )
        findings.append(Finding("config", message, conf.source, conf.line_of("needs_types")))


def _need_type_names(app: Sphinx, config: Config) -> set[str]:
    """The directive names of the project's sphinx-needs need types (resolved by
    sphinx-needs at ``config-inited`` priority 12, before this handler), which keep
    their names whatever the order of ``extensions``."""
    if "sphinx_needs" not in app.extensions:
        return set()
    names = set()
    for entry in getattr(config, "needs_types", None) or ():
        if isinstance(entry, dict) and isinstance(entry.get("directive"), str):
            names.add(entry["directive"])
    return names


#: the oldest sphinx-needs whose API the bridge uses
NEEDS_MINIMUM = "9.1"


def _on_config_inited_needs(app: Sphinx, config: Config) -> None:
    """Load the sphinx-needs bridge only when sphinx-needs is enabled, so a project
    without it never imports it.  At priority 520, after sphinx-needs loaded the
    project's own need configuration (500) and whatever the order of ``extensions``."""
    state = project_state(app)
    conf = state.conf
    if "sphinx_needs" not in app.extensions:
        if state.settings.needs_types:
            message = (
                "designdoc_needs_types maps sphinx-needs need types, but sphinx_needs is "
                "not in extensions: the setting has no effect"
            )
            state.config_findings.append(
                Finding("config", message, conf.source, conf.line(message))
            )
        return
    problem = needs_version_problem()
    if problem is not None:
        state.config_findings.append(
            Finding("needs", problem, conf.source, conf.line_of("extensions"))
        )
        return
    from .needs_bridge import setup_bridge

    setup_bridge(app, config, state)


def needs_version_problem() -> str | None:
    """Why the installed sphinx-needs cannot carry the bridge (too old, or unknown),
    checked once from its metadata: older versions lack the API it calls, and would
    fail once per object."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import InvalidVersion, Version

    try:
        installed = version("sphinx-needs")
        too_old = Version(installed) < Version(NEEDS_MINIMUM)
    except (PackageNotFoundError, InvalidVersion):
        installed, too_old = "of an unknown version", True
    if not too_old:
        return None
    on_old_python = (
        f"; sphinx-needs {NEEDS_MINIMUM} needs Python 3.11 or newer, and this is Python "
        f"{sys.version_info.major}.{sys.version_info.minor}"
        if sys.version_info < (3, 11)
        else ""
    )
    return (
        f"sphinx-needs {installed} is installed; design objects become needs with "
        f"sphinx-needs {NEEDS_MINIMUM} or newer (pip install 'sphinx-needs>={NEEDS_MINIMUM}')"
        f"{on_old_python}. In this build they are not needs, and designdoc_needs_types "
        "is not read"
    )


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Complete the record of the page just read (:meth:`.DesigndocDomain.complete_doc`)."""
    get_domain(app.env).complete_doc(app.env.docname, doctree)


def _on_builder_inited(app: Sphinx) -> None:
    """Note whether Graphviz can be run (``dd-graph`` shows a table and one warning
    when it cannot)."""
    project_state(app).graphviz = shutil.which(str(app.config.graphviz_dot or "dot")) is not None


def _on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    get_domain(env).start_build()


def _on_env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    """Report every finding, in every build.

    ``env-check-consistency`` would be the natural place, but Sphinx skips it when no
    document changed, and then a ``-W`` build of an unchanged tree would pass while
    its findings stand.  ``env-updated`` runs in every build, in the main process, after
    parallel readers are merged and after the sphinx-needs bridge made its needs.
    """
    srcdir = Path(env.srcdir)
    suppress = app.config.suppress_warnings
    for finding in get_domain(env).project.findings:
        # what Sphinx would drop anyway costs its logging machinery nothing this way
        if not is_suppressed(finding.subtype, suppress):
            log_finding(finding, srcdir)


def _on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose links, backlinks or views changed because another page changed.

    Each page's fingerprint is compared with the one it had when it was last written,
    not with the previous build's: the environment is saved before pages are written,
    so an interrupted build would otherwise leave the pages it did not write stale.
    """
    domain = get_domain(env)
    new = incremental.fingerprints(domain)
    incremental.refresh_rows(domain, app.builder)
    if not getattr(app.builder, "designdoc_writes_pages", True):
        return []
    return incremental.pages_to_rewrite(app, new)


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A page is being written (in the main process, also in parallel builds)."""
    fingerprint = get_domain(app.env).current_fingerprints.get(docname)
    incremental.note_written(app.env, docname, fingerprint)


def _on_build_finished(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder is None:
        return
    incremental.save_written(app)
    domain = get_domain(app.env)
    rows = incremental.object_rows(domain, app.builder)
    report = codec.build_report(
        domain.graph,
        domain.project.findings,
        domain.settings.schema,
        domain.settings.tracing_statuses,
        project=app.config.project,
        suppress_warnings=app.config.suppress_warnings,
        checks_run=checked_subtypes(),
        objects=[],
        lock=_lock_path(app, domain.settings.lock),
    )
    outdir = Path(app.outdir)
    write_atomic(outdir / codec.FILENAME, codec.chunks(report, objects=rows))
    if domain.settings.exports:
        # the exports read the same rows as designdoc.json
        report["objects"] = json.loads("[" + ",".join(rows) + "]")
        for fmt in domain.settings.exports:
            write_export(app, fmt, report, outdir)


def _lock_path(app: Sphinx, name: str | None) -> str | None:
    """``designdoc_lock`` (relative to conf.py) as the report names it: relative to the
    source folder, like every file a report names."""
    if name is None:
        return None
    path = Path(app.confdir or app.srcdir, name)
    return os.path.relpath(path, app.srcdir).replace(os.sep, "/")


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _visit_html(self: Any, node: nodes.Element) -> None:
    # pieces, not one string: a large view's table is never copied into one more string
    self.body.extend(node["writer"]())
    raise nodes.SkipNode


def _add_node(
    app: Sphinx, node_class: type[nodes.Element], html_visit: Callable[[Any, Any], None]
) -> None:
    """Register a node of ours: written by ``html_visit`` in HTML, skipped elsewhere."""
    app.add_node(
        node_class,
        html=(html_visit, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )


def setup(app: Sphinx) -> dict[str, Any]:
    for cv in CONFIG_VALUES:
        # any type: the values are checked once, here, with located messages
        app.add_config_value(cv.name, cv.default, cv.rebuild, Any, description=cv.help)
    app.add_domain(DesigndocDomain)
    app.add_builder(DesigndocBuilder)
    for node_class in PLACEHOLDERS:
        _add_node(app, node_class, html_visit=_skip)
    _add_node(app, designdoc_html, html_visit=_visit_html)
    _add_node(app, designdoc_graph, html_visit=visit_graph_html)
    app.add_post_transform(DesigndocPostTransform)
    setup_views(app)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("config-inited", _on_config_inited)
    app.connect("config-inited", _on_config_inited_needs, priority=520)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("env-updated", _on_env_updated, priority=800)
    app.connect("env-get-updated", _on_env_get_updated)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("build-finished", _on_build_finished)
    setup_assets(app)
    collector.setup(app)
    return {
        "version": __version__,
        "env_version": DesigndocDomain.data_version,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
