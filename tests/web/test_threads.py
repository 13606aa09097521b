"""Conversations from References / In-Reply-To (RFC 5322 §3.6.4), then normalised subjects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crypto.session import SessionToken
from webmail.mail.threadcache import ThreadCache
from webmail.mail.threads import drop_prefixes, group, message_ids, normalise_subject


@dataclass(frozen=True)
class Mail:
    uid: int
    subject: str
    message_id: str = ""
    references: tuple[str, ...] = ()

    @property
    def date(self) -> int:
        return 1_800_000_000 + self.uid * 60


def uids(found: list[tuple[Mail, ...]]) -> list[list[int]]:
    return [[m.uid for m in conversation] for conversation in found]


def grouped(*mails: Mail) -> list[list[int]]:
    return uids([c.messages for c in group(mails)])


def test_message_ids_of_folded_references_and_phrased_in_reply_to() -> None:
    folded = "<a1@hopital.example>\r\n <b2@cabinet.example>\t<c3@x>  <a1@hopital.example>"
    assert message_ids(folded) == ("a1@hopital.example", "b2@cabinet.example", "c3@x")
    # RFC 822 allowed a phrase in In-Reply-To; only the bracketed id counts.
    assert message_ids('"Votre message du 3 mai" <d4@x> (commentaire)') == ("d4@x",)
    assert message_ids("pas d'identifiant") == ()


@pytest.mark.parametrize(
    ("subject", "normal", "replied"),
    [
        ("Re: Résultats", "résultats", True),
        ("RE : RE: TR: Fwd: Résultats  d'analyse", "résultats d'analyse", True),
        ("Re[2]: Bilan", "bilan", True),
        ("AW: WG: Termin", "termin", True),
        ("[Cabinet] Re: Bilan", "bilan", True),
        ("[Cabinet] Bilan", "bilan", False),
        ("Record: tension", "record: tension", False),
        ("Réunion", "réunion", False),
        ("Re:", "", True),
    ],
)
def test_subject_prefixes(subject: str, normal: str, replied: bool) -> None:
    assert normalise_subject(subject) == normal
    assert drop_prefixes(subject)[1] is replied


def test_drop_prefixes_keeps_the_subject_as_written() -> None:
    assert drop_prefixes("RE : Tr: Résultats: bilan du 3 mai")[0] == "Résultats: bilan du 3 mai"


def test_a_references_chain_of_eight_is_one_conversation_newest_first() -> None:
    chain: list[Mail] = []
    for n in range(8):
        ids = tuple(m.message_id for m in chain)
        chain.append(Mail(n + 1, "Re: Suivi" if n else "Suivi", f"m{n}@x", ids))
    other = Mail(20, "Vaccination", "v@x")
    assert grouped(*chain, other) == [[20], [8, 7, 6, 5, 4, 3, 2, 1]]


def test_a_missing_link_still_joins_through_shared_references() -> None:
    # m2 is not in this folder: m3 names only m2, m4 names m1 and m2 (References keeps the
    # chain), so m3 is joined through the id m2 both name.
    first = Mail(1, "Compte rendu", "m1@x")
    third = Mail(3, "Autre sujet", "m3@x", ("m2@x",))
    fourth = Mail(4, "Encore autre", "m4@x", ("m1@x", "m2@x", "m3@x"))
    assert grouped(first, third, fourth) == [[4, 3, 1]]


def test_in_reply_to_alone_links_a_reply() -> None:
    original = Mail(1, "Question", "q@x")
    answer = Mail(2, "Ma réponse", "a@x", ("q@x",))
    assert grouped(original, answer) == [[2, 1]]


def test_subject_joins_only_replies() -> None:
    # Two appointments both called "Rendez-vous" are two exchanges; a reply without
    # References (a client that drops them) joins the original of its subject.
    first = Mail(1, "Rendez-vous", "r1@x")
    second = Mail(2, "Rendez-vous", "r2@x")
    answer = Mail(3, "RE : rendez-vous", "r3@x")
    found = grouped(first, second, answer)
    assert sorted(map(sorted, found)) == [[1, 3], [2]]
    assert found[0] == [3, 1], "the conversation with the newest message comes first"


def test_replies_without_their_original_join_each_other() -> None:
    assert grouped(Mail(1, "Re: Bilan"), Mail(2, "TR: Bilan"), Mail(3, "Bilan sanguin")) == [
        [3],
        [2, 1],
    ]


def test_empty_subjects_are_never_joined_by_subject() -> None:
    assert grouped(Mail(1, "Re:"), Mail(2, "Re: "), Mail(3, "")) == [[3], [2], [1]]


def test_the_thread_cache_holds_only_for_the_same_messages_and_session() -> None:
    cache = ThreadCache()
    token, other = SessionToken.generate(), SessionToken.generate()
    keys = [(1, 1), (1, 2), (2, 7)]
    groups = [[(2, 7), (1, 1)], [(1, 2)]]
    cache.put(token, [1, 2], keys, groups)
    assert cache.get(token, [1, 2], list(reversed(keys))) == groups
    assert cache.get(token, [1, 2], [*keys, (1, 3)]) is None, "a new message regroups"
    assert cache.get(token, [1], keys) is None
    assert cache.get(other, [1, 2], keys) is None
    [(_, blob)] = cache._entries.values()
    assert b"[[2, 7]" not in blob, "kept encrypted under the session key"
