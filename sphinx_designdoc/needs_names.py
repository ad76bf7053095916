"""How designdoc names map onto sphinx-needs names: the one mapping.

Three places speak sphinx-needs: the bridge (every object a need in the same project),
the ``needs`` export (a ``needs.json`` for other projects) and ``designdoc_external``
(reading a ``needs.json`` back).  They name need types, fields and link types through
the functions here, so an object has the same field names in all three.  No Sphinx and
no sphinx-needs here: the export and the importer run without them.

- an object type ``<name>`` is the need type ``dd_<name>``, in the bridge and in the
  export alike, so a filter such as ``type == "dd_decision"`` means the same in the
  design project and in a project that imports its export.  In the bridge the plain
  name is our directive; in an importing project it is often a need type of its own
  (``requirement``), which a type of ours must not replace.  ``designdoc_external``
  reads ``dd_<name>`` and the plain name (of exports of earlier versions) alike;
- a need carries the fields of its type (and ``owner``): an option the build rejected
  (``:effort:`` on a decision) is kept in ``designdoc.json`` but is no need field;
- a field or link keeps its name, or becomes ``dd_<name>`` where sphinx-needs reserves
  the name (the ``designdoc`` type's ``template``) or the project already uses it for
  something else;
- the backlinks of link ``x`` are ``x_back``, as sphinx-needs names them.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .vocabulary import Schema

#: prefix of a need type of ours, and of a field or link whose name is taken
PREFIX = "dd_"

#: :attr:`.Item.origin` of a need of the project read as one of our objects
ORIGIN = "sphinx-needs"

#: sphinx-needs' core need fields (``sphinx_needs.data.NeedsCoreFields`` of 9.1, which a
#: test compares with the installed version's), plus names sphinx-needs gives meaning
#: to elsewhere (``links`` is its default link type, ``description`` and ``full_title``
#: are read by its importers)
CORE_FIELDS = frozenset(
    {
        "id", "docname", "lineno", "lineno_content", "title", "status", "tags", "collapse",
        "hide", "layout", "style", "arch", "is_import", "is_external", "external_url",
        "external_css", "type", "type_name", "type_prefix", "type_color", "type_style",
        "is_modified", "modifications", "is_need", "is_part", "parts", "id_parent",
        "id_complete", "jinja_content", "template", "pre_template", "post_template",
        "content", "pre_content", "post_content", "has_dead_links",
        "has_forbidden_dead_links", "constraints", "constraints_results",
        "constraints_passed", "constraints_error", "doctype", "sections", "section_name",
        "signature", "parent_need", "links", "full_title", "description",
    }
)  # fmt: skip

#: the fields of every object type that are need fields (``tags`` is sphinx-needs' own)
COMMON_NEED_FIELDS = ("owner",)

#: link types every sphinx-needs project has
CORE_LINKS = frozenset({"links", "parent_needs"})

#: sphinx-needs type names that mean one of our built-in types
TYPE_ALIASES = {"req": "requirement", "dec": "decision", "dep": "dependency"}


def need_type(type_name: str) -> str:
    """The need type of an object type in a project that has the bridge."""
    return PREFIX + type_name


def object_type(need_type_name: str, known: Container[str]) -> str:
    """Our type for a need type: ``dd_<type>`` and the plain name of a type we know,
    sphinx-needs' ``req``/``dec``/``dep``; anything else stays as it is."""
    if need_type_name.startswith(PREFIX) and need_type_name[len(PREFIX) :] in known:
        return need_type_name[len(PREFIX) :]
    if need_type_name in known:
        return need_type_name
    return TYPE_ALIASES.get(need_type_name, need_type_name)


def field_name(name: str, taken: Collection[str] = ()) -> str:
    """The need field of an object field: its own name unless sphinx-needs reserves it
    or ``taken`` (the project's own link types, say) holds it."""
    return PREFIX + name if name in CORE_FIELDS or name in taken else name


def link_name(name: str, taken: Collection[str] = ()) -> str:
    """The need link type of a link: its own name unless sphinx-needs reserves it, or
    it or its backlink field is in ``taken`` (the project's own fields)."""
    if name in CORE_FIELDS or name in CORE_LINKS or name in taken or back_name(name) in taken:
        return PREFIX + name
    return name


def back_name(link: str) -> str:
    """The backlink field sphinx-needs makes for a link type."""
    return f"{link}_back"


def field_value(value: str | tuple[str, ...], is_list: bool, separator: str = ",") -> object:
    """A field value as sphinx-needs holds it: a list where the field is an array, else
    text (a list joined with its own separator, so ``;``-separated alternatives stay
    readable)."""
    items = (value,) if isinstance(value, str) else tuple(value)
    if is_list:
        return list(items)
    return f"{separator[:1]} ".join(items)


def type_fields(own: Iterable[str]) -> frozenset[str]:
    """The fields a need of a type carries, from the names of the type's own fields:
    those and the common ``owner`` (``tags`` is sphinx-needs' own).  Any other field of
    an object is an option the build rejected with a ``designdoc.invalid`` warning: it
    stays in ``designdoc.json`` and on the page, but a need leaves it out, since no
    project declares it."""
    return frozenset((*COMMON_NEED_FIELDS, *own))


def vocabulary_fields(schema: Schema) -> list[str]:
    """Every field name of the vocabulary, once, in a stable order (``owner`` first,
    common to every type, then each type's own)."""
    names = list(COMMON_NEED_FIELDS)
    for typedef in schema.types.values():
        names.extend(f.name for f in typedef.fields if f.name not in names)
    return names
