"""Sending one message with aiosmtplib, its failures sorted the way the outbox needs them.

Before the message data goes out, any failure means nothing was sent (TransientError, or
PermanentError for a 5xx refusal). Once DATA has begun, a dropped connection or a timeout
may hide a delivered message: AmbiguousError, so the engine looks before resending.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from email.message import EmailMessage

import aiosmtplib

from agentdesk.connectors.base import AmbiguousError, PermanentError, TransientError
from agentdesk.connectors.email.imap import MailServer


def _refusal(code: int, message: str) -> Exception:
    text = f"SMTP {code}: {message.strip()[:200]}"
    return PermanentError(text) if 500 <= code < 600 else TransientError(text)


def _client(a: MailServer) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=a.host,
        port=a.port,
        use_tls=a.security == "tls",
        start_tls=a.security == "starttls",
        tls_context=ssl.create_default_context() if a.security != "none" else None,
        timeout=a.timeout,
    )


async def check_login(account: MailServer) -> str:
    """Connect and log in (when offered) without sending, for `agentdesk doctor`."""
    client = _client(account)
    try:
        await client.connect()
        if not client.esmtp_extensions:
            await client.ehlo()
        if client.supports_extension("auth"):
            await client.login(account.username, account.password)
            return "login ok"
        return "no login offered"
    except aiosmtplib.SMTPAuthenticationError as e:
        raise PermanentError(f"SMTP login refused for {account.username}: {e.message}") from e
    except (aiosmtplib.SMTPException, OSError) as e:
        raise TransientError(f"SMTP {account.host}:{account.port}: {e}") from e
    finally:
        client.close()


async def send_message(
    account: MailServer,
    msg: EmailMessage,
    sender: str,
    recipients: list[str],
    before_data: Callable[[], None] | None = None,
) -> None:
    """Send one message. `before_data` runs after the envelope was accepted and before the
    message data goes out: the last moment at which nothing can have been delivered."""
    a = account
    client = _client(a)
    try:
        await client.connect()
    except (aiosmtplib.SMTPException, OSError) as e:
        raise TransientError(f"SMTP {a.host}:{a.port}: {e}") from e
    data_started = False
    try:
        if not client.esmtp_extensions:
            await client.ehlo()  # to learn whether the server offers AUTH
        if client.supports_extension("auth"):
            await client.login(a.username, a.password)
        await client.mail(sender)
        for rcpt in recipients:
            await client.rcpt(rcpt)
        if before_data is not None:
            before_data()
        data_started = True
        await client.data(msg.as_bytes())
    except aiosmtplib.SMTPAuthenticationError as e:
        raise PermanentError(f"SMTP login refused for {a.username}: {e.message}") from e
    except aiosmtplib.SMTPResponseException as e:
        # A reply code came back: the server decided, nothing is in doubt.
        raise _refusal(e.code, e.message) from e
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
        if data_started:
            raise AmbiguousError(f"SMTP connection lost while sending: {e}") from e
        raise TransientError(f"SMTP: {e}") from e
    finally:
        try:
            await client.quit()
        except Exception:
            client.close()
