"""Accent- and case-folding shared by indexing and querying.

Folding happens here, in Python, and never in the database, so SQLite and PostgreSQL index and
match exactly the same tokens: a token is a run of letters or digits after NFKD decomposition,
removal of combining marks and lower-casing; hyphens, apostrophes and every other separator
split tokens. "St"/"Ste" abbreviations are written out in indexed text so that "Saint-Étienne"
and "St Etienne" index alike.

The stored search text starts and ends with a space, so that "a token starts with p" is the single
pattern ``LIKE '% p%'`` and "a token equals t" is ``LIKE '% t %'`` on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Ligatures that NFKD leaves whole but that French writers type as two letters.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# A token: a run of letters and digits (str.isalnum), in any script.
_TOKEN = re.compile(r"[^\W_]+")
# Abbreviations written out in indexed text; a query term equal to a key also matches its value.
EXPANSIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Civilities typed before a name ("dr dupont"), folded; "m" is left out, being a name's prefix.
CIVILITIES = frozenset(
    {"dr", "docteur", "pr", "professeur", "mme", "madame", "mr", "monsieur", "mlle", "mademoiselle"}
)


def _tokens(text: str) -> list[str]:
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=32_768)
def fold_tokens(text: str) -> tuple[str, ...]:
    """Folded tokens of ``text``, abbreviations written out.

    Cached: the national file repeats the same names, cities and labels on many lines.
    """
    return tuple(EXPANSIONS.get(t, t) for t in _tokens(text))


def fold(text: str) -> str:
    """Folded tokens of ``text`` joined by single spaces: a sort key and an equality key."""
    return " ".join(fold_tokens(text))


def search_text(parts: Iterable[str | None]) -> str:
    """The indexed text of an entry: the folded parts, space-framed.

    A part whose words are all there already is left out; any other part is written whole,
    repeats included, so that its words stay side by side for the phrase ranking of
    `directory.store_search` ("saint etienne" after a given name Étienne).
    """
    tokens: list[str] = []
    seen: set[str] = set()
    for part in parts:
        if part:
            words = fold_tokens(part)
            if not seen.issuperset(words):
                tokens += words
                seen.update(words)
    return " " + " ".join(tokens) + " " if tokens else " "


@dataclass(frozen=True, slots=True)
class Term:
    """One query word: matches an entry having a token that starts with ``prefix``, or a token
    equal to ``exact`` (the written-out form of an abbreviation: "st" also finds "saint")."""

    prefix: str
    exact: str | None


def query_terms(query: str, max_terms: int) -> list[Term]:
    """The distinct terms of a user query, in order, at most ``max_terms``.

    Civilities ("dr", "mme") are dropped: people type them before a name, entries do not all
    carry one. A query of civilities only is kept as typed.
    """
    seen: dict[str, Term] = {}
    tokens = _tokens(query)
    meaningful = [token for token in tokens if token not in CIVILITIES]
    for token in meaningful or tokens:
        if token not in seen:
            seen[token] = Term(prefix=token, exact=EXPANSIONS.get(token))
    return list(seen.values())[:max_terms]


def phrase(query: str) -> str | None:
    """The folded query without civilities when it has two words or more, else None: an entry
    holding these words side by side ranks first ("st etienne", "jean-pierre martin")."""
    words = [word for word in fold_tokens(query) if word not in CIVILITIES]
    return " ".join(words) if len(words) > 1 else None


def name_keys(query: str) -> list[str]:
    """Folded forms a name is compared with to rank results.

    Each space-separated word of the query (a hyphenated word such as "st-etienne" stays one
    name) and the whole query, each with abbreviations as typed and written out.
    """
    keys: set[str] = set()
    for chunk in [*query.split(), query]:
        typed = " ".join(_tokens(chunk))
        if typed:
            keys.add(typed)
            keys.add(fold(chunk))
    return sorted(keys)
