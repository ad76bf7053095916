"""The sphinx-needs bridge: every designdoc object is also a sphinx-needs need.

This is the only module that imports ``sphinx_needs``.  :mod:`.extension` imports it
from a ``config-inited`` handler, and only when ``sphinx_needs`` is in
``app.extensions``, so a project without sphinx-needs never loads it.

How the vocabulary maps (the user guide documents it):

- each object type ``<name>`` is the need type ``dd_<name>`` (``dd_requirement``,
  ``dd_decision``, ...).  A need type registers a directive of its own name, so the plain
  names (``requirement``) must never be need types: they stay our directives.  The
  ``needs`` export and :func:`.needs_config` use the same names;
- each link option is a sphinx-needs link type of the same name (``addresses``,
  ``uses``, ``supersedes``, ``refines``), declared in ``needs_links``;
- each field is a sphinx-needs field of the same name, or ``dd_<name>`` where
  sphinx-needs reserves the name (the ``designdoc`` type's ``template``); a need
  carries the fields of its object's type, not an option the build rejected;
- a need type, field or link type the project already declares under that name is
  reused, not redeclared, so a project can style ``dd_decision`` in ``needs_types`` or
  share a ``priority`` field between its needs and our objects.

How the needs stay exact (what matters most):

The needs are *derived* data, a pure function of the designdoc graph, made again in
the main process after all documents are read and parallel readers merged
(``env-updated``).  Each is added with its object's ``docname`` and line, as a need
imported into that page (``is_import``): tables, flows and ``:need:`` link to the
object's own anchor through the builder, from any page depth and for any builder, and
the ``needs`` builder exports them.  Before the next build reads anything
(``env-before-read-docs``), every need the bridge added is deleted, so an edited or
deleted object never survives as a stale need, and a need written meanwhile under a
freed ID meets no leftover.  Pages that show need data (sphinx-needs does not rewrite
them when needs elsewhere change) are written again whenever the bridged needs differ.

Two alternatives were tried against this and rejected:

- ``add_need`` while reading, from the directive: the need would be made before the
  object is final (a ``designdoc`` header takes the page title after the page is read),
  link targets cannot be checked before every page is read, so each dangling link would
  be a sphinx-needs warning on top of ``designdoc.dangling``, and the directives would
  import sphinx-needs;
- ``add_external_need`` with a relative ``external_url``: the ``needs`` builder's
  default filter (``is_external==False``) leaves external needs out of ``needs.json``,
  and ``needflow`` links an external need only when its URL has a scheme.
"""

# implements: DEC-NEEDS-PEER (docs/design.rst)

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.environment import CONFIG_OK
from sphinx.util import logging
from sphinx_needs.api import add_field, add_need_type, generate_need
from sphinx_needs.config import NeedsSphinxConfig
from sphinx_needs.data import NeedsCoreFields, SphinxNeedsData
from sphinx_needs.exceptions import NeedsApiConfigException, NeedsApiConfigWarning
from sphinx_needs.need_item import NeedItem, NeedItemSourceImport

from .config import Settings
from .domain import get_domain
from .model import Finding, Item
from .needs_names import (
    CORE_LINKS,
    ORIGIN,
    PREFIX,
    field_name,
    field_value,
    link_name,
    need_type,
    type_fields,
    vocabulary_fields,
)
from .safety import safe_url
from .sources import uses_designdoc
from .state import ProjectNeeds, ProjectState, project_state
from .vocabulary import Schema

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: the key of the domain data that remembers what the previous build added
STATE_KEY = "needs_bridge"


@dataclass
class Vocabulary:
    """How designdoc names map onto the sphinx-needs names of one project."""

    #: designdoc field name -> sphinx-needs field name
    fields: dict[str, str] = field(default_factory=dict)
    #: designdoc link name -> sphinx-needs link type name
    links: dict[str, str] = field(default_factory=dict)
    #: object type -> the designdoc fields its needs carry (not a rejected option)
    type_fields: dict[str, frozenset[str]] = field(default_factory=dict)


def setup_bridge(app: Sphinx, config: Config, state: ProjectState) -> None:
    """Read the project's needs as objects, and, when the project writes design
    objects, register the vocabulary with sphinx-needs and connect the events that make
    each object a need.

    Called from a ``config-inited`` handler at priority 520: after sphinx-needs resolved
    its need types (12) and loaded the project's own fields and link types (500), so
    names the project declares are reused instead of redeclared (which sphinx-needs
    reports as duplicates); before it compiles and checks its configuration (550, 600)
    and builds its field schema (``env-before-read-docs``).

    A project that writes no design object gets no need type, field or link type of
    ours: its needs, ``needs.json``, flows and reports stay exactly as without the
    extension (:func:`.sources.uses_designdoc` looks at the sources once, here).
    """
    state.needs_source = project_needs
    schema = state.settings.schema
    if not uses_designdoc(app, config, schema):
        app.connect("env-updated", _on_env_updated_idle)
        return
    needs_config = NeedsSphinxConfig(config)
    vocabulary = Vocabulary()

    known_types = {t["directive"] for t in needs_config.types}
    for typedef in schema.types.values():
        vocabulary.type_fields[typedef.name] = type_fields(f.name for f in typedef.fields)
        name = need_type(typedef.name)
        if name in known_types:
            continue  # configured by the project: its title, prefix and color win
        try:
            add_need_type(app, name, typedef.label, f"{name.upper()}_", color=typedef.color)
        except NeedsApiConfigException as exc:
            message = f"sphinx-needs need type {name!r} is not registered: {exc}"
            state.config_findings.append(
                Finding("needs", message, state.conf.source, state.conf.line_of("needs_types"))
            )

    raw_links = getattr(config, "needs_links", None)
    links_config: dict[str, Any] = dict(raw_links) if isinstance(raw_links, Mapping) else {}
    declared_links = set(links_config) | _extra_link_names(config) | CORE_LINKS
    declared_fields = _configured_fields(config)
    # the installed sphinx-needs' reserved names, in case they grew since ours were listed
    core = set(NeedsCoreFields)

    # fields first, then link types: neither may take a name of the other
    for fname in vocabulary_fields(schema):
        target = field_name(fname, taken=declared_links | core)
        vocabulary.fields[fname] = target
        if target in declared_fields:
            continue  # the project's own field: values are given as its schema says
        # declared from code by another extension already: shared like a configured one
        with contextlib.suppress(NeedsApiConfigWarning):
            add_field(
                target,
                description=f"sphinx-designdoc field {fname!r}",
                nullable=True,
                parse_variants=False,
                parse_dynamic_functions=False,
                schema=_field_schema(_is_list(schema, fname)),
            )
        declared_fields.add(target)

    new_links: dict[str, Any] = {}
    for link in schema.links.values():
        target = link_name(link.name, taken=declared_fields | core)
        vocabulary.links[link.name] = target
        if target in declared_links:
            continue  # the project's own link type of that name
        new_links[target] = {
            "description": f"sphinx-designdoc link {link.name!r}",
            "outgoing": link.name,
            "incoming": link.incoming,
            "copy": False,
            "color": "#1d4ed8" if link.traces else "#4b5563",
        }
    if new_links:
        # sphinx-needs has no API for link types; the configuration value is the
        # documented way, and sphinx-needs itself completes it at config-inited.  It is
        # set the same in every build, so Sphinx sees no configuration change.
        config.needs_links = {**links_config, **new_links}

    # before sphinx-needs loads its external needs (500), so those meet no leftover
    app.connect("env-before-read-docs", _on_env_before_read_docs, priority=400)
    app.connect("env-updated", functools.partial(_on_env_updated, vocabulary=vocabulary))


def _is_list(schema: Schema, fname: str) -> bool:
    """A field is a list in sphinx-needs when any type declares it a list."""
    return any(
        (fdef := t.field(fname)) is not None and fdef.kind == "list" for t in schema.types.values()
    )


def _field_schema(is_list: bool) -> Any:
    """Text, or a list of texts (``Any``: sphinx-needs types it as a union of dicts)."""
    return {"type": "array", "items": {"type": "string"}} if is_list else {"type": "string"}


def _extra_link_names(config: Config) -> set[str]:
    """Link types of the deprecated ``needs_extra_links`` list."""
    raw = getattr(config, "needs_extra_links", None) or []
    return {
        entry["option"]
        for entry in raw
        if isinstance(entry, Mapping) and isinstance(entry.get("option"), str)
    }


def _configured_fields(config: Config) -> set[str]:
    """Fields the project configures (``needs_fields``, ``needs_extra_options``).

    Fields another extension adds from code are listed by no public API; a second
    declaration of one is refused by :func:`add_field`, which the caller catches.
    """
    names: set[str] = set()
    fields = getattr(config, "needs_fields", None)
    if isinstance(fields, Mapping):
        names.update(k for k in fields if isinstance(k, str))
    for option in getattr(config, "needs_extra_options", None) or ():
        if isinstance(option, str):
            names.add(option)
        elif isinstance(option, Mapping) and isinstance(option.get("name"), str):
            names.add(option["name"])
    return names


def _state(env: BuildEnvironment) -> dict[str, Any]:
    """What the previous build added: per need ID, a digest of what it was made from;
    and a digest of them all."""
    data = get_domain(env).data
    state = data.get(STATE_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("made"), dict):
        state = data[STATE_KEY] = {"made": {}, "digest": ""}
    return state


def _on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Delete every need the previous build added, before anything is read.

    Runs in the main process before parallel readers start, so no reader ever sees a
    need of an object that may have changed or gone.
    """
    data = SphinxNeedsData(env)
    needs = data.get_needs_mutable()
    stash: dict[str, NeedItem] = {}
    for need_id in _state(env)["made"]:
        need = needs.get(need_id)
        if need is not None and need["is_import"] and need["type"].startswith(PREFIX):
            data.remove_need(need_id)
            stash[need_id] = need
    # a need is reused only if made under the same configuration (field defaults, types)
    project_state(app).needs_stash = stash if env.config_status == CONFIG_OK else {}


def _on_env_updated(app: Sphinx, env: BuildEnvironment, *, vocabulary: Vocabulary) -> list[str]:
    """Add one need per designdoc object; when the needs differ from the previous
    build's, return the pages that show need data so that they are written again.

    Those pages are the ones sphinx-needs lists as using need data (tables, flows,
    lists, ``:need:`` roles, need directives whose backlinks may name our objects).  An
    unchanged project returns nothing, so a no-change build writes nothing.
    """
    data = SphinxNeedsData(env)
    existing = data.get_needs_mutable()
    domain = get_domain(env)
    domain.invalidate()  # every page is read: the project's needs are complete

    items: list[Item] = []
    for item in domain.graph.items():
        if not item.declared_here:  # another project's object, or a need already
            continue
        if item.id in existing:
            _warn(
                env,
                item,
                f"{item.id}: not added to sphinx-needs, a need with this ID already exists",
            )
            continue
        items.append(item)
    # a link may point at any need: an object, or a need of the project's own
    targets = {item.id for item in items} | set(existing)

    state = _state(env)
    project = project_state(app)
    stash, project.needs_stash = project.needs_stash, {}
    previous: dict[str, str] = state["made"]

    def make(item: Item, keep: set[str]) -> tuple[str, NeedItem]:
        """A need and the digest of what it is made from; the previous build's need when
        that is the same (making one costs about half a millisecond)."""
        kwargs = _need_kwargs(item, vocabulary, keep, data)
        record = [item.docname, item.line, item.source, kwargs]
        digest = hashlib.blake2b(json.dumps(record, sort_keys=True).encode(), digest_size=16)
        key = digest.hexdigest()
        reused = stash.get(item.id)
        if reused is not None and previous.get(item.id) == key:
            return key, reused
        return key, _make_need(app, item, kwargs, data)

    made: dict[str, tuple[str, NeedItem]] = {}
    refused: dict[str, str] = {}

    def attempt(item: Item) -> None:
        try:
            made[item.id] = make(item, targets)
        except Exception as exc:  # InvalidNeedException, or any value sphinx-needs rejects
            made.pop(item.id, None)
            refused[item.id] = str(exc)

    for item in items:
        attempt(item)
    while refused.keys() & targets:
        # a link to a refused object would be a dead link there: leave it out
        targets -= refused.keys()
        for item in items:
            if item.id in made and any(t in refused for ts in item.links.values() for t in ts):
                attempt(item)
    for item in items:
        if item.id in refused:
            _warn(env, item, f"{item.id}: sphinx-needs refused the object: {refused[item.id]}")

    state["made"] = {}
    for item in items:
        if item.id in made:
            key, need = made[item.id]
            data.add_need(need)
            state["made"][item.id] = key
    digest = hashlib.blake2b(
        json.dumps(state["made"], sort_keys=True).encode(), digest_size=16
    ).hexdigest()
    if digest == state["digest"]:
        return []
    state["digest"] = digest
    showing = data.get_or_create_docs().get("all", [])
    return sorted(set(showing) & env.found_docs)


def _on_env_updated_idle(app: Sphinx, env: BuildEnvironment) -> None:
    """No object was in the sources when the build started, so sphinx-needs was told
    of no type of ours: say so if some were read after all (in a file the start-up look
    did not open), since they cannot be needs in this build."""
    domain = get_domain(env)
    domain.invalidate()  # every page is read: the project's needs are complete
    local = [item for item in domain.graph.items() if item.declared_here]
    if local:
        first = local[0]
        _warn(
            env,
            first,
            f"{len(local)} object(s) are not sphinx-needs needs in this build: no design "
            "object was found in the source files when the build started (they are in a "
            "file whose name does not end with a source suffix); they will be in a build "
            "that finds one in a source file",
        )


def project_needs(env: BuildEnvironment, settings: Settings) -> ProjectNeeds:
    """The needs sphinx-needs read in this project (not the bridge's own): those of a
    type ``designdoc_needs_types`` maps, as objects of ours, so decisions can address
    them and views show them; the type of every other one, so a link to one can say
    how to map it."""
    mapping = settings.needs_types
    schema = settings.schema
    items: list[Item] = []
    unmapped: dict[str, str] = {}
    srcdir = Path(env.srcdir)
    for need_id, need in SphinxNeedsData(env).get_needs_mutable().items():
        ntype = str(need["type"])
        if ntype.startswith(PREFIX) and ntype[len(PREFIX) :] in schema.types:
            continue  # an object of ours, made a need by the bridge
        ours = mapping.get(ntype)
        if ours is None:
            unmapped[need_id] = ntype
            continue
        docname = need["docname"] or ""
        url: str | None = None
        if need["is_external"]:
            url = safe_url(need["external_url"]) or ""
        source = ""
        if docname:
            with contextlib.suppress(Exception):  # a docname no longer in the project
                source = Path(env.doc2path(docname)).relative_to(srcdir).as_posix()
        items.append(
            Item(
                id=need_id,
                type=ours,
                title=str(need["title"] or need_id),
                status=str(need["status"] or ""),
                docname=docname,
                source=source,
                line=int(need["lineno"] or 0),
                external_url=url,
                origin=ORIGIN,
            )
        )
    return ProjectNeeds(items, unmapped)


def _need_kwargs(
    item: Item, vocabulary: Vocabulary, targets: set[str], data: SphinxNeedsData
) -> dict[str, Any]:
    """The arguments of :func:`generate_need` for one object, as plain JSON data.

    Values are typed data (lists where sphinx-needs declares an array), passed without
    coercion, so sphinx-needs never reads ``[[...]]`` in a title or field as a dynamic
    function, nor ``<<...>>`` as a variant.  Links keep only targets that are needs.
    """
    type_name = need_type(item.type)
    type_schema = data.get_schema().for_type(type_name)
    kwargs: dict[str, Any] = {"need_type": type_name, "title": item.title or item.id, "id": item.id}
    if item.status:
        kwargs["status"] = item.status
    tags = item.fields.get("tags")
    if tags:
        kwargs["tags"] = list(_as_tuple(tags))
    accepted = vocabulary.type_fields.get(item.type, frozenset())
    for fname, value in sorted(item.fields.items()):
        target = vocabulary.fields.get(fname)
        if target is None or not value or fname not in accepted:
            continue  # an option the build rejected (:effort:) is no need field
        fschema = type_schema.get_extra_field(target)
        kwargs[target] = field_value(value, fschema is not None and fschema.type == "array")
    for name, link_targets in sorted(item.links.items()):
        target_link = vocabulary.links.get(name)
        kept = [t for t in link_targets if t in targets]
        if target_link is not None and kept:
            kwargs[target_link] = kept
    return kwargs


def _make_need(app: Sphinx, item: Item, kwargs: dict[str, Any], data: SphinxNeedsData) -> NeedItem:
    """The need of one object, located at the object, as imported into its page.

    :raises Exception: whatever sphinx-needs raises for a value it refuses.
    """
    return generate_need(
        NeedsSphinxConfig(app.config),
        data.get_schema(),
        need_source=NeedItemSourceImport(docname=item.docname, lineno=item.line, path=item.source),
        doctype=Path(item.source).suffix or ".rst",
        allow_type_coercion=False,
        **kwargs,
    )


def _as_tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _warn(env: BuildEnvironment, item: Item, message: str) -> None:
    """A finding of this build, reported with all the others."""
    finding = Finding("needs", message, item.source, item.line, item.docname, item.id)
    get_domain(env).build_findings.append(finding)
