"""How the demo shop's conversations unfold in time. Pure.

A conversation is planned from its first message on: the agent answers (fast on chat, within
hours on e-mail, a long answer now and then), the customer follows up or says thanks, the
ticket is solved a little after the last word, or after a day or two of silence. Where
"now" falls in that plan gives the ticket its status, so the shop's figures come out as a
well-run shop's: most open tickets inside their SLA, a few at risk, a handful breached.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (weight, shortest, longest) in seconds: one of the ranges is drawn, then a time in it.
Spread = tuple[tuple[int, int, int], ...]

H, D = 3600, 86400


@dataclass(frozen=True)
class Pace:
    agent: Spread  # from the customer's message to the agent's answer
    customer: Spread  # from the agent's answer to the customer's next message
    exchanges: tuple[tuple[int, int], ...]  # (answers the agent gives, weight)
    wrap: Spread  # from the last word to solved
    silence: Spread  # a customer who does not answer: solved after this


CHAT = Pace(
    agent=((85, 15, 200), (12, 200, 500), (3, 660, 2400)),
    customer=((85, 20, 600), (15, H, 6 * H)),
    exchanges=((2, 8), (3, 17), (4, 27), (5, 28), (6, 20)),
    wrap=((1, 30, 400),),
    silence=((1, H, 8 * H),),
)
EMAIL = Pace(
    agent=((85, 600, 3 * H), (12, 3 * H, 7 * H), (3, 8 * H + 600, 20 * H)),
    customer=((70, 1800, 6 * H), (30, 6 * H, 20 * H)),
    exchanges=((1, 15), (2, 35), (3, 30), (4, 20)),
    wrap=((1, 300, 4 * H),),
    silence=((1, 8 * H, D),),
)
MARKETPLACE = Pace(
    agent=((85, H, 12 * H), (12, 12 * H, 22 * H), (3, 25 * H, 40 * H)),
    customer=((1, 2 * H, 2 * D),),
    exchanges=((1, 30), (2, 40), (3, 30)),
    wrap=((1, H, 6 * H),),
    silence=((1, D, 2 * D),),
)
PACES = {
    "chat": CHAT,
    "wechat": CHAT,
    "weibo": CHAT,
    "sms": CHAT,
    "email": EMAIL,
    "webform": EMAIL,
    "phone": EMAIL,
    "amazon": MARKETPLACE,
}
THANKS_SHARE = 0.7  # customers who say thanks at the end, rather than falling silent
CLOSING_SHARE = 0.6  # of those, the agent who answers the thanks before solving
ON_HOLD_SHARE = 0.05  # of the tickets waiting on the customer, those put on hold
CLOSED_AFTER = 4 * D  # a solved ticket is closed this long after


def draw(rng: random.Random, spread: Spread) -> int:
    weights = [w for w, _lo, _hi in spread]
    _w, low, high = rng.choices(spread, weights)[0]
    return rng.randrange(low, high + 1)


@dataclass
class Plan:
    status: str
    steps: list[tuple[str, int]]  # (role, at) of the messages written by now, in order
    done_at: int | None  # when it was solved, if it was by now


# Roles: "opener", "follow" and "thanks" are the customer's; "answer" and "close" the agent's.
AGENT_ROLES = ("answer", "close")


def plan(rng: random.Random, pace: Pace, created: int, now: int) -> Plan:
    """The conversation from `created`, cut at `now`."""
    n = rng.choices([e for e, _w in pace.exchanges], [w for _e, w in pace.exchanges])[0]
    steps = [("opener", created)]
    at = created
    for k in range(n):
        at += draw(rng, pace.agent)
        steps.append(("answer", at))
        if k < n - 1:
            at += draw(rng, pace.customer)
            steps.append(("follow", at))
    if rng.random() < THANKS_SHARE:
        at += draw(rng, pace.customer)
        steps.append(("thanks", at))
        if rng.random() < CLOSING_SHARE:
            at += draw(rng, pace.wrap)
            steps.append(("close", at))
        done = at + draw(rng, pace.wrap)
    else:
        done = at + draw(rng, pace.silence)
    shown = [s for s in steps if s[1] <= now]
    if done <= now:
        return Plan("closed" if now - done > CLOSED_AFTER else "solved", steps, done)
    last_role = shown[-1][0]
    if last_role in ("opener", "follow", "thanks"):  # the customer has the last word
        answered = any(role == "answer" for role, _at in shown)
        return Plan("open" if answered else "new", shown, None)
    waiting = "on_hold" if rng.random() < ON_HOLD_SHARE else "pending"
    return Plan(waiting, shown, None)
