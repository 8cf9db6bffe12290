"""A blocking IMAP session (imapclient) for the e-mail connector, called from worker threads.

One lock per session: imapclient is not thread-safe, and pull, push (the Sent copy) and
find_landed share one connection. IDLE gets its own session, as a connection in IDLE can
do nothing else. A dropped connection is reopened on the next call.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from agentdesk.connectors.base import PermanentError, TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class MailServer:
    """Where and how to log in: the IMAP and the SMTP side of a mailbox each have one."""

    host: str
    port: int
    security: str  # tls | starttls | none
    username: str
    password: str
    timeout: float = 30.0


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    highestmodseq: int | None  # only where the server offers CONDSTORE


def _describe(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    if isinstance(e, bytes):  # pragma: no cover - imapclient sometimes carries bytes
        text = e.decode("utf-8", "replace")
    return text.splitlines()[0][:200] if text else type(e).__name__


class ImapSession:
    def __init__(self, account: MailServer):
        self.account = account
        self._client: IMAPClient | None = None
        self._lock = threading.Lock()
        self._selected: str | None = None
        self.capabilities: frozenset[bytes] = frozenset()

    def _connect(self) -> IMAPClient:
        a = self.account
        try:
            client = IMAPClient(
                a.host,
                port=a.port,
                ssl=a.security == "tls",
                timeout=a.timeout,
                use_uid=True,
            )
            client.normalise_times = False  # keep the zone: times are stored in UTC
            if a.security == "starttls":
                client.starttls(ssl.create_default_context())
            client.login(a.username, a.password)
        except LoginError as e:
            raise PermanentError(f"IMAP login refused for {a.username}: {_describe(e)}") from e
        except (OSError, IMAPClientError, ssl.SSLError) as e:
            raise TransientError(f"IMAP {a.host}:{a.port}: {_describe(e)}") from e
        self.capabilities = frozenset(client.capabilities())
        if b"CONDSTORE" in self.capabilities:
            try:
                client.enable("CONDSTORE")
            except IMAPClientError:
                pass  # SELECT (CONDSTORE) still reports HIGHESTMODSEQ on most servers
        return client

    def call(self, work: Callable[[IMAPClient], T]) -> T:
        """Run `work` on the connection, reconnecting once if the old one had dropped."""
        with self._lock:
            for attempt in (1, 2):
                if self._client is None:
                    self._client = self._connect()
                try:
                    return work(self._client)
                except (OSError, IMAPClientError) as e:
                    self._drop()
                    if attempt == 2 or isinstance(e, IMAPClientError) and not _is_abort(e):
                        raise TransientError(f"IMAP: {_describe(e)}") from e
            raise AssertionError("unreachable")

    def _select(self, c: IMAPClient, folder: str) -> None:
        """SELECT only when another folder is selected: a pull's search, sizes and fetch
        follow the SELECT that read the folder's state, with no round trip each."""
        if self._selected != folder:
            c.select_folder(folder, readonly=True)
            self._selected = folder

    def _drop(self) -> None:
        self._selected = None
        client, self._client = self._client, None
        if client is not None:
            try:
                client.shutdown()
            except Exception:
                pass

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                try:
                    self._client.logout()
                except Exception:
                    pass
                self._drop()

    # -- what the connector asks ----------------------------------------------------------

    def folder_state(self, folder: str) -> FolderState:
        def work(c: IMAPClient) -> FolderState:
            info = c.select_folder(folder, readonly=True)
            self._selected = folder
            modseq = info.get(b"HIGHESTMODSEQ")
            return FolderState(
                int(info[b"UIDVALIDITY"]), int(modseq) if modseq is not None else None
            )

        return self.call(work)

    def uids_after(self, folder: str, uid: int, since: dt.date | None = None) -> list[int]:
        """UIDs above `uid`; with `since`, only mail the server received on or after it."""

        def work(c: IMAPClient) -> list[int]:
            self._select(c, folder)
            criteria: list = ["UID", f"{uid + 1}:*"]
            if since is not None:
                criteria += ["SINCE", since]
            # "N:*" always matches the highest UID, even one below N: filter.
            return sorted(u for u in c.search(criteria) if u > uid)

        return self.call(work)

    def sizes(self, folder: str, uids: list[int]) -> dict[int, int]:
        def work(c: IMAPClient) -> dict[int, int]:
            self._select(c, folder)
            got = c.fetch(uids, ["RFC822.SIZE"])
            return {u: int(d.get(b"RFC822.SIZE", 0)) for u, d in got.items()}

        return self.call(work)

    def fetch_raw(self, folder: str, uids: list[int]) -> dict[int, tuple[bytes, int | None]]:
        """Each whole message and when the server received it (INTERNALDATE), without
        setting \\Seen: the shared mailbox's read state is not ours to change."""

        def work(c: IMAPClient) -> dict[int, tuple[bytes, int | None]]:
            self._select(c, folder)
            got = c.fetch(uids, ["BODY.PEEK[]", "INTERNALDATE"])
            out = {}
            for u, d in got.items():
                received = d.get(b"INTERNALDATE")
                at = int(received.timestamp()) if received is not None else None
                out[u] = (bytes(d.get(b"BODY[]") or b""), at)
            return out

        return self.call(work)

    def append(self, folder: str, raw: bytes) -> None:
        def work(c: IMAPClient) -> None:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            c.append(folder, raw, flags=[b"\\Seen"])

        self.call(work)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        def work(c: IMAPClient) -> bool:
            if not c.folder_exists(folder):
                return False
            self._select(c, folder)
            return bool(c.search(["HEADER", "Message-ID", message_id]))

        return self.call(work)

    def raw_by_message_id(self, folder: str, message_id: str) -> bytes | None:
        def work(c: IMAPClient) -> bytes | None:
            self._select(c, folder)
            uids = c.search(["HEADER", "Message-ID", message_id])
            if not uids:
                return None
            got = c.fetch(uids[:1], ["BODY.PEEK[]"])
            return next((bytes(d[b"BODY[]"]) for d in got.values() if b"BODY[]" in d), None)

        return self.call(work)

    def idle_until_change(self, folder: str, timeout: float, stop: threading.Event) -> None:
        """Wait in IDLE until the server reports something or `timeout` passes.

        Checks `stop` every second so closing the connector never waits a whole timeout.
        Without IDLE on the server this is a plain wait (the engine then polls).
        """
        deadline = time.monotonic() + timeout

        def work(c: IMAPClient) -> None:
            if b"IDLE" not in self.capabilities:
                stop.wait(timeout)
                return
            self._select(c, folder)
            c.idle()
            try:
                while not stop.is_set() and time.monotonic() < deadline:
                    if c.idle_check(timeout=1.0):
                        return
            finally:
                c.idle_done()

        self.call(work)


def _is_abort(e: IMAPClientError) -> bool:
    """imaplib's abort (the connection broke) is worth one reconnect; a NO answer is not."""
    import imaplib

    return isinstance(e, imaplib.IMAP4.abort)
