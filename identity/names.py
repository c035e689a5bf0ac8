"""Person names: a folded match key, "Family, Given" splitting and nickname equivalence.

``name_key`` folds a name so that spelling variants meet: NFKC (full-width forms), casefold
(``ß`` becomes ``ss``), accents dropped (NFKD, combining marks removed), letters that carry
no decomposition mapped by hand (``ø``→o, ``ł``→l, ``đ``→d, ``æ``→ae, ``œ``→oe, ``þ``→th).
Apostrophes, typographic ones included (U+2019, U+02BC...), are removed (``O'Brien`` and
``OBrien`` meet); hyphens, dashes and every other punctuation become spaces (``Jean-Pierre``
meets ``Jean Pierre``); whitespace is collapsed.

Nicknames come from ``identity/data/nicknames.csv``, a hand-curated table of
``nickname,formal,lang`` rows, loaded once on first use.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from importlib import resources

from identity.errors import ReferenceDataError

__all__ = ["name_key", "names_match_kind", "nickname_equivalents", "split_full_name"]

# Letters that NFKD leaves alone but that readers treat as their base letters.
_LETTER_FOLDS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th",
                               "ð": "d", "\u0131": "i", "ħ": "h"})  # fmt: skip
# Apostrophe-like marks removed inside names.
_APOSTROPHES = frozenset("'`\u2019\u2018\u02bc\u00b4")
# Titles dropped from the front of a full name (keys, so no dots).
# ("Don" and "M." are left out: Don is a common given name, M a common initial.)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr",
                     "frau", "mme", "mlle", "sra", "srta"})  # fmt: skip
# Generational and academic suffixes dropped from the end of a full name.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "dds",
                       "jun", "sen"})  # fmt: skip
# Lowercase particles that belong to the family name ("Ludwig van Beethoven").
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "das",
                        "dos", "du", "la", "le", "lo", "ter", "ten", "zu", "bin", "ibn",
                        "al", "el", "st", "mac", "ap"})  # fmt: skip


@functools.lru_cache(maxsize=65_536)
def name_key(raw: str) -> str:
    """Fold a name for comparison: case, accents, width, punctuation and spacing.

    Example:
        >>> name_key("  José-María  O'Brien ")
        'jose maria obrien'
        >>> name_key("STRAẞE") == name_key("strasse")
        True
    """
    text = unicodedata.normalize("NFKC", raw).casefold()
    text = unicodedata.normalize("NFKD", text).translate(_LETTER_FOLDS)
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn" or char in _APOSTROPHES:
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def _strip_affixes(tokens: list[str]) -> list[str]:
    """Drop leading titles and trailing suffixes, keeping at least one token."""
    while len(tokens) > 1 and name_key(tokens[0]) in _TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and name_key(tokens[-1]) in _SUFFIXES:
        tokens = tokens[:-1]
    return tokens


def split_full_name(full: str) -> tuple[str, str]:
    """Split a full name into ``(given, family)``, as written but with spacing collapsed.

    ``"Family, Given"`` is honoured; otherwise the last word, with any particles before it
    (van, von, de, da, ...), is the family name. Titles (Dr, Mrs, Herr...) and suffixes
    (Jr, III, PhD...) are dropped. A single word is taken as the given name.

    Example:
        >>> split_full_name("Dr. Ludwig van Beethoven")
        ('Ludwig', 'van Beethoven')
        >>> split_full_name("Curie, Marie")
        ('Marie', 'Curie')
    """
    text = " ".join(unicodedata.normalize("NFKC", full).split())
    head, comma, tail = text.partition(",")
    tail_tokens = _strip_affixes(tail.split()) if comma else []
    if comma and tail_tokens and name_key(" ".join(tail_tokens)) not in _SUFFIXES:
        return " ".join(tail_tokens), " ".join(_strip_affixes(head.split()))
    tokens = _strip_affixes(head.split())
    if len(tokens) < 2:
        return (tokens[0] if tokens else ""), ""
    start = len(tokens) - 1
    while start > 1 and name_key(tokens[start - 1]) in _PARTICLES:
        start -= 1
    return " ".join(tokens[:start]), " ".join(tokens[start:])


@functools.cache
def _nickname_table() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Return (formal names of each nickname, nicknames of each formal name), folded."""
    try:
        text = resources.files("identity").joinpath("data/nicknames.csv").read_text("utf-8")
    except OSError as exc:
        raise ReferenceDataError("identity/data/nicknames.csv cannot be read") from exc
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    formals: dict[str, set[str]] = {}
    nicknames: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        nickname, formal = name_key(row["nickname"] or ""), name_key(row["formal"] or "")
        if not nickname or not formal:
            raise ReferenceDataError(f"nicknames.csv has an empty name in row {row}")
        formals.setdefault(nickname, set()).add(formal)
        nicknames.setdefault(formal, set()).add(nickname)
    return _freeze(formals), _freeze(nicknames)


def _freeze(table: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {name: frozenset(linked) for name, linked in table.items()}


def nickname_equivalents(given: str) -> frozenset[str]:
    """Return the folded given names that may denote the same person, itself included.

    The set holds the name, its formal names, its nicknames, and the other nicknames of
    its formal names ("bob" reaches robert, then rob and bobby). It goes no further, so
    "al" reaches albert and alfred while "albert" does not reach "alfred". The relation
    is symmetric.

    Example:
        >>> sorted(nickname_equivalents("Peggy"))[:3]
        ['daisy', 'greta', 'maggie']
        >>> "francisco" in nickname_equivalents("Paco")
        True
    """
    key = name_key(given)
    if not key:
        return frozenset()
    formals, nicknames = _nickname_table()
    reached = {key} | formals.get(key, frozenset()) | nicknames.get(key, frozenset())
    for formal in formals.get(key, frozenset()):
        reached |= nicknames.get(formal, frozenset())
    return frozenset(reached)


def _first_letter_match(a: str, b: str) -> bool:
    """True when one given name is a bare initial of the other ("J" and "John")."""
    short, long = sorted((a, b), key=len)
    return len(short) == 1 and bool(long) and long[0] == short


def names_match_kind(a_given: str, a_family: str, b_given: str, b_family: str) -> str:
    """Say how two (given, family) names agree, strongest first.

    Returns ``"exact"`` (both keys equal), ``"nickname"`` (same family, given names are
    nickname-equivalent), ``"initial"`` (same family, one given name is the other's
    initial), ``"swapped"`` (given and family exchanged) or ``"none"``.

    Example:
        >>> names_match_kind("Bob", "Smith", "Robert", "SMITH")
        'nickname'
        >>> names_match_kind("Zhang", "Wei", "Wei", "Zhang")
        'swapped'
    """
    ag, af, bg, bf = (name_key(x) for x in (a_given, a_family, b_given, b_family))
    if not (ag or af) or not (bg or bf):
        return "none"
    if (ag, af) == (bg, bf):
        return "exact"
    if af and af == bf and ag and bg:
        if bg in nickname_equivalents(ag):
            return "nickname"
        if _first_letter_match(ag, bg):
            return "initial"
    if ag and af and (ag, af) == (bf, bg):
        return "swapped"
    return "none"
