"""Fellegi–Sunter scoring of two identity profiles.

Each comparison puts a pair of records on one *level* (names exact, nickname, fuzzy...);
each level has an m-probability (how often true matches land there) and a u-probability
(how often non-matches do). The pair's weight is the sum of log2(m/u) over comparisons with
both values present; a missing value is no evidence either way. `Weights` holds the
configured defaults (see ARCHITECTURE.md); `estimate_weights` re-estimates them from data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from identity.names import nickname_equivalents
from identity.profile import Profile

# Optional semantic similarity of two free texts in [0, 1] (sentence embeddings, say);
# the core stays pure by taking it as a function.
TextSimilarity = Callable[[str, str], float]

# The levels of every comparison, strongest first, with default (m, u) probabilities.
# The u-values of exact levels are deliberately small: they are the chance that two
# different people in the same blocking group agree by accident.
DEFAULT_LEVELS: Final[dict[str, dict[str, tuple[float, float]]]] = {
    "name": {
        "exact": (0.82, 0.004),
        "swapped": (0.02, 0.0002),
        "nickname": (0.04, 0.002),
        "fuzzy": (0.06, 0.003),
        "initial": (0.03, 0.02),
        "family_only": (0.01, 0.35),
        "different": (0.02, 0.62),
    },
    "birth_date": {"exact": (0.95, 0.0003), "different": (0.05, 0.9997)},
    "country": {"exact": (0.97, 0.30), "different": (0.03, 0.70)},
    "locality": {"exact": (0.88, 0.04), "different": (0.12, 0.96)},
    "postcode": {"exact": (0.85, 0.002), "different": (0.15, 0.998)},
    "street": {"exact": (0.80, 0.0005), "different": (0.20, 0.9995)},
    "company": {"exact": (0.75, 0.003), "different": (0.25, 0.997)},
    "title": {"exact": (0.75, 0.08), "different": (0.25, 0.92)},
    "username": {
        "exact": (0.30, 0.00002),
        "digits": (0.45, 0.0008),
        "different": (0.25, 0.9992),
    },
    "bio": {"similar": (0.55, 0.02), "different": (0.45, 0.98)},
}
_FUZZY_NAME: Final = 0.9
_BIO_SIMILAR: Final = 80.0
_SEMANTIC_SIMILAR: Final = 0.75


@dataclass(frozen=True, slots=True)
class Weights:
    """m/u probabilities per comparison level and the match threshold (in bits)."""

    levels: Mapping[str, Mapping[str, tuple[float, float]]] = field(
        default_factory=lambda: DEFAULT_LEVELS
    )
    # A pair at or above this many bits of evidence is a probabilistic match.
    threshold: float = 14.0

    def weight(self, comparison: str, level: str) -> float:
        m, u = self.levels[comparison][level]
        return math.log2(m / u)


@dataclass(frozen=True, slots=True)
class PairScore:
    """The evidence for one pair: each comparison's level and weight, and the total."""

    levels: dict[str, str]
    weights: dict[str, float]
    total: float

    def to_dict(self) -> dict[str, object]:
        return {"levels": self.levels, "weights": self.weights, "total": round(self.total, 3)}


def _similar(a: str, b: str) -> bool:
    return JaroWinkler.similarity(a, b) >= _FUZZY_NAME


def name_level(a: Profile, b: Profile) -> str | None:
    """How the two names agree; None when either record has no name."""
    if not a.has_name or not b.has_name:
        return None
    if (a.given, a.family) == (b.given, b.family):
        return "exact"
    if a.given and a.family and (a.given, a.family) == (b.family, b.given):
        return "swapped"
    family_same = bool(a.family and b.family) and (
        a.family == b.family or _similar(a.family, b.family)
    )
    if not family_same:
        return "different"
    if a.given and b.given:
        if b.given in nickname_equivalents(a.given):
            return "nickname"
        if _similar(a.given, b.given):
            return "fuzzy"
        short, long = sorted((a.given, b.given), key=len)
        if len(short) == 1 and long.startswith(short):
            return "initial"
    return "family_only"


def names_conflict(a: Profile, b: Profile) -> bool:
    """True when two records clearly name different people (not typos, nicknames, swaps)."""
    level = name_level(a, b)
    if level in (None, "exact", "swapped", "nickname", "fuzzy", "initial"):
        return False
    if level == "family_only":
        return bool(a.given and b.given)
    return bool(a.family and b.family and len(a.family) > 1 and len(b.family) > 1)


def _username_level(a: Profile, b: Profile) -> str | None:
    if not a.usernames or not b.usernames:
        return None
    if set(a.usernames) & set(b.usernames):
        return "exact"
    runs_a = {run for u in a.usernames for run in _digit_runs(u)}
    runs_b = {run for u in b.usernames for run in _digit_runs(u)}
    return "digits" if runs_a & runs_b else "different"


def _digit_runs(text: str) -> set[str]:
    runs, current = set(), ""
    for char in text + " ":
        if char.isdigit():
            current += char
            continue
        if len(current) >= 3:
            runs.add(current)
        current = ""
    return runs


def _equal_level(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    return "exact" if a == b else "different"


def _bio_level(a: str, b: str, semantic: TextSimilarity | None) -> str | None:
    if not a or not b:
        return None
    if token_set_ratio(a, b) >= _BIO_SIMILAR:
        return "similar"
    if semantic is not None and semantic(a, b) >= _SEMANTIC_SIMILAR:
        return "similar"
    return "different"


def compare(a: Profile, b: Profile, semantic: TextSimilarity | None = None) -> dict[str, str]:
    """The level of every comparison both records can be compared on."""
    found = {
        "name": name_level(a, b),
        "birth_date": _equal_level(a.birth_date, b.birth_date),
        "country": _equal_level(a.country, b.country),
        "locality": _equal_level(a.locality, b.locality),
        "postcode": _equal_level(a.postcode, b.postcode),
        "street": _equal_level(a.street, b.street),
        "company": _equal_level(a.company, b.company),
        "title": _equal_level(a.title, b.title),
        "username": _username_level(a, b),
        "bio": _bio_level(a.bio, b.bio, semantic),
    }
    return {name: level for name, level in found.items() if level is not None}


def score_pair(
    a: Profile, b: Profile, weights: Weights, semantic: TextSimilarity | None = None
) -> PairScore:
    """Compare two records and add up the evidence."""
    levels = compare(a, b, semantic)
    per = {name: round(weights.weight(name, level), 3) for name, level in levels.items()}
    return PairScore(levels=levels, weights=per, total=sum(per.values()))


def estimate_weights(
    matched: Iterable[tuple[Profile, Profile]],
    random_pairs: Iterable[tuple[Profile, Profile]],
    base: Weights | None = None,
) -> Weights:
    """Re-estimate m from pairs known to match and u from random pairs (Laplace-smoothed).

    In practice `matched` are pairs linked by an unshared strong identifier (an email,
    a phone) and `random_pairs` are drawn at random, as Splink does for u.
    """
    start = base or Weights()
    m_counts = _level_counts(matched)
    u_counts = _level_counts(random_pairs)
    levels: dict[str, dict[str, tuple[float, float]]] = {}
    for comparison, defaults in start.levels.items():
        levels[comparison] = {}
        for level, (m0, u0) in defaults.items():
            m = _smoothed(m_counts.get(comparison, {}), level, m0)
            u = _smoothed(u_counts.get(comparison, {}), level, u0)
            levels[comparison][level] = (m, u)
    return Weights(levels=levels, threshold=start.threshold)


def _level_counts(pairs: Iterable[tuple[Profile, Profile]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for a, b in pairs:
        for comparison, level in compare(a, b).items():
            per = counts.setdefault(comparison, {})
            per[level] = per.get(level, 0) + 1
    return counts


def _smoothed(counts: Mapping[str, int], level: str, prior: float) -> float:
    """A probability from counts, pulled toward the configured prior when data is thin
    (the priors of a comparison sum to one, so the smoothed values do too)."""
    strength = 20.0
    return (counts.get(level, 0) + strength * prior) / (sum(counts.values()) + strength)
