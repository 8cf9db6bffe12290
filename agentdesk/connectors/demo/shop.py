"""The demo shop as a platform: its own state, a change log, live customers and colleagues.

It plays the part a helpdesk server plays for a real connector. The history comes from
World (regenerated on demand); what happened since lives in a small JSON file: tickets
touched since the history was loaded, a log of changes not yet confirmed by the cache
(the cursor passed to pull confirms them), scheduled customer answers and ratings, and
the ids of ops already applied, so a resend after a crash is recognised.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import time
from pathlib import Path

from agentdesk.connectors.demo import people as P
from agentdesk.connectors.demo.history_ahead import HistoryAhead
from agentdesk.connectors.demo.topics import (
    AGENT_CLOSING,
    CUSTOMER_THANKS,
    GENERIC_CUSTOMER,
    TOPICS,
    is_thanks,
)
from agentdesk.connectors.demo.world import ME, World
from agentdesk.file_modes import create_private, private_dir
from agentdesk.model import Message, PullBatch, Ticket, Viewing
from agentdesk.ops import (
    Assign,
    Note,
    Op,
    Reply,
    SetPriority,
    SetStatus,
    Tags,
    Transfer,
    encode,
)

INIT_BATCH = 1000
CUSTOMER_BATCH = 5000
LIVE_BATCH = 200
MAX_TOUCHED = 5000
MAX_DELIVERED = 2000
REOPEN_SHARE = 0.03  # customers who write again after their ticket was solved
THANKS_SHARE = 0.6  # answers to an agent that say thanks rather than ask on
SILENCE = 6  # a pending ticket whose customer is silent this many reply_delays is solved
VIEWING_FOR = 600  # seconds a colleague keeps the ticket they worked on open


class DemoShop:
    def __init__(
        self,
        state_file: Path,
        seed: int,
        tickets: int,
        rate: float,
        reply_delay: int,
        me_name: str,
        me_email: str,
    ):
        self.path = state_file
        self.seed, self.total, self.rate, self.reply_delay = seed, tickets, rate, reply_delay
        self.me_name, self.me_email = me_name, me_email
        self.state = self._load()
        # The shop's own record wins over later options: a shop made with another seed or
        # size is reopened as it is, never replaced (its history and applied ops with it).
        # `agentdesk demo --reset` is how a shop is started afresh.
        self.seed, self.total = self.state["seed"], self.state["total"]
        self.world = World(
            self.seed, self.total, self.state.get("anchor") or int(time.time()), me_name, me_email
        )
        self.history = HistoryAhead(self.world, INIT_BATCH)

    # -- persistence ----------------------------------------------------------------

    def _load(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(state.get("seed"), int) and isinstance(state.get("total"), int):
                return state
        except (OSError, ValueError):
            pass
        return {
            "seed": self.seed,
            "anchor": None,
            "total": self.total,
            "seq": 0,
            "log": [],
            "tickets": {},
            "schedule": [],
            "applied": {},
            "tick": None,
            "next_index": self.total,
        }

    def save(self) -> None:
        private_dir(self.path.parent)  # customer data
        tmp = self.path.with_suffix(".tmp")
        with os.fdopen(create_private(tmp, os.O_WRONLY | os.O_TRUNC), "w", encoding="utf-8") as f:
            f.write(json.dumps(self.state, ensure_ascii=False))
        os.replace(tmp, self.path)  # atomic: a crash leaves the old or the new file

    # -- pulling --------------------------------------------------------------------

    def pull(self, cursor: str | None) -> PullBatch:
        if cursor is None or cursor.startswith("customers:"):
            return self._pull_customers(int(cursor.split(":")[1]) if cursor else 0)
        if cursor.startswith("init:"):
            return self._pull_history(int(cursor.split(":")[1]))
        confirmed = int(cursor.split(":")[1])
        self.state["log"] = [e for e in self.state["log"] if e["seq"] > confirmed]
        self._simulate(int(time.time()))
        entries = self.state["log"][:LIVE_BATCH]
        self.save()
        batch = PullBatch(
            cursor=f"live:{entries[-1]['seq'] if entries else confirmed}",
            more=len(self.state["log"]) > LIVE_BATCH,
        )
        seen_customers: set[str] = set()
        for e in entries:
            ticket = self._ticket(e["ticket"])
            if ticket.remote_id not in {t.remote_id for t in batch.tickets}:
                batch.tickets.append(ticket)
            if e.get("message"):
                batch.messages.append(Message(**{**e["message"], "attachments": []}))
            if ticket.customer_remote_id not in seen_customers:
                seen_customers.add(ticket.customer_remote_id)
                customer, orders = self.world.customer(int(ticket.customer_remote_id[1:]) - 1)
                batch.customers.append(customer)
                batch.orders.extend(orders)
        # Only the latest state of a ticket matters within a batch.
        latest = {t.remote_id: self._ticket(t.remote_id) for t in batch.tickets}
        batch.tickets = list(latest.values())
        batch.viewing = self._viewing(int(time.time()))
        return batch

    def _viewing(self, now: int) -> list[Viewing]:
        """What each colleague has open: the ticket they last worked on, for a while after,
        while they are online (the monitor's "follow an agent" shows it)."""
        # Only marks of what is open: a colleague who stopped lets theirs fade (90 s), as
        # a console does, and no mark here overwrites one a console of the same person set.
        marks = []
        for rid, (ticket, since) in sorted(self.state.get("working", {}).items()):
            if now - since < VIEWING_FOR and self.presence(rid, now) == "online":
                marks.append(Viewing(rid, ticket))
        return marks

    def _pull_customers(self, start: int) -> PullBatch:
        """The customer base first, as a platform's contact sync would: tickets then refer to it."""
        if self.state["anchor"] is None:
            self.state["anchor"] = self.world.anchor
            self.state["tick"] = self.world.anchor
            self.save()
        end = min(self.world.customers, start + CUSTOMER_BATCH)
        batch = PullBatch(
            cursor=f"customers:{end}" if end < self.world.customers else "init:0", more=True
        )
        for k in range(start, end):
            customer, orders = self.world.customer(k)
            batch.customers.append(customer)
            batch.orders.extend(orders)
        return batch

    def _pull_history(self, start: int) -> PullBatch:
        end = min(self.total, start + INIT_BATCH)
        # more=True at the end too: what happened since the history (the live log) is read
        # in the same pass, so a drained pull means everything.
        batch = PullBatch(
            cursor=f"init:{end}" if end < self.total else "live:0", more=True, total=self.total
        )
        for ticket, messages in self.history.batch(start, end):
            if ticket.remote_id in self.state["tickets"]:  # changed by an op since: it wins
                ticket = self._ticket(ticket.remote_id)
            batch.tickets.append(ticket)
            batch.messages.extend(messages)
        return batch

    # -- tickets as the shop knows them ---------------------------------------------

    def _ticket(self, rid: str) -> Ticket:
        d = self.state["tickets"].get(rid)
        if d is not None:
            return Ticket(**d)
        return self.world.ticket(int(rid.split("-")[1]) - 1).ticket

    def _touch(self, t: Ticket) -> None:
        self.state["tickets"][t.remote_id] = dataclasses.asdict(t)
        if len(self.state["tickets"]) > MAX_TOUCHED:  # forget the oldest solved ones
            done = sorted(
                (v["updated_at"], k)
                for k, v in self.state["tickets"].items()
                if v["status"] in ("solved", "closed")
            )
            for _, k in done[: len(done) // 2]:
                del self.state["tickets"][k]

    def _log(self, ticket: Ticket, message: Message | None = None) -> None:
        self.state["seq"] += 1
        entry = {"seq": self.state["seq"], "ticket": ticket.remote_id}
        if message is not None:
            entry["message"] = {
                f.name: getattr(message, f.name)
                for f in dataclasses.fields(Message)
                if f.name != "attachments"
            }
        self.state["log"].append(entry)

    # -- live traffic ---------------------------------------------------------------

    def _rng(self) -> random.Random:
        return random.Random(f"{self.seed}:live:{self.state['seq']}:{len(self.state['schedule'])}")

    def _simulate(self, now: int) -> None:
        last = self.state.get("tick") or now
        self.state["tick"] = now
        rng = self._rng()
        due = [s for s in self.state["schedule"] if s[0] <= now]
        self.state["schedule"] = [s for s in self.state["schedule"] if s[0] > now]
        for at, kind, rid in due:
            if kind == "answer":
                # Most customers whose ticket was solved meanwhile are content; a few write again.
                solved = self._ticket(rid).status in ("solved", "closed")
                if not solved or rng.random() < REOPEN_SHARE:
                    self._customer_writes(rng, rid, at)
            elif kind == "rate":
                t = self._ticket(rid)
                if t.status in ("solved", "closed") and t.satisfaction is None:
                    t.satisfaction = rng.choices([5, 4, 3, 2, 1], [55, 25, 10, 5, 5])[0]
                    t.updated_at = at
                    self._touch(t)
                    self._log(t)
        # New customer messages arrive as a Poisson process at `rate` per minute. A long
        # absence is capped so the shop does not flood the inbox after a night off.
        elapsed = min(now - last, 600)
        expected = self.rate * elapsed / 60
        arrivals = _poisson(rng, expected)
        for _ in range(arrivals):
            at = now - rng.randrange(max(1, elapsed))
            open_live = [
                k for k, v in self.state["tickets"].items() if v["status"] in ("pending", "open")
            ]
            if open_live and rng.random() < 0.3:
                self._customer_writes(rng, rng.choice(open_live), at)
            else:
                self._new_ticket(at)
        # Colleagues work too, so the queue moves while you watch.
        for _ in range(_poisson(rng, self.rate / 2 * elapsed / 60)):
            self._colleague_works(rng, now)

    # -- what customers do, on cue (for tests, and for showing the shop to someone) ----

    def customer_writes(self, subject: str, body: str, at: int, channel: str = "email") -> str:
        """A customer opens a new ticket with these words; returns its id."""
        i = self.state["next_index"]
        self.state["next_index"] += 1
        g = self.world.ticket(i, created=at, live=True)
        t = dataclasses.replace(
            g.ticket,
            subject=subject,
            channel=channel,
            status="new",
            assignee_remote_id=None,
            created_at=at,
            updated_at=at,
        )
        name = self.world.customer(int(t.customer_remote_id[1:]) - 1)[0].name
        self._touch(t)
        self._log(t, Message(f"{t.remote_id}-m1", t.remote_id, "customer", name, body, at))
        self.save()
        return t.remote_id

    def customer_answers(self, rid: str, body: str, at: int) -> None:
        """The customer writes again on a ticket (which reopens it)."""
        self._answer(rid, body, at)
        self.save()

    def _answer(self, rid: str, body: str, at: int) -> None:
        t = self._ticket(rid)
        if t.status in ("pending", "solved", "on_hold", "closed"):
            t.status = "open"
        t.updated_at = at
        name = self.world.customer(int(t.customer_remote_id[1:]) - 1)[0].name
        msg = Message(f"{rid}-c{self.state['seq'] + 1}", rid, "customer", name, body, at)
        self._touch(t)
        self._log(t, msg)

    @staticmethod
    def photo(remote_ref: str) -> tuple[str, bytes]:
        """A customer's photo: the shop keeps no files, so its bytes follow from its size."""
        size = int(remote_ref.rpartition(":")[2])
        return "photo_1.jpg", (b"\xff\xd8\xff\xe0" + bytes(range(256)) * (size // 256 + 1))[:size]

    def delivered(self) -> list[dict]:
        """The ops the shop applied, oldest first (the newest MAX_DELIVERED): its own record."""
        return list(self.state.get("delivered", []))

    def _new_ticket(self, at: int) -> None:
        i = self.state["next_index"]
        self.state["next_index"] += 1
        g = self.world.ticket(i, created=at, live=True)
        self._touch(g.ticket)
        self._log(g.ticket, g.messages[0])

    def _customer_writes(self, rng: random.Random, rid: str, at: int) -> None:
        """The customer answers: thanks (then the ticket can be solved) or a further question,
        never the same line as their last."""
        t = self._ticket(rid)
        lang = t.fields.get("lang", "en")
        topic = next((tp for tp in TOPICS if t.tags and tp.tags[0] == t.tags[0]), None)
        lines = topic.customer.get(lang, []) if topic else []
        thanks = t.status == "pending" and rng.random() < THANKS_SHARE
        if thanks:
            pool = [x for x in lines if is_thanks(x)] + CUSTOMER_THANKS[lang]
        else:
            pool = [x for x in lines if not is_thanks(x)] + GENERIC_CUSTOMER[lang]
        last = self.state.setdefault("last_words", {}).get(rid)
        body = rng.choice([x for x in pool if x != last] or pool)
        self.state["last_words"][rid] = body
        thanked = self.state.setdefault("thanked", [])
        if thanks and rid not in thanked:
            thanked.append(rid)
            del thanked[:-MAX_TOUCHED]
        elif not thanks and rid in thanked:
            thanked.remove(rid)
        self._answer(rid, body.replace("{", "(").replace("}", ")"), at)

    def _colleague_works(self, rng: random.Random, now: int) -> None:
        """A colleague takes the next step on a ticket of the live traffic: answers it, solves
        it once the customer said thanks, or solves it when the customer fell silent."""
        silent_since = now - self.reply_delay * SILENCE
        thanked = set(self.state.get("thanked", []))
        online = {a[0] for a in P.AGENTS if self.presence(a[0], now) == "online"}
        candidates = sorted(
            k
            for k, v in self.state["tickets"].items()
            if (v["assignee_remote_id"] is None or v["assignee_remote_id"] in online)
            and (
                v["status"] in ("new", "open")
                or (v["status"] == "pending" and v["updated_at"] < silent_since)
            )
        )
        if not candidates:
            return
        t = self._ticket(rng.choice(candidates))
        if t.assignee_remote_id is None:
            team = [a[0] for a in P.AGENTS if t.team_remote_id in a[3] and a[0] in online]
            t.assignee_remote_id = rng.choice(team or sorted(online) or [P.AGENTS[0][0]])
        self.state.setdefault("working", {})[t.assignee_remote_id] = [t.remote_id, now]
        lang = t.fields.get("lang", "en")
        name = next(a[1] for a in P.AGENTS if a[0] == t.assignee_remote_id)
        if t.status == "pending" or t.remote_id in thanked:
            message = None
            if t.remote_id in thanked:
                self.state["thanked"].remove(t.remote_id)
                message = rng.choice(AGENT_CLOSING[lang])
            t.status = "solved"
            t.updated_at = now
            self._touch(t)
            self._log(t, self._colleague_message(t, name, message, now) if message else None)
            return
        topic = next((tp for tp in TOPICS if t.tags and tp.tags[0] == t.tags[0]), TOPICS[0])
        body = (
            rng.choice(topic.agent.get(lang) or topic.agent["en"])
            .replace("{first}", "")
            .replace("{", "(")
            .replace("}", ")")
        )
        t.status = "pending"
        t.updated_at = now
        self._touch(t)
        self._log(t, self._colleague_message(t, name, body, now))
        self.state["schedule"].append([now + self.reply_delay * 3, "answer", t.remote_id])

    def _colleague_message(self, t: Ticket, name: str, body: str, now: int) -> Message:
        return Message(
            f"{t.remote_id}-c{self.state['seq'] + 1}",
            t.remote_id,
            "agent",
            name,
            body,
            now,
            agent_remote_id=t.assignee_remote_id,
        )

    # -- ops --------------------------------------------------------------------------

    def apply(self, op: Op, now: int) -> str:
        """Apply an op as the platform would; returns the remote id of what it created."""
        if op.uuid in self.state["applied"]:
            return self.state["applied"][op.uuid]
        t = self._ticket(op.ticket_remote_id)
        remote_id = f"{t.remote_id}-op{len(self.state['applied']) + 1}"
        message = None
        match op.change:
            case Reply(body=body) | Note(body=body):
                message = Message(
                    remote_id,
                    t.remote_id,
                    "agent",
                    self.me_name,
                    body,
                    now,
                    internal=isinstance(op.change, Note),
                    agent_remote_id=ME,
                    op_uuid=op.uuid,
                )
                if isinstance(op.change, Reply):
                    if t.status in ("new", "open"):
                        t.status = "pending"
                    # The customer answers after a while, as real ones do.
                    delay = int(self.reply_delay * random.Random(op.uuid).uniform(0.5, 1.5))
                    self.state["schedule"].append([now + delay, "answer", t.remote_id])
            case SetStatus(status=status):
                t.status = status
                if status == "solved" and random.Random(op.uuid).random() < 0.5:
                    self.state["schedule"].append([now + self.reply_delay * 2, "rate", t.remote_id])
            case Assign(agent=agent):
                t.assignee_remote_id = agent.remote_id if agent else None
            case Transfer(team=team, agent=agent):
                if team is not None:
                    t.team_remote_id = team.remote_id
                t.assignee_remote_id = agent.remote_id if agent else None
            case SetPriority(priority=priority):
                t.priority = priority
            case Tags(add=add, remove=remove):
                t.tags = sorted((set(t.tags) | set(add)) - set(remove))
        t.updated_at = now
        self._touch(t)
        self._log(t, message)
        self.state["applied"][op.uuid] = remote_id
        delivered = self.state.setdefault("delivered", [])
        delivered.append(
            {"uuid": op.uuid, "ticket": t.remote_id, "kind": op.kind, "change": encode(op.change)}
        )
        del delivered[:-MAX_DELIVERED]
        self.save()
        return remote_id

    def landed(self, op_uuid: str) -> str | None:
        return self.state["applied"].get(op_uuid)

    def presence(self, rid: str, now: int) -> str:
        """Colleagues come and go through the day, deterministically per hour."""
        rng = random.Random(f"{self.seed}:presence:{rid}:{now // 3600}")
        return rng.choices(["online", "away", "offline"], [60, 15, 25])[0]


def _poisson(rng: random.Random, lam: float) -> int:
    if not lam > 0:  # also nan, which the config refuses but a caller might pass
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
