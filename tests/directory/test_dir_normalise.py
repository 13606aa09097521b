"""Accent and case folding, shared by indexing and querying."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from directory.normalise import Term, fold, name_keys, query_terms, search_text


def test_fold_accents_case_separators() -> None:
    assert fold("Saint-Étienne") == "saint etienne"
    assert fold("St Étienne") == "saint etienne"
    assert fold("STE-Maxime") == "sainte maxime"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Cœur  ÉLODIE") == "coeur elodie"
    assert fold("Müller_Straße") == "muller strasse"


def test_search_text_is_space_framed_and_skips_parts_it_has_already() -> None:
    text = search_text(["Dupont", None, "DUPONT Jean", "", "Saint-Étienne", "Jean", "st"])
    assert text == " dupont dupont jean saint etienne "


def test_search_text_keeps_the_words_of_a_new_part_side_by_side() -> None:
    # The given name Étienne comes first; the city still reads "saint etienne".
    assert search_text(["Étienne Alban", "Saint-Étienne"]) == " etienne alban saint etienne "


def test_query_terms_keep_typed_abbreviations_with_their_expansion() -> None:
    assert query_terms("st-étienne dupont st", 8) == [
        Term("st", "saint"),
        Term("etienne", None),
        Term("dupont", None),
    ]
    assert query_terms("a b c d", 2) == [Term("a", None), Term("b", None)]
    assert query_terms("-- ' ", 8) == []


def test_name_keys_keep_hyphenated_words_whole() -> None:
    assert name_keys("st-etienne") == ["saint etienne", "st etienne"]
    assert name_keys("le goff") == ["goff", "le", "le goff"]


@given(st.text())
def test_fold_is_idempotent_and_only_emits_tokens(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded
    assert folded == folded.lower() or not folded.isascii()
