"""SARIF 2.1.0: one result per check finding, for GitHub code scanning and other viewers.

GitHub resolves ``artifactLocation.uri`` against the repository root, while the report's
paths are relative to the Sphinx source folder; ``path_prefix`` (the source folder
relative to the repository, e.g. ``docs/``) bridges the two.  Each result carries a
fingerprint that does not depend on its line, so moving text does not reopen alerts.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..safety import is_web_url
from ..subtypes import DOCS_URL, SUBTYPES, rule_name
from ._common import text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = DOCS_URL


def repository_prefix(srcdir: str | os.PathLike[str]) -> str:
    """The source folder relative to its repository root (``docs/``), or ``""``.

    The root is the nearest folder holding ``.git``; outside a repository, paths stay
    relative to the source folder.
    """
    src = Path(srcdir).resolve()
    for parent in (src, *src.parents):
        if (parent / ".git").exists():
            rel = src.relative_to(parent).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def _rule(subtype: str) -> dict[str, Any]:
    """The rule metadata viewers show next to a result, from the one list of warning
    kinds (:mod:`..subtypes`); a subtype this version does not know (a report of a newer
    one) gets a plain description."""
    known = SUBTYPES.get(subtype)
    summary = known.summary if known else f"designdoc check {subtype!r}."
    fix = f"{known.fix} " if known else ""
    return {
        "id": rule_name(subtype),
        "name": "".join(part.capitalize() for part in subtype.split("_")),
        "shortDescription": {"text": summary},
        "fullDescription": {
            "text": f"{summary} {fix}Silence it with suppress_warnings = "
            f'["{rule_name(subtype)}"] in conf.py.'
        },
        "defaultConfiguration": {"level": _level(subtype)},
        "helpUri": known.help_url if known else INFORMATION_URI,
        "properties": {"tags": ["design", "traceability"]},
    }


def _level(subtype: str) -> str:
    known = SUBTYPES.get(subtype)
    return known.level if known else "warning"


def _fingerprint(finding: Mapping[str, Any]) -> str:
    key = "\x00".join(text(finding.get(k)) for k in ("rule", "id", "source", "message"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _location(finding: Mapping[str, Any], path_prefix: str) -> dict[str, Any]:
    # a finding with no file (a project-wide one) points at conf.py, since GitHub
    # requires a location and that is where such problems are fixed
    source = str(finding.get("source") or "conf.py")
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(source, path_prefix)}}
    line = finding.get("line")
    if isinstance(line, int) and line >= 1:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.get("id"):
        location["logicalLocations"] = [{"name": str(finding["id"]), "kind": "object"}]
    return location


def _uri(source: str, path_prefix: str) -> str:
    """A finding's file as a URI: relative to the repository for the project's files,
    as it is for a file another project serves (``designdoc_external``, a URL) and a
    ``file:`` URI for one outside the source folder's tree on another drive."""
    if is_web_url(source):
        return source
    if PureWindowsPath(source).is_absolute() or source.startswith("/"):
        return _file_uri(source)
    return posixpath.normpath(path_prefix + source)


def _file_uri(source: str) -> str:
    path = PureWindowsPath(source) if PureWindowsPath(source).drive else PurePosixPath(source)
    return path.as_uri()


def finding_result(finding: Mapping[str, Any], rule_index: int, path_prefix: str) -> dict[str, Any]:
    """A finding as a SARIF result: what ``designdoc check`` and ``designdoc diff`` write."""
    subtype = str(finding.get("subtype"))
    return {
        "ruleId": rule_name(subtype),
        "ruleIndex": rule_index,
        "level": _level(subtype),
        "message": {"text": text(finding.get("message")) or subtype},
        "locations": [_location(finding, path_prefix)],
        "partialFingerprints": {"designdocFinding/v1": _fingerprint(finding)},
    }


def sarif_log(
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    automation_id: str,
    version: str | None = None,
) -> dict[str, Any]:
    """One run of the package's tool, with its rules and results."""
    driver: dict[str, Any] = {"name": "sphinx-designdoc"}
    if version is not None:
        driver["version"] = version
    driver.update(informationUri=INFORMATION_URI, rules=rules)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": automation_id},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def directory_prefix(path_prefix: str) -> str:
    """A path prefix as a folder: ``docs`` is ``docs/``."""
    return path_prefix + "/" if path_prefix and not path_prefix.endswith("/") else path_prefix


def build(report: Mapping[str, Any], path_prefix: str = "") -> dict[str, Any]:
    path_prefix = directory_prefix(path_prefix)
    findings = list(report.get("findings") or [])
    subtypes = sorted({*(report.get("checks") or {}), *(f.get("subtype") for f in findings)})
    index = {s: i for i, s in enumerate(subtypes)}
    generator = report.get("generator") or {}
    results = []
    for f in findings:
        result = finding_result(f, index[str(f.get("subtype"))], path_prefix)
        if f.get("suppressed"):
            result["suppressions"] = [
                {"kind": "external", "justification": "suppress_warnings in conf.py"}
            ]
        results.append(result)
    return sarif_log(
        [_rule(s) for s in subtypes],
        results,
        f"designdoc/{report.get('project') or ''}",
        str(generator.get("version", "")),
    )


def render(report: Mapping[str, Any], *, path_prefix: str = "", **_: Any) -> str:
    return json.dumps(build(report, path_prefix), indent=2, ensure_ascii=False) + "\n"
