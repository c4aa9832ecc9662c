"""HTTP for the connectors: httpx with tenacity retries (429 Retry-After, transient 5xx)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

# Attempts per request (the first and the retries), and the longest wait between two: a
# Retry-After above it fails the connection rather than stalling every other one.
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 120.0
BACKOFF_SECONDS = 1.0  # first wait after a 5xx without Retry-After, doubled each time
TIMEOUT_SECONDS = 60.0
TRANSIENT = {429, 500, 502, 503, 504}
LOOPBACK_NAMES = {"localhost"}


class SyncError(Exception):
    """A connection's failure, with a message fit for the user (it never holds a secret)."""


class AuthFailed(SyncError):
    """The API refused the credentials (401/403)."""


class Transient(Exception):
    """A response worth retrying: 429, 5xx or a dropped connection."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check_base_url(url: str) -> str:
    """The URL without a trailing slash; ValueError unless https, or http to a loopback host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"'{url}' is not an http(s) address.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"'{url}' is plain http: use https (http is only allowed to this machine)."
        )
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After in seconds (delta form), None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _wait(state: tenacity.RetryCallState) -> float:
    """Retry-After when the server gave one, else exponential backoff."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Transient) and error.retry_after is not None:
        if error.retry_after > MAX_WAIT_SECONDS:
            raise SyncError(
                f"the API asks to wait {error.retry_after:.0f} s (rate limit); try later."
            )
        return error.retry_after
    return min(MAX_WAIT_SECONDS, BACKOFF_SECONDS * 2 ** (state.attempt_number - 1))


@dataclass
class Api:
    """One connection's HTTP client: base URL, fixed headers, a request count."""

    base_url: str
    label: str
    headers: dict[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = None
    requests: int = 0
    client: httpx.Client | None = None
    sleep: Callable[[float], None] | None = None

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            headers={"Accept": "application/json", **self.headers},
            auth=self.auth,
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
        )

    def close(self) -> None:
        """Release the connection pool."""
        if self.client is not None:
            self.client.close()

    def url(self, path_or_url: str) -> str:
        """An absolute URL: a path is joined to the base URL; a next-page URL is kept if it
        is on the same host (a page link elsewhere would carry our token away)."""
        if path_or_url.startswith(("http://", "https://")):
            link, base = urlsplit(path_or_url), urlsplit(self.base_url)
            if (link.scheme, link.netloc) != (base.scheme, base.netloc):
                raise SyncError(f"{self.label} sent a next-page link to another address.")
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        """GET with retries; the response of a 2xx (SyncError/AuthFailed otherwise)."""
        return self.request("GET", path, params=params, **kw)

    def json(self, method: str, path: str, **kw: Any) -> Any:
        """The JSON body of a request (SyncError when it is not JSON)."""
        return self.decode(self.request(method, path, **kw))

    def decode(self, response: httpx.Response) -> Any:
        """The JSON body of a response (SyncError when it is not JSON)."""
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SyncError(
                f"{self.label} answered {urlsplit(str(response.url)).path} with a body that is"
                " not JSON; nothing was loaded."
            ) from None

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """One request, retried on 429/5xx/network errors up to MAX_ATTEMPTS."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Transient),
            stop=tenacity.stop_after_attempt(MAX_ATTEMPTS),
            wait=_wait,
            sleep=self.sleep or tenacity.nap.sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, method, self.url(path), **kw)
        except Transient as exc:
            raise SyncError(f"{self.label}: {exc} after {MAX_ATTEMPTS} attempts.") from None

    def _once(self, method: str, url: str, **kw: Any) -> httpx.Response:
        self.requests += 1
        path = urlsplit(url).path
        try:
            response = self.client.request(method, url, **kw)
        except httpx.TransportError as exc:
            raise Transient(f"no answer from {path} ({type(exc).__name__})") from None
        if response.status_code in TRANSIENT:
            raise Transient(f"HTTP {response.status_code} on {path}", retry_after_seconds(response))
        if response.status_code in (401, 403):
            raise AuthFailed(
                f"{self.label} refused the credentials (HTTP {response.status_code} on {path}):"
                " check the token and its permissions; nothing was loaded."
            )
        if response.status_code >= 400:
            raise SyncError(f"{self.label} answered HTTP {response.status_code} on {path}.")
        return response
