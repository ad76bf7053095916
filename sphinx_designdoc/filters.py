"""The ``:filter:`` language of views: a tiny, safe expression language.

Filters are written by document authors and evaluated at build time, so they must never
reach Python's ``eval``: the text is tokenised, parsed by recursive descent into a tree of
a handful of allowed node kinds, checked against the project's vocabulary and compiled
into one closure per view (a plain loop of dictionary lookups on 20,000 objects).

Grammar::

    expr     := or
    or       := and ("or" and)*
    and      := unary ("and" unary)*
    unary    := "not" unary | primary
    primary  := "(" expr ")" | comparison | NAME          (a boolean such as traced)
    comparison := operand OP operand
    OP       := "==" | "!=" | "in" | "not in"
    operand  := NAME | STRING | NUMBER | "[" STRING ("," STRING)* "]"

Names are object fields (``status``, ``tags``, ...), link names (``addresses``), incoming
names with ``_`` for spaces (``addressed_by``), ``verified`` and ``code``
(:func:`.evidence_value`).  Bare names are booleans: ``traced``, ``untraced``, ``active``,
``external``, ``suspect`` and "the field is set" for any field.
"""

# implements: DEC-FILTER-LANGUAGE (docs/design.rst)

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .evidence.verify import evidence_value
from .model import Item
from .vocabulary import COMMON_FIELDS, Schema

#: Longest filter text accepted; a view filter is a line, not a program.
MAX_LENGTH = 4000
#: Deepest nesting of parentheses and ``not`` accepted (keeps recursion far from limits).
MAX_DEPTH = 64

#: Attributes of every object (besides fields and links).
BASE_FIELDS = ("id", "type", "title", "status", "docname", "doc", "source")
#: Names that are booleans computed from the graph rather than stored on the object.
FLAGS = ("traced", "untraced", "active", "inactive", "external", "suspect")
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


class FilterError(ValueError):
    """A filter that cannot be used; ``column`` is 1-based within the filter text."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        if self.column is None:
            return self.message
        return f"{self.message} (at column {self.column})"


# -- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NAME, STRING, NUMBER, OP, LPAR, RPAR, LBRACK, RBRACK, COMMA, END
    value: str
    pos: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<STRING>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<NUMBER>-?\d+(?:\.\d+)?)
  | (?P<NAME>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<OP>==|!=)
  | (?P<LPAR>\()
  | (?P<RPAR>\))
  | (?P<LBRACK>\[)
  | (?P<RBRACK>\])
  | (?P<COMMA>,)
    """,
    re.VERBOSE,
)
_ESCAPE_RE = re.compile(r"\\(.)")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            char = text[pos]
            hint = ""
            if char == "=":
                hint = "; compare with '=='"
            elif char in "\"'":
                hint = "; a string is not closed"
            raise FilterError(f"unexpected character {char!r}{hint}", pos + 1)
        kind = match.lastgroup or ""
        if kind != "ws":
            value = match.group()
            if kind == "STRING":
                value = _ESCAPE_RE.sub(r"\1", value[1:-1])
            tokens.append(Token(kind, value, pos))
        pos = match.end()
    tokens.append(Token("END", "", len(text)))
    return tokens


# -- tree -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | tuple[str, ...] | bool


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # "==", "!=", "in", "not in"
    left: Name | Literal
    right: Name | Literal


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "and", "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Flag:
    name: Name


Node = Compare | Not | BoolOp | Flag | Literal


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "END":
            self.index += 1
        return token

    def is_keyword(self, word: str) -> bool:
        return self.current.kind == "NAME" and self.current.value == word

    def expect(self, kind: str, what: str) -> Token:
        if self.current.kind != kind:
            raise FilterError(f"expected {what}, found {_describe(self.current)}", self._col())
        return self.advance()

    def _col(self) -> int:
        return self.current.pos + 1

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError(f"filter is nested deeper than {MAX_DEPTH} levels", self._col())

    def parse(self) -> Node:
        if self.current.kind == "END":
            raise FilterError("filter is empty")
        node = self.parse_or()
        if self.current.kind != "END":
            raise FilterError(
                f"unexpected {_describe(self.current)}; join conditions with 'and' or 'or'",
                self._col(),
            )
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.is_keyword("or"):
            self.advance()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while self.is_keyword("and"):
            self.advance()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_unary(self) -> Node:
        if self.is_keyword("not"):
            self._enter()
            self.advance()
            node: Node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        if self.current.kind == "LPAR":
            self._enter()
            self.advance()
            node = self.parse_or()
            self.expect("RPAR", "')'")
            self.depth -= 1
            return node
        left = self.parse_operand()
        op = self.parse_op()
        if op is None:
            if isinstance(left, Name):
                return Flag(left)
            if isinstance(left.value, bool):
                return left
            raise FilterError(
                f"a value alone is not a condition; compare it, e.g. status == {_quote(left)}",
                self._col(),
            )
        right = self.parse_operand()
        if self.current.kind == "OP" or self.is_keyword("in"):
            raise FilterError(
                "comparisons cannot be chained; join them with 'and'",
                self._col(),
            )
        return Compare(op, left, right)

    def parse_op(self) -> str | None:
        token = self.current
        if token.kind == "OP":
            self.advance()
            return token.value
        if self.is_keyword("in"):
            self.advance()
            return "in"
        if self.is_keyword("not") and self.tokens[self.index + 1].value == "in":
            self.advance()
            self.advance()
            return "not in"
        return None

    def parse_operand(self) -> Name | Literal:
        token = self.current
        if token.kind == "STRING":
            self.advance()
            return Literal(token.value)
        if token.kind == "NUMBER":
            self.advance()
            return Literal(token.value)
        if token.kind == "LBRACK":
            self.advance()
            values: list[str] = []
            while self.current.kind != "RBRACK":
                if self.current.kind not in ("STRING", "NUMBER"):
                    raise FilterError(
                        f"a list holds quoted values, found {_describe(self.current)}",
                        self._col(),
                    )
                values.append(self.advance().value)
                if self.current.kind == "COMMA":
                    self.advance()
                elif self.current.kind != "RBRACK":
                    raise FilterError(
                        f"expected ',' or ']', found {_describe(self.current)}", self._col()
                    )
            self.advance()
            return Literal(tuple(values))
        if token.kind == "NAME":
            if token.value in ("true", "false"):
                self.advance()
                return Literal(token.value == "true")
            if token.value in KEYWORDS:
                raise FilterError(
                    f"expected a field name or a value, found {token.value!r}", token.pos + 1
                )
            self.advance()
            if self.current.kind == "LPAR":
                raise FilterError(
                    f"{token.value!r}(...) : filters cannot call functions", self._col()
                )
            return Name(token.value, token.pos)
        raise FilterError(
            f"expected a field name or a value, found {_describe(token)}", self._col()
        )


def _describe(token: Token) -> str:
    if token.kind == "END":
        return "the end of the filter"
    if token.kind == "STRING":
        return f"the string {token.value!r}"
    return repr(token.value)


def _quote(literal: Literal) -> str:
    return f'"{literal.value}"' if isinstance(literal.value, str) else str(literal.value)


def parse(text: str) -> Node:
    """Parse filter text into a tree of allowed nodes; raise :class:`FilterError`."""
    if not isinstance(text, str):
        raise FilterError(f"a filter is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FilterError(f"filter is longer than {MAX_LENGTH} characters")
    return _Parser(tokenize(text)).parse()


# -- names ----------------------------------------------------------------------------


def known_names(schema: Schema) -> dict[str, str]:
    """Filter name -> what it reads: ``field:<f>``, ``link:<l>``, ``in:<incoming>``,
    ``flag:<f>``, ``attr:<a>`` or ``evidence:<e>``.  Built from the vocabulary, so custom
    types and links are filterable exactly like the built-in ones."""
    names: dict[str, str] = {"verified": "evidence:verified", "code": "evidence:code"}
    for attr in BASE_FIELDS:
        names[attr] = f"attr:{'docname' if attr == 'doc' else attr}"
    for flag in FLAGS:
        names[flag] = f"flag:{flag}"
    for fdef in COMMON_FIELDS:
        names[fdef.name] = f"field:{fdef.name}"
    for typedef in schema.types.values():
        for fdef in typedef.fields:
            names.setdefault(fdef.name, f"field:{fdef.name}")
    for link in schema.links.values():
        names.setdefault(link.name, f"link:{link.name}")
        names.setdefault(_ident(link.incoming), f"in:{link.incoming}")
    return names


def _ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip())


# -- compile --------------------------------------------------------------------------

Predicate = Callable[[Item], bool]
Getter = Callable[[Item], Any]


def validate(node: Node, schema: Schema) -> None:
    """Raise :class:`FilterError` for the first name the vocabulary does not know."""
    names = known_names(schema)
    for name in _names_in(node):
        if name.name not in names:
            close = difflib.get_close_matches(name.name, names, n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise FilterError(f"unknown field {name.name!r}{hint}", name.pos + 1)


def _names_in(node: Node) -> Iterable[Name]:
    stack: list[Node | Name] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            yield current
        elif isinstance(current, Compare):
            stack.extend(n for n in (current.right, current.left) if isinstance(n, Name))
        elif isinstance(current, Not):
            stack.append(current.operand)
        elif isinstance(current, BoolOp):
            stack.extend(reversed(current.operands))
        elif isinstance(current, Flag):
            stack.append(current.name)


def compile_filter(text: str, schema: Schema, graph: Any) -> Predicate:
    """Parse, validate and compile ``text`` into ``predicate(item) -> bool``.

    ``graph`` is consulted only for the flags (traced, active); it is bound once here so
    each call is a few lookups.
    """
    tree = parse(text)
    validate(tree, schema)
    return _compile(tree, known_names(schema), graph)


def _getter(name: Name, names: dict[str, str], graph: Any) -> Getter:
    kind, _, key = names[name.name].partition(":")
    if kind == "attr":
        return lambda item: getattr(item, key)
    if kind == "field":
        return lambda item: item.fields.get(key)
    if kind == "link":
        return lambda item: item.links.get(key)
    if kind == "in":
        return lambda item: tuple(graph.incoming_of(item.id).get(key, ()))
    if kind == "evidence":
        return lambda item: evidence_value(item.id, key, graph)
    predicate = _flag(key, graph)
    return predicate


def _flag(flag: str, graph: Any) -> Predicate:
    if flag == "traced":
        return lambda item: graph.is_traced(item.id) is True
    if flag == "untraced":
        return lambda item: graph.is_traced(item.id) is False
    if flag == "active":
        return lambda item: bool(graph.is_active(item))
    if flag == "inactive":
        return lambda item: not graph.is_active(item)
    if flag == "suspect":
        return lambda item: item.id in graph.suspects
    return lambda item: item.external


def _operand(operand: Name | Literal, names: dict[str, str], graph: Any) -> Getter:
    if isinstance(operand, Literal):
        value = operand.value
        return lambda item: value
    return _getter(operand, names, graph)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _contains(needle: Any, haystack: Any) -> bool:
    """``in``: membership for lists, substring for text, any-of for a list needle."""
    if haystack is None or needle is None:
        return False
    if isinstance(needle, tuple):
        return any(_contains(n, haystack) for n in needle)
    needle = _text(needle) or ""
    if isinstance(haystack, tuple | list):
        return needle in haystack
    if isinstance(haystack, bool):
        return False
    return needle in str(haystack)


def _equals(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return bool(left) == bool(right)
    if left is None or right is None:
        return left is None and right is None
    return _text(left) == _text(right)


def _compile(node: Node, names: dict[str, str], graph: Any) -> Predicate:
    if isinstance(node, Literal):
        constant = bool(node.value)
        return lambda item: constant
    if isinstance(node, Flag):
        kind, _, key = names[node.name.name].partition(":")
        if kind == "flag":
            return _flag(key, graph)
        get = _getter(node.name, names, graph)
        return lambda item: bool(get(item))
    if isinstance(node, Not):
        inner = _compile(node.operand, names, graph)
        return lambda item: not inner(item)
    if isinstance(node, BoolOp):
        parts = tuple(_compile(operand, names, graph) for operand in node.operands)
        if node.op == "and":
            return lambda item: all(p(item) for p in parts)
        return lambda item: any(p(item) for p in parts)
    left = _operand(node.left, names, graph)
    right = _operand(node.right, names, graph)
    if isinstance(node.right, Literal) and isinstance(node.left, Name):
        # the common case (field OP constant): bind the constant once
        value = node.right.value
        if node.op == "==":
            return lambda item: _equals(left(item), value)
        if node.op == "!=":
            return lambda item: not _equals(left(item), value)
    if node.op == "==":
        return lambda item: _equals(left(item), right(item))
    if node.op == "!=":
        return lambda item: not _equals(left(item), right(item))
    if node.op == "in":
        return lambda item: _contains(left(item), right(item))
    return lambda item: not _contains(left(item), right(item))
