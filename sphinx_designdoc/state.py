"""What the extension keeps for one Sphinx application while it runs, besides the
environment: one :class:`ProjectState`, reached through :func:`project_state` alone.

It hangs off the application, not the environment: the settings are validated at
``config-inited``, before Sphinx makes the environment, and the environment is pickled
between builds, while this state must be made again by every run (the settings may have
changed) and must never be saved.  Parallel workers are forked with the application, so
they inherit it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .config import Settings, build_settings, config_values
from .confpy import ConfLocation
from .model import Finding, Item

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx_needs.need_item import NeedItem


@dataclass
class ProjectState:
    """The settings, validated once when the configuration is read, the problems found
    with them, and what one build hands from one event to a later one."""

    settings: Settings
    conf: ConfLocation
    #: problems of the settings (``config``) and of the sphinx-needs bridge's set-up
    config_findings: list[Finding] = field(default_factory=list)
    #: whether Graphviz's ``dot`` can be run (``dd-graph`` draws, or shows a table)
    graphviz: bool = True
    #: whether this build froze objects and must hand them back (:mod:`.collector`)
    frozen: bool = False
    #: with the sphinx-needs bridge: the project's needs as objects (those of the types
    #: ``designdoc_needs_types`` maps) and the need type of every other need, by ID
    needs_source: Callable[[BuildEnvironment, Settings], ProjectNeeds] | None = None
    #: with the sphinx-needs bridge: the needs the previous build added, taken out before
    #: reading and reused where their object did not change
    needs_stash: dict[str, NeedItem] = field(default_factory=dict)
    #: while pages are written: page -> the fingerprint it is written with
    #: (:mod:`.incremental`); None outside that part of a build
    written: dict[str, str] | None = None


@dataclass(frozen=True)
class ProjectNeeds:
    """The needs sphinx-needs read in this project, as the checks and views see them."""

    #: needs of a mapped type, as objects of ours (``origin="sphinx-needs"``)
    items: list[Item] = field(default_factory=list)
    #: every other need: ID -> need type (a link to one says how to map its type)
    unmapped: dict[str, str] = field(default_factory=dict)


#: the application's attribute that holds its state
_ATTRIBUTE = "designdoc_state"


def set_project_state(app: Sphinx, state: ProjectState) -> None:
    setattr(app, _ATTRIBUTE, state)


def project_state(app: Sphinx) -> ProjectState:
    """The state :func:`set_project_state` recorded at ``config-inited``; for an
    application that never ran it (a stand-in in a benchmark), settings from its
    configuration as they are."""
    state = getattr(app, _ATTRIBUTE, None)
    if state is None:
        conf = ConfLocation(Path(app.confdir or app.srcdir) / "conf.py", app.srcdir)
        state = ProjectState(build_settings(config_values(app.config))[0], conf)
        set_project_state(app, state)
    return cast("ProjectState", state)
