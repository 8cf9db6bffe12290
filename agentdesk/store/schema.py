"""The cache schema and its forward migrations, versioned in PRAGMA user_version.

Migrations only ever move forward; a file from a newer agentdesk is refused, not
rewritten. Times are UTC epoch seconds.
"""

from __future__ import annotations

import sqlite3

from agentdesk.store.fts import TOKENIZER

# Sorts after every real due time: tickets without an SLA clock go last.
NO_DUE = 9223372036854775807

FTS_TABLE = f"CREATE VIRTUAL TABLE ticket_fts USING fts5 (doc, tokenize = '{TOKENIZER}')"

_V1 = f"""
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (connector, remote_id)
);
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    presence TEXT NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'away', 'offline')),
    presence_at INTEGER,
    capacity INTEGER NOT NULL DEFAULT 20,
    viewing_ticket_id INTEGER,
    viewing_at INTEGER,
    UNIQUE (connector, remote_id)
);
CREATE INDEX agents_email ON agents (email COLLATE NOCASE);
CREATE TABLE agent_teams (
    agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, team_id)
) WITHOUT ROWID;
CREATE INDEX agent_teams_team ON agent_teams (team_id);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    vip INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (connector, remote_id)
);
CREATE INDEX customers_email ON customers (email COLLATE NOCASE);
CREATE TABLE customer_handles (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    handle TEXT NOT NULL,
    PRIMARY KEY (customer_id, channel)
) WITHOUT ROWID;
CREATE INDEX customer_handles_lookup ON customer_handles (channel, handle);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    number TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    marketplace TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    carrier TEXT,
    tracking_number TEXT,
    shipped_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (connector, number)
);
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority TEXT NOT NULL DEFAULT 'normal',
    customer_id INTEGER REFERENCES customers (id),
    assignee_id INTEGER REFERENCES agents (id),
    team_id INTEGER REFERENCES teams (id),
    order_id INTEGER REFERENCES orders (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    first_response_at INTEGER,
    solved_at INTEGER,
    last_customer_at INTEGER,
    last_agent_at INTEGER,
    last_message_at INTEGER,
    preview TEXT NOT NULL DEFAULT '',
    message_count INTEGER NOT NULL DEFAULT 0,
    unread INTEGER NOT NULL DEFAULT 0,
    sla_policy TEXT,
    sla_first_due INTEGER,
    sla_next_due INTEGER,
    sla_resolve_due INTEGER,
    satisfaction INTEGER,
    fields TEXT NOT NULL DEFAULT '{{}}',
    -- Derived by SQLite, so views can use one index each with equality on stage:
    -- 0 needs action (new, open), 1 waiting (pending, on hold), 2 done (solved, closed).
    stage INTEGER GENERATED ALWAYS AS (
        CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 0
                    WHEN 'pending' THEN 1 WHEN 'on_hold' THEN 1 ELSE 2 END) VIRTUAL,
    due_key INTEGER GENERATED ALWAYS AS (
        min(ifnull(sla_first_due, {NO_DUE}), ifnull(sla_next_due, {NO_DUE}),
            ifnull(sla_resolve_due, {NO_DUE}))) VIRTUAL,
    UNIQUE (connector, remote_id)
);
CREATE INDEX tickets_stage_due ON tickets (stage, due_key, created_at);
CREATE INDEX tickets_assignee_due ON tickets (assignee_id, stage, due_key, created_at);
CREATE INDEX tickets_channel_due ON tickets (channel, stage, due_key, created_at);
CREATE INDEX tickets_team_due ON tickets (team_id, stage, due_key, created_at);
CREATE INDEX tickets_customer ON tickets (customer_id, created_at);
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE TABLE ticket_tags (
    tag TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, ticket_id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_ticket ON ticket_tags (ticket_id);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    remote_id TEXT,
    op_uuid TEXT,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    author_name TEXT NOT NULL,
    agent_id INTEGER REFERENCES agents (id),
    internal INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    delivery TEXT CHECK (delivery IN ('queued', 'sending', 'sent', 'failed')),
    error TEXT
);
-- One index serves both a ticket's thread (WHERE ticket_id = ?) and de-duplication of
-- remote messages; local messages not yet sent have a NULL remote_id, and NULLs never
-- collide in a UNIQUE index.
CREATE UNIQUE INDEX messages_ticket_remote ON messages (ticket_id, remote_id);
CREATE UNIQUE INDEX messages_op ON messages (op_uuid) WHERE op_uuid IS NOT NULL;
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('customer', 'agent', 'system')),
    actor_agent_id INTEGER REFERENCES agents (id),
    actor_name TEXT,
    data TEXT NOT NULL DEFAULT '{{}}',
    dedupe TEXT
);
CREATE UNIQUE INDEX events_dedupe ON events (dedupe) WHERE dedupe IS NOT NULL;
CREATE INDEX events_at ON events (at);
CREATE INDEX events_ticket ON events (ticket_id, at);
CREATE TABLE canned_replies (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    title TEXT NOT NULL,
    shortcode TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en',
    actions TEXT NOT NULL DEFAULT '{{}}',
    UNIQUE (source, remote_id)
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    connector TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'note', 'status', 'assign', 'transfer', 'tags')),
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'discarded')),
    ambiguous INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    remote_id TEXT,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    agent_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (connector, state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id, state);
CREATE TABLE drafts (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_key TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'note')),
    body TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '{{}}',
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, agent_key)
);
CREATE TABLE connector_state (
    connector TEXT PRIMARY KEY,
    cursor TEXT,
    state TEXT NOT NULL DEFAULT 'idle'
        CHECK (state IN ('idle', 'syncing', 'ok', 'offline', 'error')),
    offline_since INTEGER,
    last_error TEXT,
    last_ok_at INTEGER,
    directory_at INTEGER,
    updated_at INTEGER NOT NULL
);
-- Append-only log of what changed, so another process can catch up cheaply:
-- kind is ticket, tickets (many, ref_id NULL), agents, outbox, connector or canned.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ref_id INTEGER,
    at INTEGER NOT NULL
);
{FTS_TABLE};
"""

# The console: what an agent is doing in the ticket they have open (viewing or typing),
# and searches an agent saved as views from the console.
_V2 = """
ALTER TABLE agents ADD COLUMN viewing_mode TEXT CHECK (viewing_mode IN ('viewing', 'typing'));
CREATE INDEX agents_viewing ON agents (viewing_ticket_id) WHERE viewing_ticket_id IS NOT NULL;
-- Rebuilt (SQLite cannot alter a CHECK) to add the priority op a macro may carry.
CREATE TABLE outbox_v2 (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    connector TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL
        CHECK (kind IN ('reply', 'note', 'status', 'assign', 'transfer', 'tags', 'priority')),
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'discarded')),
    ambiguous INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    remote_id TEXT,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    agent_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO outbox_v2 SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (connector, state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id, state);
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    agent_key TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (agent_key, name)
);
"""

# v3: attachments are fetched from the platform only when an agent asks to save them.
_V3 = """
CREATE TABLE attachment_saves (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,  -- the attachment's position in messages.attachments
    state TEXT NOT NULL CHECK (state IN ('queued', 'saved', 'failed')),
    path TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (message_id, part)
);
CREATE INDEX attachment_saves_due ON attachment_saves (connector, state);
"""

# v4: op kinds are the classes of agentdesk/ops.py, checked where an op is made and where
# it is read back; the table stops listing them, so a new kind needs no table rebuild.
_V4 = """
CREATE TABLE outbox_v4 (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    connector TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'discarded')),
    ambiguous INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    remote_id TEXT,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    agent_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO outbox_v4 SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (connector, state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id, state);
"""

# v5: agents find tickets the way customers name them (store/filters.py, `_identifier`):
# by ticket number, order or tracking number, phone and handle, each through an index.
_V5 = """
CREATE INDEX tickets_number ON tickets (substr(remote_id, instr(remote_id, '-') + 1));
CREATE INDEX tickets_order ON tickets (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX orders_number ON orders (number);
CREATE INDEX orders_tracking ON orders (tracking_number) WHERE tracking_number IS NOT NULL;
CREATE INDEX customers_phone ON customers (
    replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''),
    ')', ''), '+', ''), '.', '')
);
CREATE INDEX customer_handles_handle ON customer_handles (handle);
"""

# v6: an action held for its undo window (store/undo.py): its ops and what the tickets
# looked like before it.
_V6 = """
CREATE TABLE held_actions (
    action_id TEXT PRIMARY KEY,
    agent_key TEXT NOT NULL,
    release_at INTEGER NOT NULL,
    op_uuids TEXT NOT NULL,
    before TEXT NOT NULL
);
"""

# v7: `from:` finds a customer with a Chinese name by pinyin (`from:zw` for 张伟): the
# name's readings, full and initials, space-separated, written when the customer is
# (store/ingest.py; pinyin_keys() is registered on every connection, store/db.py).
_V7 = """
ALTER TABLE customers ADD COLUMN name_pinyin TEXT;
UPDATE customers SET name_pinyin = pinyin_keys(name);
"""

# v8: automation (store/automation.py). Each rule firing once per occurrence (the unique
# key is what makes it exactly once), the events and messages read so far, and which rule
# (if any) made a message or an event, so the thread says "by rule …" and the KPIs count
# it as automated, not as an agent's.
_V8 = """
ALTER TABLE messages ADD COLUMN automation TEXT;
ALTER TABLE events ADD COLUMN automation TEXT;
CREATE TABLE rule_firings (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    at INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'skipped', 'limited')),
    detail TEXT,
    actions TEXT NOT NULL DEFAULT '[]',
    UNIQUE (rule, ticket_id, occurrence)
);
CREATE INDEX rule_firings_at ON rule_firings (at);
CREATE TABLE rule_cursors (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- Each ticket a team's auto-assignment gave an agent: whose turn is next, and the monitor's
-- assignments today.
CREATE TABLE assignment_turns (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX assignment_turns_team ON assignment_turns (team_id, agent_id, at);
CREATE INDEX assignment_turns_at ON assignment_turns (at);
-- Since when an agent's presence is what it is: a team can give back the unanswered tickets
-- of someone away or offline for longer than it allows (store/assignment.py).
ALTER TABLE agents ADD COLUMN presence_since INTEGER;
UPDATE agents SET presence_since = CAST(strftime('%s', 'now') AS INTEGER);
CREATE TRIGGER agents_presence_since_new AFTER INSERT ON agents
BEGIN
    UPDATE agents SET presence_since = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER agents_presence_since AFTER UPDATE OF presence ON agents
WHEN NEW.presence IS NOT OLD.presence
BEGIN
    UPDATE agents SET presence_since = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
"""

# v9: an agent's snoozes and the mentions of agents in internal notes (store/snooze.py,
# store/mentions.py), and a first sync's progress (store/sync_state.py). A snooze is the agent's own: the ticket leaves that agent's views
# until `until` or until the customer writes, then comes back as a reminder
# (`woke_at`) until the agent acts on it; `notified` is set once the console has said so.
_V9 = """
CREATE TABLE snoozes (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    agent_key TEXT NOT NULL,
    until INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    woke_at INTEGER,
    woke_reason TEXT CHECK (woke_reason IN ('time', 'customer')),
    notified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, agent_key)
) WITHOUT ROWID;
CREATE INDEX snoozes_agent ON snoozes (agent_key, until);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    UNIQUE (message_id, agent_id)
);
CREATE INDEX mentions_agent ON mentions (agent_id, at);
CREATE INDEX mentions_ticket ON mentions (ticket_id);
-- A connector's first sync as it goes: tickets so far and, where the platform says, in all
-- (the status line's "zendesk: first sync 1,200 / 5,000"); NULL once it is done.
ALTER TABLE connector_state ADD COLUMN first_sync_done INTEGER;
ALTER TABLE connector_state ADD COLUMN first_sync_total INTEGER;
"""

# v10: a period's figures (the monitor's wallboard, `agentdesk report`) on a large cache:
# the tickets created in the period found by an index instead of a walk over every ticket,
# and the period's events read from the index alone (their kind and ticket are in it) instead
# of one table row each. (at, kind, ticket_id) serves every query (at) served.
_V10 = """
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX events_at_kind ON events (at, kind, ticket_id);
DROP INDEX events_at;
"""

# Index i holds the SQL that takes the schema from version i to version i + 1.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(Exception):
    """The file was written by a newer agentdesk; we must not touch it."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to SCHEMA_VERSION; returns the version found before."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(found)
    for version in range(found, SCHEMA_VERSION):
        # executescript commits first; BEGIN IMMEDIATE makes each step all-or-nothing.
        conn.executescript(
            "BEGIN IMMEDIATE;\n"
            + MIGRATIONS[version]
            + f"\nPRAGMA user_version = {version + 1};\nCOMMIT;"
        )
    return found
