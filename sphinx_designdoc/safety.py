"""Untrusted text, made safe for where it lands.  No Sphinx or docutils here.

Titles, IDs, statuses, option values and URLs come from authors' sources and from other
projects' files, so each place that writes them escapes for its own syntax.  This module
holds the rules that are the same everywhere:

- one URL policy (:func:`safe_url`): http, https, mailto and relative URLs become links;
  anything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``...) is shown as text;
- :func:`redact_url`: a URL that may hold credentials (``user:pw@``, ``?token=...``) is
  written anywhere (warnings, reports) only without them;
- :func:`css_class`: a value that goes into a ``class`` attribute becomes a slug;
- :func:`css_color`: a colour from the settings reaches a ``style`` attribute only when
  it is a plain colour;
- :func:`terminal_text`: control characters never reach a terminal;
- :func:`natural_key`: IDs sort as people read them (``REQ-2`` before ``REQ-10``).
"""

# implements: DEC-SAFETY (docs/design.rst)

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

#: URL schemes that may become links; a URL without a scheme is relative and allowed.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
#: what the policy says, in words for warnings and docs
URL_POLICY = "http, https, mailto or a relative URL"

# Browsers strip leading and trailing C0 controls and spaces and drop tabs and newlines
# anywhere before they read a URL's scheme (WHATWG URL standard), so "java\tscript:" and
# " javascript:" are javascript: URLs; the policy reads a URL the same way.
_STRIP = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def url_scheme(url: str) -> str:
    """The scheme a browser would read in ``url`` (lower case), or ``""`` if relative."""
    cleaned = _TAB_NEWLINE.sub("", url.strip(_STRIP))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def allowed_url(url: str) -> bool:
    """True when ``url`` may become a link: http, https, mailto or relative."""
    scheme = url_scheme(url)
    return scheme == "" or scheme in ALLOWED_SCHEMES


def safe_url(url: Any) -> str | None:
    """``url`` when the policy allows it as a link, else None (show it as text)."""
    if not isinstance(url, str) or not url.strip() or not allowed_url(url):
        return None
    return url


def is_web_url(text: str) -> bool:
    """Whether ``text`` is an http or https URL rather than a path: an object's source
    is the URL it was fetched from for ``designdoc_external`` entries of a ``url``."""
    return text[:8].lower().startswith(("http://", "https://"))


#: what stands for a hidden part of a URL
REDACTED = "***"


def redact_url(url: str) -> str:
    """``url`` as it may be shown: without its userinfo (``user:pw@``, or a token as the
    user name), query values or fragment.

    ``https://user:pw@host/p?token=abc&x=1#f`` becomes ``https://***@host/p?token=***&x=***``:
    the query keys stay, so a reader can still tell which URL it is, but every value
    goes (there is no telling which parameter a server reads as a secret: ``token``,
    ``sig``, ``X-Amz-Signature``, ``key``...).  A part without ``=`` may itself be a
    token and goes too.  The path is kept: put secrets in the userinfo or the query.
    A URL that cannot be parsed is shown as its scheme only.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced "[" in the host
        scheme = url_scheme(url)
        return f"{scheme}://{REDACTED}" if scheme else REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rpartition("@")[2]
    query = "&".join(_redact_param(p) for p in parts.query.split("&")) if parts.query else ""
    out = f"{parts.scheme}:" if parts.scheme else ""
    if netloc or url.lstrip(_STRIP).lower().startswith(out + "//"):
        out += "//" + netloc
    out += parts.path
    if query or "?" in url.partition("#")[0]:
        out += "?" + query
    return out


def _redact_param(param: str) -> str:
    key, equals, value = param.partition("=")
    if not equals:
        return REDACTED if key else ""
    return f"{key}={REDACTED if value else ''}"


#: characters that a URL never holds raw; percent-encoded where a URL lands in markup
#: that a later program writes without escaping it again (Graphviz's SVG output)
_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"


_CSS_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}")


def css_color(value: str) -> str | None:
    """``value`` if it is a hex colour or a colour name, else None: nothing else may
    reach a ``style`` attribute (no ``;``, ``url(...)`` or quotes)."""
    return value if _CSS_COLOR.fullmatch(value) else None


def encode_url(url: str) -> str:
    """``url`` with quotes, angle brackets, spaces and non-ASCII percent-encoded.

    The link stays the same for a browser, and nothing in it can close an attribute:
    Graphviz copies a node's ``URL`` into its SVG output without escaping ``"``.
    """
    return quote(url, safe=_URL_SAFE.replace("'", ""))


_NOT_CLASS = re.compile(r"[^a-z0-9_-]+")


def css_class(value: str) -> str:
    """A slug of ``value`` for a CSS class name: lower case, ``a-z0-9_-`` only."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return _NOT_CLASS.sub("-", folded).strip("-") or "x"


# C0 and C1 control characters, DEL, and the Unicode controls that reorder text on
# screen (bidirectional overrides and isolates: "Trojan source").
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value: str) -> str:
    """``value`` without control characters, so nothing in it can drive a terminal
    (colours, cursor moves, window titles, hidden or reordered text).  Each is shown as
    ``\\xNN`` / ``\\uNNNN`` so a reader still sees that something was there."""
    return value.translate(_VISIBLE)


def _visible(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


#: each control character -> how :func:`terminal_text` shows it (one table lookup a
#: character: a megabyte of escape characters is no million substitutions)
_VISIBLE = {
    code: _visible(code)
    for code in (
        *range(0x00, 0x09),
        *range(0x0B, 0x20),
        *range(0x7F, 0xA0),
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    )
}


#: each control character -> None: what :func:`without_controls` removes
_REMOVED = dict.fromkeys(_VISIBLE)


def without_controls(value: str) -> str:
    """``value`` with the control characters :func:`terminal_text` shows removed: for a
    short line of someone else's text (a test's failure message) that is shown as it
    reads, where an escape would only be noise."""
    return value.translate(_REMOVED)


def terminal_data(value: Any) -> Any:
    """``value`` (a report, or part of one) with :func:`terminal_text` applied to every
    string in it, keys included: what a command prints as text comes from here."""
    if isinstance(value, str):
        return terminal_text(value)
    if isinstance(value, dict):
        return {terminal_text(str(k)): terminal_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [terminal_data(v) for v in value]
    return value


def terminal_json(text: str) -> str:
    """JSON text with every control character written as a ``\\uNNNN`` escape: the
    same data for a program, nothing a terminal acts on.  :func:`json.dumps` escapes C0
    controls itself, but not DEL, C1 controls or bidirectional overrides."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_DIGITS = re.compile(r"([0-9]+)")


@lru_cache(maxsize=1 << 16)
def natural_key(text: str) -> tuple[Any, ...]:
    """``REQ-2`` before ``REQ-10``: digit runs compare as numbers, text without case.

    A digit run compares by its length without leading zeros, then its digits, so a
    run of any length is ordered right without converting it to an ``int`` (Python
    refuses to convert more than 4,300 digits).  The text itself breaks ties, so the
    order is total.  Cached: a project-wide matrix sorts the same IDs once per row.
    """
    parts: list[tuple[int, int, str]] = []
    for part in _DIGITS.split(text):
        if not part:
            continue
        if part[0] in "0123456789":
            digits = part.lstrip("0") or "0"
            parts.append((0, len(digits), digits))
        else:
            parts.append((1, 0, part.casefold()))
    return (tuple(parts), text)
