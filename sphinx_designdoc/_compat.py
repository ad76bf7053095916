"""Sphinx and docutils internals the package relies on, in one place.

Each function says which private attribute it reads and why, so a change of Sphinx or
docutils that breaks one is found here, not spread over the package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from docutils.parsers.rst import Directive
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


def env_app(env: BuildEnvironment) -> Sphinx:
    """The application of an environment: ``env._app`` since Sphinx 8.1, which deprecates
    ``env.app`` (Sphinx 9 warns about it)."""
    return cast("Sphinx", getattr(env, "_app", None) or env.app)


def current_builder(env: BuildEnvironment) -> Builder:
    """The running builder, without the ``app`` attributes Sphinx 9 deprecates."""
    return env_app(env).builder


def registered_directive(name: str) -> type[Directive] | None:
    """The directive class registered under ``name`` (docutils keeps no public list):
    ``directives._directives`` holds what Sphinx and extensions registered."""
    from docutils.parsers.rst import directives

    found = directives._directives.get(name)  # type: ignore[attr-defined]
    return cast("type[Directive] | None", found)


def is_docutils_directive(name: str) -> bool:
    """Whether docutils itself defines a directive ``name`` (loaded on first use, so
    not yet in :func:`registered_directive`): ``directives._directive_registry``."""
    from docutils.parsers.rst import directives

    return name in directives._directive_registry  # type: ignore[attr-defined]
