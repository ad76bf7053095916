"""The environment the package runs git in: the caller's, without what would point git
at another repository than the folder asked about (a hook's ``GIT_DIR``, an index of
its own), in the C locale and never prompting.  ``designdoc diff --base`` and the code
scanner both run git; one list keeps them alike."""

from __future__ import annotations

import os
from collections.abc import Mapping

#: what ``git rev-parse --local-env-vars`` lists (git 2.39), and the hook variables that
#: would point git elsewhere than the repository of the folder asked about
CALLER_GIT_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE",
        "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_SHALLOW_FILE",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
    }
)


def git_environment(environ: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``environ`` (the process's) without :data:`CALLER_GIT_VARIABLES`, in the C
    locale, never asking for a password, with ``extra`` on top."""
    env = {
        k: v
        for k, v in (os.environ if environ is None else environ).items()
        if k not in CALLER_GIT_VARIABLES
    }
    env.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", **extra)
    return env
