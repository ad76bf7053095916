"""Fetching another project's file from a URL (``designdoc_external``), on the package's
terms.  No Sphinx here.

urllib alone falls short of what a build needs from a fetch in three ways, each
handled here:

- its ``timeout`` bounds each socket operation, so a server that sends a byte a second
  holds a build for as long as it likes.  Here the entry's ``timeout`` is one budget
  for the whole fetch: every read waits only for what is left of it, and the fetch runs
  in a thread the build stops waiting for when the budget is spent (so a name lookup
  or a TLS handshake that hangs cannot hold it either);
- it follows a redirect to ``ftp:``.  Here a redirect is followed only to http and
  https, and refused with the scheme named;
- it does not read credentials in the URL (``https://user:pw@host/``: the host becomes
  ``user:pw@host``).  Here they are sent as HTTP Basic authentication, to the URL's
  own host only (not on to where it redirects), and every message about the fetch is
  written without them or the query's values (:func:`.safety.redact_url`).
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import unquote, urljoin, urlparse, urlsplit, urlunsplit

from ._version import __version__
from .safety import REDACTED

#: a fetched file larger than this is refused (a needs.json of 20,000 needs is ~40 MB)
MAX_FETCH_BYTES = 128 * 1024 * 1024
#: how long past its timeout a fetch may take to say what went wrong itself, before the
#: build stops waiting for it
_GRACE = 1.0
#: the schemes a redirect may lead to
_FOLLOWED = frozenset({"http", "https"})
_CHUNK = 64 * 1024


class _TimedOut(TimeoutError):
    """The fetch's budget is spent."""


class _RedirectRefused(OSError):
    """A redirect to a scheme other than http or https."""


class _TooLarge(Exception):
    """A response over :data:`MAX_FETCH_BYTES`."""


class _Deadline:
    """The wall-clock budget of one fetch (monotonic, so clock changes do not count)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """The seconds left; raises :class:`_TimedOut` when there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise _TimedOut("the fetch's timeout is spent")
        return left

    @property
    def spent(self) -> bool:
        return time.monotonic() >= self.end


class _DeadlineReader(io.RawIOBase):
    """A response's socket, read with the time left of the budget as each read's
    timeout: the status line, the headers and the body are all bounded together."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(self._deadline.left())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Response(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, deadline: _Deadline, **kwargs: Any):
        super().__init__(sock, *args, **kwargs)
        self.fp.close()  # the plain reader the base class made: nothing was read from it
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))


class _DeadlineConnection(http.client.HTTPConnection):
    """A connection that connects within what is left of the budget and reads its
    response through :class:`_DeadlineReader`."""

    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline
        self.response_class = functools.partial(_Response, deadline=deadline)  # type: ignore[assignment]

    def connect(self) -> None:
        self.timeout = self._deadline.left()
        super().connect()


class _DeadlineHTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = functools.partial(_DeadlineConnection, deadline=deadline)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """HTTPS with the default, verifying context, through the deadline connection."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = functools.partial(_DeadlineHTTPSConnection, deadline=deadline)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed only to http and https.  urllib itself follows one to
    ``ftp:`` and refuses others with a message that quotes the whole URL; the check
    comes first here, and reads the Location the way urllib would."""

    def __init__(self, secrets: set[str]) -> None:
        super().__init__()
        self._secrets = secrets

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        # the header urllib reads, parsed as urllib parses it before it checks the scheme
        location = headers["location"] if "location" in headers else headers.get("uri")
        if isinstance(location, str):
            self._secrets.update(url_secrets(urljoin(req.full_url, location)))
            scheme = urlparse(location).scheme.lower()
            if scheme not in _FOLLOWED and scheme:
                raise _RedirectRefused(_refused(scheme))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and new.type not in _FOLLOWED:  # what would really be opened
            raise _RedirectRefused(_refused(new.type))
        return new


def _refused(scheme: str) -> str:
    shown = repr(scheme) if scheme.isascii() and scheme.isalnum() and len(scheme) <= 20 else ""
    return (
        f"it redirects to a URL of scheme {shown or 'other than http'}, which is not "
        "followed (only http and https are)"
    )


def url_secrets(url: str) -> set[str]:
    """The parts of ``url`` :func:`.safety.redact_url` hides, as written and decoded,
    to take out of any message that might quote them."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return {url}
    found: set[str] = set()
    if "@" in parts.netloc:
        found.add(parts.netloc.rpartition("@")[0])
    if parts.query:
        found.add(parts.query)
        found.update(p.partition("=")[2] or p for p in parts.query.split("&"))
    found |= {unquote(s) for s in found}
    # a short value is taken out only as part of the whole query: "1" would take
    # the digits out of "HTTP Error 401"
    return {s for s in found if len(s) >= 4 or s in (parts.query, unquote(parts.query))}


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` written as ``***`` (the longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _without_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without its userinfo, and the Basic authorization the userinfo stands
    for (None without one)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{unquote(user)}:{unquote(password)}".encode()
    stripped = urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    return stripped, "Basic " + base64.b64encode(pair).decode("ascii")


def _opener(deadline: _Deadline, secrets: set[str]) -> urllib.request.OpenerDirector:
    """An opener of http and https only (no ftp, file or data handler to fall back
    on), honouring the usual proxy variables as ``urlopen`` does."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(secrets),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _fetch(url: str, deadline: _Deadline, secrets: set[str]) -> bytes:
    target, authorization = _without_credentials(url)
    request = urllib.request.Request(
        target, headers={"User-Agent": f"sphinx-designdoc/{__version__}"}
    )
    if authorization:  # not forwarded on redirects: another host never sees it
        request.add_unredirected_header("Authorization", authorization)
    body = bytearray()
    with _opener(deadline, secrets).open(request, timeout=deadline.left()) as response:
        while chunk := response.read(_CHUNK):
            body += chunk
            if len(body) > MAX_FETCH_BYTES:
                raise _TooLarge
    return bytes(body)


def _in_thread(work: Callable[[], bytes], wait: float) -> list[Any]:
    """Run ``work`` in a daemon thread; ``[result]``, ``[None, exception]``, or ``[]``
    when it has not finished within ``wait`` seconds (it is left to end by itself)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the caller, who says what went wrong
            outcome.extend((None, exc))

    worker = threading.Thread(target=run, name="designdoc-fetch", daemon=True)
    worker.start()
    worker.join(wait)
    return list(outcome)


def fetch(url: str, timeout: float) -> tuple[str | None, str]:
    """The text at ``url``, or None and why not, within ``timeout`` seconds in all
    (connecting, following redirects, the headers and the body together).  Why not
    never quotes the URL's credentials or query values."""
    deadline = _Deadline(timeout)
    secrets = url_secrets(url)
    outcome = _in_thread(lambda: _fetch(url, deadline, secrets), timeout + _GRACE)
    if not outcome or (outcome[0] is None and deadline.spent):
        return None, f"could not fetch it within its timeout of {timeout:g} s"
    if outcome[0] is None:
        exc = outcome[1]
        if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
            exc = exc.reason  # what went wrong while connecting or sending
        if isinstance(exc, _TooLarge):
            return None, f"it is larger than {MAX_FETCH_BYTES // (1024 * 1024)} MB"
        if isinstance(exc, _RedirectRefused):
            return None, str(exc)
        if not isinstance(exc, Exception):
            raise exc
        # whatever urllib, http.client or ssl raise: a fetch never stops the build
        return None, f"could not fetch it ({scrub(_first_line(exc), secrets)})"
    try:
        return outcome[0].decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
