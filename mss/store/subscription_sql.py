"""SQL for the subscription list (RFC 3501 §6.3.6, §6.3.7, §6.3.9): names, independent of the
mailboxes that carry them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.changes import Change
from mss.store.subscription_schema import subscriptions


async def subscribed_names(conn: AsyncConnection, account_id: int) -> list[str]:
    rows = await conn.execute(
        select(subscriptions.c.name)
        .where(subscriptions.c.account_id == account_id)
        .order_by(subscriptions.c.name)
    )
    return list(rows.scalars())


async def subscribe(conn: AsyncConnection, account_id: int, names: Iterable[str]) -> None:
    """Add names not yet on the list (subscribing twice is not an error, RFC 3501 §6.3.6)."""
    wanted = set(names)
    present = set(await subscribed_names(conn, account_id))
    missing = sorted(wanted - present)
    if missing:
        await conn.execute(
            insert(subscriptions), [{"account_id": account_id, "name": n} for n in missing]
        )


async def set_subscribed(
    conn: AsyncConnection, account_id: int, name: str, subscribed: bool
) -> list[Change]:
    if subscribed:
        await subscribe(conn, account_id, [name])
    else:
        await conn.execute(
            delete(subscriptions).where(
                subscriptions.c.account_id == account_id, subscriptions.c.name == name
            )
        )
    return [Change("mailboxes", account_id, 0)]


async def rename(conn: AsyncConnection, account_id: int, old: str, new: str) -> None:
    """A renamed mailbox keeps its subscription, and so do its inferiors (as Dovecot does):
    RFC 3501 §6.3.5 leaves it open, and a folder vanishing from the client's subscribed view
    because it was renamed would surprise its user."""
    prefix = old + "/"
    names = await subscribed_names(conn, account_id)
    moved = {
        name: new + name[len(old) :] for name in names if name == old or name.startswith(prefix)
    }
    if not moved:
        return
    await conn.execute(
        delete(subscriptions).where(
            subscriptions.c.account_id == account_id, subscriptions.c.name.in_(list(moved))
        )
    )
    await subscribe(conn, account_id, moved.values())
