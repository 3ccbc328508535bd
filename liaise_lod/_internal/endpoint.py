"""The URLs a user gives for a store, checked before any request, and shown without secrets.

A URL is refused with a ``ConfigError`` that names the option and the fault but never repeats
the URL: a mistyped one may hold a password (``http://user:pa/ss@host/``) that a parser reads
as something else.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit, urlunsplit

from ..errors import ConfigError
from .safe_text import neutralise

_URL_SHOWN_LIMIT = 300


def check_endpoint(url: object, option: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host, a valid port and no user name or
    password in it; otherwise ``ConfigError`` saying what is wrong, naming ``option``."""
    if not isinstance(url, str) or not url:
        raise ConfigError(f"{option}: give the store's http(s) URL")
    fault = _fault(url)
    if fault:
        raise ConfigError(f"{option}: {fault}")
    return url


def _fault(url: str) -> str | None:
    if "@" in url.partition("?")[0].partition("#")[0]:
        return (
            "the URL holds '@', as a user name or password would be written: put "
            "'user:password' (or 'Bearer TOKEN') in an environment variable and name it with "
            "--auth-env; it is not repeated here"
        )
    if any(character.isspace() or unicodedata.category(character)[0] == "C" for character in url):
        return "the URL holds a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # urllib says why, quoting the URL: not repeated
        return "not a URL: its host or port is malformed (an IPv6 address goes in brackets)"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http:// or https:// URL"
    if not parts.hostname:
        return "the URL names no host"
    if port == 0:
        return "port 0 is not a port a store listens on"
    return _httpx_fault(url)


def _httpx_fault(url: str) -> str | None:
    """What the HTTP client itself finds wrong (an invalid host name, for instance)."""
    import httpx

    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return "not a URL the HTTP client can use (is the host name valid?)"
    return None


def shown(url: str) -> str:
    """A URL as our messages print it: any ``user:password@`` dropped, controls escaped,
    bounded in length."""
    try:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    except ValueError:
        url = "(a malformed URL)"
    return neutralise(url, _URL_SHOWN_LIMIT)
