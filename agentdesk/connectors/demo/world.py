"""The demo shop's history, generated deterministically: ticket i is the same for a given
seed and anchor time, so the shop can be rebuilt at any size without storing it."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from agentdesk.connectors.demo import people as P
from agentdesk.connectors.demo.pace import AGENT_ROLES, PACES, Plan, plan
from agentdesk.connectors.demo.topics import (
    AGENT_CLOSING,
    CUSTOMER_THANKS,
    GENERIC_AGENT,
    GENERIC_CUSTOMER,
    NOTES,
    PHONE_NOTE,
    TOPICS,
    Topic,
    is_thanks,
)
from agentdesk.model import Attachment, Customer, Message, Order, OrderItem, Ticket

ME = "me"  # the remote id of the person at the console, in the demo's roster
_TOPIC_WEIGHTS = [t.weight for t in TOPICS]
_CHANNELS = {
    "zh": (
        ["wechat", "chat", "weibo", "sms", "phone", "webform", "email"],
        [30, 20, 10, 8, 10, 10, 12],
    ),
    "en": (["email", "chat", "webform", "sms", "phone", "amazon"], [30, 22, 12, 8, 8, 20]),
}
_AGENTS_BY_TEAM: dict[str, list[str]] = {}
for _rid, _name, _email, _teams, _cap in P.AGENTS:
    for _t in _teams:
        _AGENTS_BY_TEAM.setdefault(_t, []).append(_rid)
_AGENT_NAMES = {rid: name for rid, name, *_ in P.AGENTS}


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A tracking number in the carrier's own format."""
    digits = lambda n: f"{rng.randrange(10**n):0{n}d}"  # noqa: E731
    if carrier.startswith("SF"):
        return "SF" + digits(13)
    if carrier.startswith("ZTO"):
        return "75" + digits(12)
    if carrier.startswith("YTO"):
        return "YT" + digits(13)
    if carrier.startswith("JD"):
        return "JDV" + digits(12)
    if carrier == "UPS":
        alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
        return "1Z" + "".join(rng.choice(alphabet) for _ in range(16))
    if carrier == "DHL":
        return digits(10)
    if carrier == "USPS":
        return "9400" + digits(18)
    return "RM" + digits(9) + "GB"  # Royal Mail


def money(cents: int, currency: str) -> str:
    return f"¥{cents / 100:,.2f}" if currency == "CNY" else f"${cents / 100:,.2f}"


@dataclass
class Generated:
    ticket: Ticket
    messages: list[Message]
    customer_index: int


class World:
    def __init__(self, seed: int, total: int, anchor: int, me_name: str, me_email: str):
        self.seed = seed
        self.total = total
        self.anchor = anchor
        self.me_name = me_name
        self.me_email = me_email
        self.customers = max(40, total * 2 // 5)
        # A shop of about 250 tickets a day: a bigger shop has a longer history (a year at
        # 100k tickets), never less than a day, so a small demo still has a day's queue.
        self.span = int(86400 * min(365, max(1, total / 250)))

    # -- customers and orders -----------------------------------------------------

    def customer_lang(self, k: int) -> str:
        return "zh" if k % 5 < 3 else "en"

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one World per shop, kept for its life
    def customer(self, k: int) -> tuple[Customer, list[Order]]:
        rng = random.Random(f"{self.seed}:c:{k}")
        lang = self.customer_lang(k)
        rid = f"C{k + 1:06d}"
        if lang == "zh":
            name = rng.choice(P.ZH_SURNAMES) + rng.choice(P.ZH_GIVEN)
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            handles = {
                "wechat": f"wxid_{rng.randrange(16**8):08x}",
                "weibo": f"@{name}{rng.randrange(100, 999)}",
                "sms": phone,
                "phone": phone,
            }
            email = f"{rid.lower()}@qq.com" if rng.random() < 0.5 else None
        else:
            first, last = rng.choice(P.EN_FIRST), rng.choice(P.EN_LAST)
            name = f"{first} {last}"
            phone = f"+1 555 {rng.randrange(10**7):07d}"
            email = f"{first}.{last}{rng.randrange(10, 99)}@example.com".lower()
            handles = {"amazon": f"A{rng.randrange(36**10):X}"[:14], "sms": phone, "phone": phone}
        if email:
            handles["email"] = email
        vip = rng.random() < 0.06
        created = self.anchor - self.span - rng.randrange(86400 * 400)
        orders = [
            self._order(rng, rid, lang, k, j, created) for j in range(rng.choice((1, 1, 2, 2, 3)))
        ]
        return Customer(rid, name, email, phone, handles, vip, created), orders

    def _order(
        self, rng: random.Random, customer_rid: str, lang: str, k: int, j: int, since: int
    ) -> Order:
        items = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            sku, en, zh, price, variants = rng.choice(P.PRODUCTS)
            items.append(
                OrderItem(
                    f"{sku}-{rng.choice(variants).split()[0]}",
                    zh if lang == "zh" else en,
                    rng.choice((1, 1, 1, 2)),
                    price if lang == "zh" else price // 7,
                )
            )
        amount = sum(i.quantity * i.unit_price_cents for i in items)
        created = self.anchor - rng.randrange(min(self.span, 86400 * 60))
        status = rng.choices(
            ["paid", "shipped", "delivered", "returned", "refunded"], [10, 30, 45, 8, 7]
        )[0]
        if status == "shipped" and self.anchor - created > 10 * 86400:
            status = "delivered"  # a parcel is not on its way for weeks
        carrier = tracking = shipped = None
        if status != "paid":
            carrier = rng.choice(P.CARRIERS[lang])
            tracking = tracking_number(rng, carrier)
            shipped = created + rng.randrange(3600, 86400 * 2)
        number = f"LL{k + 1:06d}{j + 1}"
        return Order(
            number,
            customer_rid,
            rng.choice(P.MARKETPLACES[lang]),
            items,
            amount,
            P.CURRENCY[lang],
            status,
            created,
            carrier,
            tracking,
            shipped,
        )

    # -- tickets ------------------------------------------------------------------

    def ticket(self, i: int, created: int | None = None, live: bool = False) -> Generated:
        rng = random.Random(f"{self.seed}:t:{i}")
        k = rng.randrange(self.customers)
        customer, orders = self.customer(k)
        lang = self.customer_lang(k)
        channels, weights = _CHANNELS[lang]
        channel = rng.choices(channels, weights)[0]
        topics = [
            t for t in TOPICS if lang in t.subjects and (t.key != "a_to_z" or channel == "amazon")
        ]
        topic = rng.choices(topics, [t.weight for t in topics])[0]
        if created is None:
            created = self._created(rng, i)
        order = rng.choice(orders) if topic.needs_order else None
        values = self._values(rng, topic, lang, customer, order)
        age = self.anchor - created
        if live:
            shape = Plan("new", [("opener", created)], None)
        else:
            shape = plan(rng, PACES.get(channel, PACES["email"]), created, self.anchor)
        status = shape.status
        team = topic.team if rng.random() < 0.9 else rng.choice([t for t, _ in P.TEAMS])
        assignee = None
        if status != "new":
            pool = _AGENTS_BY_TEAM.get(team) or [a[0] for a in P.AGENTS]
            assignee = rng.choice(pool)
            # The person at the console owns a share of the recent work, so Mine is not empty.
            if age < 86400 * 2 and rng.random() < 0.08:
                assignee = ME
            elif status == "open" and rng.random() < 0.15:
                assignee = None
        tags = list(topic.tags)
        if customer.vip:
            tags.append("vip")
        fields = {"lang": lang}
        if topic.key == "a_to_z":
            fields["claim_at"] = created
        messages = self._thread(rng, i, topic, lang, channel, values, shape, assignee, customer)
        updated = shape.done_at or max(m.created_at for m in messages)
        satisfaction = None
        if status in ("solved", "closed") and rng.random() < 0.4:
            satisfaction = rng.choices([5, 4, 3, 2, 1], [55, 25, 10, 5, 5])[0]
        subject = rng.choice(topic.subjects[lang]).format(**values)
        t = Ticket(
            remote_id=f"DEMO-{i + 1}",
            channel=channel,
            subject=subject,
            status=status,
            customer_remote_id=customer.remote_id,
            created_at=created,
            updated_at=updated,
            priority=topic.priority,
            assignee_remote_id=assignee,
            team_remote_id=team,
            tags=tags,
            order_number=order.number if order else None,
            satisfaction=satisfaction,
            fields=fields,
        )
        return Generated(t, messages, k)

    def _values(
        self, rng: random.Random, topic: Topic, lang: str, customer: Customer, order: Order | None
    ) -> dict:
        sku, en, zh, price, variants = rng.choice(P.PRODUCTS)
        first = customer.name.split()[0] if lang == "en" else customer.name
        carrier = order.carrier if order and order.carrier else rng.choice(P.CARRIERS[lang])
        return {
            "product": zh if lang == "zh" else en,
            "size": rng.choice(variants),
            "order": order.number if order else f"LL{rng.randrange(10**6):06d}1",
            "carrier": carrier,
            "tracking": (
                order.tracking_number
                if order and order.tracking_number
                else tracking_number(rng, carrier)
            ),
            "amount": money(order.amount_cents if order else price, P.CURRENCY[lang]),
            "first": first,
            "days": rng.choice((2, 3, 4)),
            "agent": "",
        }

    def _created(self, rng: random.Random, i: int) -> int:
        """Ticket i's place in the shop's history, counted back from its anchor, so the
        same seed gives the same shop relative to "now" at any time of day (the tests, and
        the demo's figures, do not change with the clock)."""
        return self.anchor - self.span + int(self.span * (i + rng.random()) / max(1, self.total))

    def _thread(
        self, rng, i, topic, lang, channel, values, shape: Plan, assignee, customer
    ) -> list[Message]:
        """The messages of a planned conversation: each role's words, never the same line
        twice in one thread, ending in thanks and a closing word where it ended well."""
        out: list[Message] = []
        agent_rid = assignee or rng.choice([a[0] for a in P.AGENTS])
        agent_name = self.me_name if agent_rid == ME else _AGENT_NAMES[agent_rid]
        rid = f"DEMO-{i + 1}"
        used: set[str] = set()

        def add(kind: str, body: str, at: int, internal: bool = False, attachments=None) -> None:
            out.append(
                Message(
                    remote_id=f"{rid}-m{len(out) + 1}",
                    ticket_remote_id=rid,
                    author_kind=kind,
                    author_name=customer.name if kind == "customer" else agent_name,
                    body=body,
                    created_at=at,
                    internal=internal,
                    agent_remote_id=agent_rid if kind == "agent" else None,
                    attachments=attachments or [],
                )
            )

        def line(*pools: list[str]) -> str:
            for pool in pools:
                fresh = [x for x in pool if x not in used]
                if fresh:
                    chosen = rng.choice(fresh)
                    used.add(chosen)
                    return chosen.format(**values)
            return rng.choice(pools[-1]).format(**values)

        asks = [x for x in topic.customer[lang] if not is_thanks(x)]
        thanks = [x for x in topic.customer[lang] if is_thanks(x)]
        for role, at in shape.steps:
            if role == "opener":
                opener = line(topic.openers[lang])
                if channel == "phone":
                    add("agent", PHONE_NOTE[lang].format(line=opener), at, internal=True)
                    add("customer", opener, at)
                else:
                    files = []
                    if topic.key in ("damaged", "wrong_item"):
                        size = rng.randrange(200_000, 3_000_000)
                        files = [
                            Attachment("photo_1.jpg", "image/jpeg", size, f"demo-photo:{size}")
                        ]
                    add("customer", opener, at, attachments=files)
            elif role in AGENT_ROLES:
                if role == "answer" and rng.random() < 0.08:
                    add("agent", rng.choice(NOTES[lang]), at, internal=True)
                if role == "answer":
                    add("agent", line(topic.agent[lang], GENERIC_AGENT[lang]), at)
                else:
                    add("agent", line(AGENT_CLOSING[lang]), at)
            elif role == "follow":
                add("customer", line(asks, GENERIC_CUSTOMER[lang]), at)
            else:
                add("customer", line(thanks, CUSTOMER_THANKS[lang]), at)
        return out
