"""Unit tests of identity.names: folding, splitting, nicknames and match kinds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.names import (
    _nickname_table,
    name_key,
    names_match_kind,
    nickname_equivalents,
    split_full_name,
)


def fullwidth(text: str) -> str:
    """Spell ASCII text with full-width forms (U+FF01..U+FF5E), as East Asian keyboards do."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("  José   María ", "jose maria"),
        (unicodedata.normalize("NFD", "Müller"), "muller"),
        ("MÜLLER", "muller"),
        ("O'Brien", "obrien"),
        ("O\u2019Brien", "obrien"),
        ("Jean-Pierre", "jean pierre"),
        ("Jean\u2013Pierre", "jean pierre"),
        ("Strauß", "strauss"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Łukasz", "lukasz"),
        ("Œdipe", "oedipe"),
        (fullwidth("John"), "john"),
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_name_key(raw: str, key: str) -> None:
    assert name_key(raw) == key


@pytest.mark.parametrize(
    ("full", "given", "family"),
    [
        ("John Smith", "John", "Smith"),
        ("Smith, John", "John", "Smith"),
        ("Smith,  John  Paul", "John Paul", "Smith"),
        ("Dr. Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Maria de la Cruz", "Maria", "de la Cruz"),
        ("Mr. John Ronald Reuel Tolkien", "John Ronald Reuel", "Tolkien"),
        ("John Smith Jr.", "John", "Smith"),
        ("John Smith, Jr.", "John", "Smith"),
        ("Don Johnson", "Don", "Johnson"),
        ("Van Halen, Eddie", "Eddie", "Van Halen"),
        ("Madonna", "Madonna", ""),
        ("", "", ""),
        ("   ", "", ""),
    ],
)
def test_split_full_name(full: str, given: str, family: str) -> None:
    assert split_full_name(full) == (given, family)


@pytest.mark.parametrize(
    ("nickname", "formal"),
    [
        ("Bob", "robert"),
        ("Liz", "elizabeth"),
        ("Bill", "william"),
        ("Peggy", "margaret"),
        ("Sepp", "josef"),
        ("Paco", "francisco"),
        ("Pepe", "jose"),
        ("Chema", "jose maria"),
        ("Concha", "concepcion"),
        ("Fanfan", "francoise"),
    ],
)
def test_nickname_equivalents_reach_formal_names(nickname: str, formal: str) -> None:
    assert formal in nickname_equivalents(nickname)
    assert name_key(nickname) in nickname_equivalents(formal)


def test_nickname_equivalents_go_one_hop_only() -> None:
    assert "bobby" in nickname_equivalents("Bob")
    al = nickname_equivalents("Al")
    assert {"albert", "alfred"} <= al
    assert "alfred" not in nickname_equivalents("Albert")


def test_nickname_equivalents_of_unknown_and_empty() -> None:
    assert nickname_equivalents("Xyzzy") == frozenset({"xyzzy"})
    assert nickname_equivalents("  ") == frozenset()


def test_nickname_table_is_large_enough() -> None:
    formals, nicknames = _nickname_table()
    assert sum(len(names) for names in formals.values()) >= 300
    assert {"josef", "francisco", "francoise"} <= set(nicknames)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (("John", "Smith"), ("JOHN", "smith"), "exact"),
        (("José", "Müller"), ("Jose", "Muller"), "exact"),
        (("Bob", "Smith"), ("Robert", "Smith"), "nickname"),
        (("Peggy", "Olson"), ("Maggie", "Olson"), "nickname"),
        (("J", "Smith"), ("John", "Smith"), "initial"),
        (("Zhang", "Wei"), ("Wei", "Zhang"), "swapped"),
        (("Bob", "Smith"), ("Robert", "Jones"), "none"),
        (("", ""), ("", ""), "none"),
        (("John", ""), ("Jane", ""), "none"),
    ],
)
def test_names_match_kind(a: tuple[str, str], b: tuple[str, str], kind: str) -> None:
    assert names_match_kind(*a, *b) == kind


@given(st.text())
def test_name_key_is_idempotent(raw: str) -> None:
    key = name_key(raw)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key


@given(st.text())
def test_split_full_name_never_raises(raw: str) -> None:
    given_name, family = split_full_name(raw)
    assert isinstance(given_name, str) and isinstance(family, str)


_TABLE_NAMES = sorted(set(_nickname_table()[0]) | set(_nickname_table()[1]))


@given(st.sampled_from(_TABLE_NAMES), st.sampled_from(_TABLE_NAMES))
def test_nickname_equivalence_is_symmetric(a: str, b: str) -> None:
    assert (b in nickname_equivalents(a)) == (a in nickname_equivalents(b))
    if a != b and b in nickname_equivalents(a):
        assert names_match_kind(a.title(), "Smith", b.upper(), "SMITH") == "nickname"
