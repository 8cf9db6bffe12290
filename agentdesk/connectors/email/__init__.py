"""E-mail: any IMAP + SMTP mailbox. IMAP in (IDLE where offered), SMTP out with a copy in
the sent folder. A mailbox has no tickets, so the connector keeps them (numbers, states,
assignees, tags, each thread's Message-IDs) in its own index under <data dir>/connectors/NAME/:
every field op lands there, and only replies leave the machine."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

SECURITY_MODES = ("tls", "starttls", "none")

SPEC = ConnectorSpec(
    type="email",
    platform=_("e-mail"),
    connector="agentdesk.connectors.email.connector:MailConnector",
    options={
        "address": Key("str", required=True, help=N_("the From of replies")),
        "username": Key("str", required=True, help=N_("the IMAP and SMTP login")),
        "imap_host": Key("str", required=True),
        "imap_port": Key("int", 993, minimum=1, maximum=65535),
        "imap_security": Key("choice", "tls", choices=SECURITY_MODES),
        "smtp_host": Key("str", required=True),
        "smtp_port": Key("int", 465, minimum=1, maximum=65535),
        "smtp_security": Key("choice", "tls", choices=SECURITY_MODES),
        "folders": Key("list[str]", ["INBOX"], help=N_("the folders customers' mail arrives in")),
        "sent_folder": Key("str", "Sent", help=N_("where a copy of each reply is kept")),
        # The first read of a folder takes mail received in the last N days (0: all of it),
        # so years of old mail do not arrive as new tickets.
        "history_days": Key(
            "int",
            30,
            minimum=0,
            maximum=36500,
            help=N_("the first sync takes this many days of mail (0: all)"),
        ),
    },
    ops=ALL_KINDS - {"snooze"},  # snoozed in the cache only (store/snooze.py)
    reply_status="pending",
    secret=_("the mailbox password (or an app password)"),
)
