"""Changing a list a platform only takes whole (Freshdesk's ticket tags, Chatwoot's
labels): read it, merge our change in, write it, and check what the platform kept. A
colleague's entry added between our read and our write would be dropped by the write; a
list that does not hold what we asked is read, merged and written again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from agentdesk.connectors.base import PermanentError

TRIES = 3


async def change_whole_list(
    read: Callable[[], Awaitable[list[str]]],
    write: Callable[[list[str]], Awaitable[list[str]]],
    add: Sequence[str],
    remove: Sequence[str],
    what: str,
) -> None:
    """`read` gives the list as it is, `write` sends a whole list and gives back what the
    platform kept; `what` names the list for the error when it never settles."""
    for _attempt in range(TRIES):
        had = await read()
        wanted = [x for x in had if x not in remove] + [x for x in add if x not in had]
        if wanted == had:
            return
        kept = set(await write(wanted))
        if set(add) <= kept and not set(remove) & kept:
            return
    raise PermanentError(f"{what} kept changing; try again")
