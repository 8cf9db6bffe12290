"""HTTP to Request Tracker's REST 2 API, with RT's session login and errors sorted for the outbox.

Authentication: RT checks a password (basic auth) or an auth token against its stored
hash on every request, which costs about 250-300 ms each on a small server. A web session
costs that once: we log in at /NoAuth/Login.html and reuse the session cookie, logging in
again when RT forgets it (401). A secret shaped like an RT auth token ("1-14-<hex>") is
sent as `Authorization: token`, for sites where passwords are not allowed.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from agentdesk.connectors.base import AmbiguousError, AuthRefused, PermanentError, TransientError

_TOKEN = re.compile(r"^\d+-\d+-[0-9a-f]{32}$")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def rt_messages(response: httpx.Response) -> list[str]:
    """RT's answer as its list of messages (it reports refusals there, with status 200)."""
    try:
        body = response.json()
    except ValueError:
        return [response.text.strip()[:300]] if response.text.strip() else []
    if isinstance(body, list):
        return [str(m) for m in body]
    if isinstance(body, dict) and body.get("message"):
        return [str(body["message"])]
    return []


class RTClient:
    def __init__(self, url: str, username: str, secret: str, timeout: float):
        self.base = url.rstrip("/")
        self.username = username
        self.secret = secret
        self.token = bool(_TOKEN.match(secret))
        headers = {"Authorization": f"token {secret}"} if self.token else {}
        self.http = httpx.AsyncClient(
            base_url=f"{self.base}/REST/2.0", timeout=timeout, headers=headers
        )
        self._logged_in = self.token
        self._login_lock = asyncio.Lock()

    def use_secret(self, secret: str) -> None:
        """A new password or token after a refused login: the next request logs in with it."""
        self.secret = secret
        self.token = bool(_TOKEN.match(secret))
        self.http.headers.pop("Authorization", None)
        if self.token:
            self.http.headers["Authorization"] = f"token {secret}"
        self.http.cookies.clear()
        self._logged_in = self.token

    async def close(self) -> None:
        await self.http.aclose()

    async def login(self) -> None:
        """Open a web session (one password check) and keep its cookie for every request."""
        try:
            await self.http.post(
                f"{self.base}/NoAuth/Login.html",
                data={"user": self.username, "pass": self.secret},
            )
            check = await self.http.get(f"/user/{self.username}")
        except httpx.TransportError as e:
            raise TransientError(f"RT {self.base}: {e or type(e).__name__}") from e
        # Refused, RT answers REST with 401, or 302 to its login page.
        if check.status_code in (302, 401, 403):
            raise AuthRefused(f"RT refused the login of {self.username}")
        if check.status_code != 200:
            raise TransientError(f"RT answered {check.status_code} after login")
        self._logged_in = True

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; retried once after a fresh login if the session had expired."""
        writes = method not in ("GET", "HEAD")
        for attempt in (1, 2):
            if not self._logged_in:
                async with self._login_lock:
                    if not self._logged_in:
                        await self.login()
            try:
                response = await self.http.request(method, path, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
                raise TransientError(f"RT {self.base}: {e or type(e).__name__}") from e
            except httpx.TransportError as e:
                # The request may have reached RT before the connection broke.
                if writes:
                    raise AmbiguousError(f"RT: {e or type(e).__name__}") from e
                raise TransientError(f"RT: {e or type(e).__name__}") from e
            status = response.status_code
            if status in (302, 401) and not self.token and attempt == 1:
                self._logged_in = False
                continue
            if status in (302, 401):
                raise AuthRefused(f"RT refused the login of {self.username}")
            if status in (429, 502, 503, 504):
                raise TransientError(f"RT answered {status}", _retry_after(response))
            if status >= 500:
                text = f"RT answered {status}"
                raise AmbiguousError(text) if writes else TransientError(text)
            if status >= 400:
                reason = "; ".join(rt_messages(response)) or response.reason_phrase
                raise PermanentError(f"RT answered {status}: {reason}")
            return response
        raise AssertionError("unreachable")

    async def get_json(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params)).json()

    async def pages(
        self, path: str, per_page: int = 100, search: list | None = None, **params: Any
    ) -> list[dict]:
        """Every item of a paged collection; `search` is a REST 2 JSON search (a POST)."""
        items: list[dict] = []
        page = 1
        while True:
            query = {"page": page, "per_page": per_page, **params}
            if search is None:
                body = await self.get_json(path, **query)
            else:
                body = (await self.request("POST", path, params=query, json=search)).json()
            items.extend(body.get("items") or [])
            if page >= int(body.get("pages") or 1) or not body.get("items"):
                return items
            page += 1
