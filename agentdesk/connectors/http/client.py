"""An httpx client for a platform's REST API, with its failures sorted for the outbox.

- Not reached (refused, DNS, connect timeout), 429, 502/503/504: TransientError, retried
  later (`retry_after` from the platform's Retry-After when it gives one).
- A write whose answer never came (read timeout, dropped connection) or a 500: the
  platform may have done it: AmbiguousError, so the engine asks `find_landed` first.
- 401: LoginRefused, an AuthRefused: the engine keeps the work and waits for a new secret.
- 403: NotAllowed (this account may not do that one thing): the op fails, saying so.
- 404: NotFound; other 4xx: PermanentError with the platform's own message.

A platform that reports how many requests are left (X-Rate-Limit-Remaining,
X-RateLimit-Remaining) is slowed before it says 429: below `slow_below` requests left (or a
fifth of the minute's budget, where the platform says it), each read waits a share of the
rest of the minute. Writes never wait behind that pacing: what is left is kept for them,
so an agent's reply is not held up by a long first sync.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from agentdesk.connectors.base import (
    AmbiguousError,
    AuthRefused,
    PermanentError,
    TransientError,
)

_REMAINING = ("x-rate-limit-remaining", "x-ratelimit-remaining")


class LoginRefused(AuthRefused):
    """401: the secret is wrong or revoked; retrying cannot help until it changes."""


class NotAllowed(PermanentError):
    """403: the account may not do this (a role, a plan)."""


class NotFound(PermanentError):
    """404: the thing is gone (a deleted ticket) or never was."""


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def platform_message(response: httpx.Response) -> str:
    """The reason a platform gives in its error body, in one line."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        parts = []
        for key in ("error", "description", "message"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("title")
            if value:
                parts.append(str(value))
        details = body.get("details") or body.get("errors")
        if isinstance(details, dict):
            for field, problems in details.items():
                for p in problems if isinstance(problems, list) else [problems]:
                    text = p.get("description") if isinstance(p, dict) else p
                    parts.append(f"{field}: {text}")
        elif isinstance(details, list):
            for d in details:
                if isinstance(d, dict):
                    # Freshdesk: [{"field": "status", "message": "...", "code": "..."}]
                    where = f"{d['field']}: " if d.get("field") else ""
                    parts.append(where + str(d.get("message", d)))
                else:
                    parts.append(str(d))
        if parts:
            return "; ".join(dict.fromkeys(parts))[:500]
    return str(body)[:300]


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        platform: str,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        slow_below: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
        refused: str = "login refused",
    ):
        self.platform = platform
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=timeout,
            transport=transport,
        )
        self.slow_below = slow_below
        self.refused = refused  # what a 401 is called there: "login refused", "token refused"
        self.minute = 60.0  # the platform's rate-limit window, in seconds
        self.remaining: int | None = None  # what the platform said is left this minute
        self.limit: int | None = None  # the requests a minute it allows, where it says
        self._not_before = 0.0

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
        self, method: str, path: str, *, writes: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request; its failure raised as one of the connector errors above."""
        writes = method not in ("GET", "HEAD") if writes is None else writes
        wait = self._not_before - time.monotonic()
        if wait > 0 and not writes:
            await asyncio.sleep(wait)
        try:
            response = await self.http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
            raise TransientError(f"{self.platform}: {e or type(e).__name__}") from e
        except httpx.TransportError as e:
            # The request may have reached the platform before the connection broke.
            text = f"{self.platform}: no answer ({e or type(e).__name__})"
            raise (AmbiguousError(text) if writes else TransientError(text)) from e
        self._pace(response)
        status = response.status_code
        if status < 400:
            return response
        said = platform_message(response)
        if status == 429:
            raise TransientError(
                f"{self.platform}: too many requests (429)", retry_after(response) or 60.0
            )
        if status == 401:
            raise LoginRefused(f"{self.platform}: {self.refused} (401): {said}")
        if status == 403:
            raise NotAllowed(f"{self.platform}: not allowed (403): {said}")
        if status == 404:
            raise NotFound(f"{self.platform}: not found (404): {said}")
        if status in (502, 503, 504):
            raise TransientError(f"{self.platform} answered {status}", retry_after(response))
        if status >= 500:
            text = f"{self.platform} answered {status}: {said}"
            raise AmbiguousError(text) if writes else TransientError(text)
        raise PermanentError(f"{self.platform} refused it ({status}): {said}")

    def _pace(self, response: httpx.Response) -> None:
        for header in _REMAINING:
            value = response.headers.get(header)
            if value is not None and value.strip().lstrip("-").isdigit():
                self.remaining = int(value)
                break
        total = response.headers.get("x-rate-limit") or response.headers.get("x-ratelimit-total")
        if total and total.strip().isdigit():
            self.limit = int(total)
        reserve = max(self.slow_below, (self.limit or 0) // 5)
        if self.remaining is not None and self.remaining < reserve:
            # Spread what is left over the rest of the minute rather than hitting 429, and
            # leave half of it to writes: past that, reads wait for the next minute.
            spare = self.remaining - reserve // 2
            wait = self.minute / spare if spare > 0 else self.minute
            self._not_before = time.monotonic() + wait

    async def get_json(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params or None)).json()

    async def download(self, url: str) -> bytes:
        """A file a platform links to (an attachment). Its credentials go with the request
        only when the file is on the platform's own host, never to a file store elsewhere;
        redirects are followed."""
        same_host = httpx.URL(url).host == self.http.base_url.host
        async with httpx.AsyncClient(
            auth=self.http.auth if same_host else None,
            timeout=self.http.timeout,
            follow_redirects=True,
        ) as http:
            try:
                r = await http.get(url)
            except httpx.TransportError as e:
                raise TransientError(f"{self.platform}: {e or type(e).__name__}") from e
        if r.status_code != 200:
            raise PermanentError(f"{self.platform} answered {r.status_code} for the file")
        return r.content

    async def get_linked(self, path: str, **params: Any) -> list[Any]:
        """Every item of a list a platform pages with a Link header (`rel="next"`)."""
        items: list[Any] = []
        response = await self.request("GET", path, params=params or None)
        while True:
            items.extend(response.json() or [])
            following = response.links.get("next", {}).get("url")
            if not following:
                return items
            response = await self.request("GET", following)
