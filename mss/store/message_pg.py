"""PostgreSQL: a whole batch of appends in one statement, so one round trip between BEGIN and
COMMIT however many messages and mailboxes the batch holds.

Why. Allocating UIDs, then inserting contents, then inserting index rows cost three round trips
per batch and a fresh prepared statement for every batch size (multi-row VALUES differ by their
number of rows). Here every column travels as one array (``unnest``), the statement's text never
changes (it is prepared once per connection), and data-modifying CTEs (PostgreSQL "WITH Queries",
§7.8.4) do the three steps in one statement.

Implementation notes. The UPDATE … RETURNING on each mailbox row allocates ``n`` UIDs and ``n``
MODSEQs as in ``message_sql.allocate``; its row lock orders concurrent writers, so UIDs stay
strictly ascending and unique (RFC 3501 §2.3.1.1, RFC 7162 §3.1). A message's rank within its
mailbox (0 … n-1, in batch order) is added to the first UID and MODSEQ. A mailbox that does not
exist allocates nothing; the caller then refuses the batch, and the transaction is rolled back.
Row ids are drawn here (``mss.coarse.random_row_id``), not by the table's sequence, so that the
copies of one message get unrelated ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.coarse import random_row_id
from mss.store.changes import Change
from mss.store.errors import NotFound
from mss.store.records import Appended, NewMessage, encode_flags

_APPEND = text(
    """
WITH wanted AS (
    SELECT * FROM unnest(CAST(:wanted_ids AS bigint[]), CAST(:wanted_counts AS bigint[]))
        AS w(mailbox_id, n)
), allocated AS (
    UPDATE mailboxes AS m
       SET uidnext = m.uidnext + w.n, highestmodseq = m.highestmodseq + w.n
      FROM wanted AS w
     WHERE m.id = w.mailbox_id
    RETURNING m.id, m.uidnext - w.n AS first_uid, m.highestmodseq - w.n + 1 AS first_modseq,
              m.uidvalidity, m.account_id
), new_contents AS (
    INSERT INTO contents (object_id, content)
    SELECT * FROM unnest(CAST(:object_ids AS bytea[]), CAST(:contents AS bytea[]))
), new_messages AS (
    INSERT INTO messages
        (id, mailbox_id, uid, modseq, flags, internal_date, size, object_id, sealed_key, summary)
    SELECT r.id, r.mailbox_id, a.first_uid + r.rank, a.first_modseq + r.rank, r.flags,
           r.internal_date, r.size, r.object_id, r.sealed_key, r.summary
      FROM unnest(
               CAST(:row_ids AS bigint[]), CAST(:mailbox_ids AS bigint[]),
               CAST(:ranks AS bigint[]), CAST(:flags AS text[]), CAST(:dates AS bigint[]),
               CAST(:sizes AS bigint[]), CAST(:object_ids AS bytea[]),
               CAST(:sealed_keys AS bytea[]), CAST(:summaries AS bytea[])
           ) AS r(id, mailbox_id, rank, flags, internal_date, size, object_id, sealed_key,
                  summary)
      JOIN allocated AS a ON a.id = r.mailbox_id
)
SELECT id, first_uid, first_modseq, uidvalidity, account_id FROM allocated
"""
)


async def append_messages_pg(
    conn: AsyncConnection, batch: Sequence[tuple[int, NewMessage]]
) -> tuple[list[Appended], list[Change]]:
    """``message_sql.append_messages`` in one statement; same results, same order."""
    counts: dict[int, int] = {}
    ranks: list[int] = []
    for mailbox_id, _ in batch:
        ranks.append(counts.get(mailbox_id, 0))
        counts[mailbox_id] = ranks[-1] + 1
    messages = [message for _, message in batch]
    rows = await conn.execute(
        _APPEND,
        {
            "wanted_ids": list(counts),
            "wanted_counts": list(counts.values()),
            "object_ids": [m.object_id for m in messages],
            "contents": [m.content for m in messages],
            "row_ids": [random_row_id() for _ in batch],
            "mailbox_ids": [mailbox_id for mailbox_id, _ in batch],
            "ranks": ranks,
            "flags": [encode_flags(m.flags) for m in messages],
            "dates": [m.internal_date for m in messages],
            "sizes": [m.size for m in messages],
            "sealed_keys": [m.sealed_key for m in messages],
            "summaries": [m.summary for m in messages],
        },
    )
    allocated = {int(row.id): row for row in rows}
    missing = set(counts) - set(allocated)
    if missing:
        raise NotFound(f"mailbox {min(missing)} does not exist")
    appended = [
        Appended(
            mailbox_id,
            int(allocated[mailbox_id].uidvalidity),
            int(allocated[mailbox_id].first_uid) + rank,
            int(allocated[mailbox_id].first_modseq) + rank,
        )
        for (mailbox_id, _), rank in zip(batch, ranks, strict=True)
    ]
    changes = [
        Change(
            "added",
            int(allocated[mailbox_id].account_id),
            mailbox_id,
            tuple(
                range(
                    int(allocated[mailbox_id].first_uid), int(allocated[mailbox_id].first_uid) + n
                )
            ),
            int(allocated[mailbox_id].first_modseq) + n - 1,
        )
        for mailbox_id, n in counts.items()
    ]
    return appended, changes
