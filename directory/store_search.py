"""Ranked, accent-insensitive search of listed mailboxes, the same on SQLite and PostgreSQL.

Every query word must start some word of an entry's folded search text (`directory.normalise`),
in any order. Results are ranked in tiers, then by folded name, given name and id: first, for a
query of two words or more, entries holding its words side by side ("saint etienne" as a city,
"jean pierre martin" as a name); then the name (a person's surname, a structure's name) equals
a word of the query (hyphenated words count whole) or the whole query; then the name starts
with one of them; then the rest.

Implementation notes: how matches are found depends on how many there are, so that neither a
rare name nor a one-letter prefix is slow.
- First matches are counted up to `SELECTIVE_LIMIT` + 1 in the full-text index (FTS5 on
  SQLite, a trigram index serving ``LIKE '% word%'`` on PostgreSQL), without leaving the
  database.
- If there are no more than that, they are ranked and paged by one sorting query.
- Otherwise matches are dense enough that walking the (name, given name) index in order and
  keeping matching rows finds a page quickly: one walk per tier, each stopping at the page end.
Pages deeper than `MAX_WINDOW` results are refused: nobody pages that far in an address book,
and the broad walk costs in proportion to the depth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from directory.model import SearchPage
from directory.normalise import Term, name_keys, phrase, query_terms
from directory.schema import FTS_PREFIX_MAX, fts_table, mailbox
from directory.store import entries_by_id

MAX_TERMS = 8
MAX_WINDOW = 1000
SELECTIVE_LIMIT = 1000
# Above every character: "starts with p" is p <= name < p + _TOP under byte-wise ordering.
_TOP = "\U0010ffff"


# FROM clause and WHERE conditions selecting the matching mailboxes.
Matches = tuple[Any, list[Any]]
# A long prefix starting more words than this is looked up by its first `FTS_PREFIX_MAX`
# letters, each row then checked in full.
MAX_EXPANSION = 32


async def _words_starting(conn: AsyncConnection, prefix: str) -> list[str] | None:
    """Indexed words starting with ``prefix``, None if more than `MAX_EXPANSION`."""
    query = sa.text(
        "SELECT word FROM directory_search_word WHERE word >= :low AND word < :high LIMIT :n"
    )
    found = await conn.execute(
        query, {"low": prefix, "high": prefix + _TOP, "n": MAX_EXPANSION + 1}
    )
    words = [str(row[0]) for row in found]
    return None if len(words) > MAX_EXPANSION else words


async def _fts_query(conn: AsyncConnection, terms: Sequence[Term]) -> tuple[str, bool] | None:
    """FTS5 syntax for ``terms`` and whether rows must be checked in full; None if some term
    matches no indexed word at all.

    A term is a quoted prefix when its prefix index exists; a longer one becomes the exact
    words it starts (read lazily by FTS5, unlike a long prefix); its written-out abbreviation
    is an alternative.
    """
    parts, check = [], False
    for term in terms:
        options = []
        if len(term.prefix) <= FTS_PREFIX_MAX:
            options.append(f'"{term.prefix}"*')
        else:
            words = await _words_starting(conn, term.prefix)
            if words is None:
                options.append(f'"{term.prefix[:FTS_PREFIX_MAX]}"*')
                check = True
            else:
                options += [f'"{word}"' for word in words]
        if term.exact:
            options.append(f'"{term.exact}"')
        if not options:
            return None
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts), check


def _matches_all(terms: Sequence[Term]) -> sa.ColumnElement[bool]:
    """Every term starts a word of the space-framed search text (or equals its abbreviation)."""
    text = mailbox.c.search_text
    conditions: list[sa.ColumnElement[bool]] = []
    for term in terms:
        condition: sa.ColumnElement[bool] = text.like(f"% {term.prefix}%")
        if term.exact:
            condition = condition | text.like(f"% {term.exact} %")
        conditions.append(condition)
    return sa.and_(*conditions)


def _side_by_side(words: str | None) -> sa.ColumnElement[bool]:
    """The entry holds the query's words side by side (false for a one-word query)."""
    if words is None:
        return sa.false()
    return mailbox.c.search_text.like(f"% {words} %")


def _starts_name(keys: Sequence[str]) -> sa.ColumnElement[bool]:
    name = mailbox.c.name_norm
    return sa.or_(*((name >= key) & (name < key + _TOP) for key in keys))


async def search_ids(conn: AsyncConnection, text: str, offset: int, count: int) -> list[int]:
    """Ids of the listed mailboxes matching ``text``, ranked, from ``offset``, at most ``count``."""
    terms = query_terms(text, MAX_TERMS)
    if not terms or count <= 0:
        return []
    need = offset + count
    keys = name_keys(text)
    side_by_side = _side_by_side(phrase(text))
    found = await _matches(conn, terms)
    if found is None:
        return []
    if await _count_up_to(conn, found, SELECTIVE_LIMIT + 1) <= SELECTIVE_LIMIT:
        ids = await _rank(conn, found, keys, side_by_side, need)
    else:
        ids = await _walk(conn, terms, keys, side_by_side, need)
    return ids[offset:need]


async def _matches(conn: AsyncConnection, terms: Sequence[Term]) -> Matches | None:
    """(FROM clause, WHERE conditions) of the listed mailboxes matching every term, or None when
    nothing can match.

    On SQLite the rows come from the FTS5 index, which streams them without reading whole
    posting lists; the FTS5 index holds listed mailboxes only.
    """
    if conn.dialect.name != "sqlite":
        return mailbox, [mailbox.c.listed, _matches_all(terms)]
    expression = await _fts_query(conn, terms)
    if expression is None:
        return None
    query, check = expression
    match = sa.text("directory_mailbox_fts MATCH :fts_query").bindparams(fts_query=query)
    if not check:
        return fts_table, [match]
    source = fts_table.join(mailbox, mailbox.c.id == fts_table.c.rowid)
    return source, [match, _matches_all(terms)]


async def _count_up_to(conn: AsyncConnection, found: Matches, limit: int) -> int:
    """How many listed mailboxes match, counting no further than ``limit``."""
    source, conditions = found
    first = sa.select(sa.literal(1)).select_from(source).where(*conditions).limit(limit)
    counted = sa.select(sa.func.count()).select_from(first.subquery())
    return int((await conn.execute(counted)).scalar_one())


async def _rank(
    conn: AsyncConnection,
    found: Matches,
    keys: list[str],
    side_by_side: sa.ColumnElement[bool],
    need: int,
) -> list[int]:
    """Rank the (few) matching rows in one sorting query and keep the first ``need``."""
    source, conditions = found
    if source is fts_table:
        source = fts_table.join(mailbox, mailbox.c.id == fts_table.c.rowid)
    tier = sa.case(
        (side_by_side, 0),
        (mailbox.c.name_norm.in_(keys), 1),
        (_starts_name(keys), 2),
        else_=3,
    )
    query = (
        sa.select(mailbox.c.id)
        .select_from(source)
        .where(*conditions)
        .order_by(tier, mailbox.c.name_norm, mailbox.c.given_norm, mailbox.c.id)
        .limit(need)
    )
    return [int(row[0]) for row in await conn.execute(query)]


async def _walk(
    conn: AsyncConnection,
    terms: Sequence[Term],
    keys: list[str],
    side_by_side: sa.ColumnElement[bool],
    need: int,
) -> list[int]:
    """Walk the name index in ranking order, keeping matching listed rows, until ``need``.

    Tier by tier, stopping as soon as the page is full. Within a tier, one statement holds a
    branch per name key (each its own index range, walked in order and stopping at ``need``
    rows); their union, which also drops a row found by two overlapping ranges, is sorted, so
    no step sorts more than a few pages.
    """
    is_exact = mailbox.c.name_norm.in_(keys)
    apart = ~side_by_side
    tiers = (
        [side_by_side],
        [(mailbox.c.name_norm == key) & apart for key in keys],
        [_starts_name([key]) & ~is_exact & apart for key in keys],
        [~_starts_name(keys) & ~is_exact & apart],
    )
    order = (mailbox.c.name_norm, mailbox.c.given_norm, mailbox.c.id)
    found: list[int] = []
    for conditions in tiers:
        walks = [
            sa.select(*order)
            .where(condition, mailbox.c.listed, _matches_all(terms))
            .order_by(*order)
            .limit(need - len(found))
            .subquery()
            for condition in conditions
        ]
        union = sa.union(*(sa.select(walk) for walk in walks)).subquery()
        query = sa.select(union.c.id).order_by(*union.c).limit(need - len(found))
        found += [int(row[0]) for row in await conn.execute(query)]
        if len(found) >= need:
            break
    return found


async def search(engine: AsyncEngine, text: str, offset: int, limit: int) -> SearchPage:
    """One page of ranked results; ``offset + limit`` must not exceed `MAX_WINDOW`."""
    async with engine.connect() as conn:
        ids = await search_ids(conn, text, offset, limit + 1)
        entries = await entries_by_id(conn, ids[:limit])
    return SearchPage(tuple(entries), offset, limit, has_more=len(ids) > limit)
