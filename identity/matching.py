"""Fellegi-Sunter scoring of two identity profiles (or two groups of records).

Each comparison puts a pair of records on one *level* (names exact, nickname, fuzzy...);
each level has an m-probability (how often true matches land there) and a u-probability
(how often non-matches do). The pair's weight is the sum of log2(m/u) over comparisons with
both values present; a missing value is no evidence either way. `Weights` holds the
configured defaults; `estimate_weights` re-estimates them from data.

How the defaults were set. u-probabilities are measured *within candidate pairs* (records
that share a name block), not between random records, because only candidate pairs are
ever scored; m and u were counted on labelled candidate pairs of generated development
worlds (never the benchmark seed) and then tempered where the generator is kinder than
life. Consequences worth knowing:

* An exact name is weak evidence (about +2.7 bits) because every candidate pair already
  shares a family name and initial; a different given name is strong negative evidence.
  With `name_frequency` (records per full name over the whole store) agreeing names gain
  up to 2 bits when rare and lose up to 6 when common (1 bit per doubling above 4 records).
* The address is *one* comparison with ordered levels (street > postcode > locality >
  locality named in the other's bio > country; a different street in the same town or a
  different town is negative), so a shared home counts once. A shared street is only
  about +4.5 bits: households share it, and they share family names too.
* Company and title each give about +5 bits when equal and -4 when different (the CRM
  keeps a stale employer, hence not more). Social bios of the form "Title at Company"
  fill both (see `identity.profile`). A record without an employer is also matched on
  the domain of its work mailbox (only when that agrees: many domains are not their
  company's name).
* Usernames (email local parts and handles) count when equal (+13), or when they carry the
  same digit run, by length: 4+ digits +8.5, 3 digits +5, 2 digits +4 ("their number" is
  reused across mailboxes and handles, but short numbers collide).
* Negative personal evidence: two different mobiles (-5 bits) and two different personal
  (consumer) mailboxes (-3.3 bits); people do change numbers and keep several mailboxes,
  so these are not vetoes.
* Bios count only when nearly identical (+4.8); similar-looking bios share a town, which
  the address comparison already counts.

The default threshold (6 bits) was set so that pairwise precision stays above 0.995 on
worlds of 3,500 and 35,000 people with a name-frequency table; without one, common names
make large stores less precise.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import ratio

from identity.names import name_key, nickname_equivalents
from identity.profile import Profile

# Optional semantic similarity of two free texts in [0, 1] (sentence embeddings, say);
# the core stays pure by taking it as a function.
TextSimilarity = Callable[[str, str], float]

# The levels of every comparison, strongest first, with default (m, u) probabilities.
# The u-values of exact levels are deliberately small: they are the chance that two
# different people in the same blocking group agree by accident.
DEFAULT_LEVELS: Final[dict[str, dict[str, tuple[float, float]]]] = {
    "name": {
        "exact": (0.77, 0.115),
        "nickname": (0.075, 0.0115),
        "swapped": (0.005, 0.0006),
        "family_initial": (0.10, 0.04),
        "fuzzy": (0.035, 0.029),
        "initial": (0.01, 0.01),
        "family_only": (0.015, 0.42),
        "different": (0.001, 0.38),
    },
    "birth_date": {"exact": (0.95, 0.002), "different": (0.05, 0.998)},
    "address": {
        "street": (0.03, 0.0013),
        "postcode": (0.01, 0.001),
        "locality": (0.74, 0.069),
        "mentioned": (0.235, 0.019),
        "country": (0.3, 0.2),
        "other_street": (0.002, 0.025),
        "different": (0.03, 0.88),
    },
    "company": {"exact": (0.95, 0.0255), "different": (0.05, 0.974)},
    "title": {"exact": (0.95, 0.0285), "different": (0.05, 0.97)},
    "username": {
        "exact": (0.15, 0.00002),
        "digits4": (0.18, 0.0005),
        "digits3": (0.018, 0.0005),
        "digits2": (0.003, 0.0002),
        "different": (0.645, 0.995),
    },
    "bio": {"similar": (0.04, 0.0014), "different": (0.96, 0.9986)},
    "mobile": {"same": (0.9, 0.001), "different": (0.03, 0.999)},
    "personal_email": {"same": (0.9, 0.001), "different": (0.1, 0.999)},
}
# Term-frequency adjustment of an exact name: records a name is expected on (a person's
# two or three records), bits per doubling of the count, and the clip either way.
TF_REFERENCE: Final = 4.0
TF_SLOPE: Final = 1.0
TF_MAX_BONUS: Final = 2.0
TF_MAX_PENALTY: Final = 6.0
# Name levels that the term-frequency adjustment applies to.
_AGREEING_NAMES: Final = frozenset({"exact", "swapped", "nickname", "fuzzy", "family_initial"})
_FUZZY_NAME: Final = 0.9
# Runs of digits in a username; people reuse "their number" across addresses and handles.
_DIGIT_RUN: Final = re.compile(r"\d{2,}")
_BIO_SIMILAR: Final = 90.0
_SEMANTIC_SIMILAR: Final = 0.75


@dataclass(frozen=True, slots=True)
class Weights:
    """m/u probabilities per comparison level and the match threshold (in bits)."""

    levels: Mapping[str, Mapping[str, tuple[float, float]]] = field(
        default_factory=lambda: DEFAULT_LEVELS
    )
    # A pair at or above this many bits of evidence is a probabilistic match.
    threshold: float = 6.0

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
    given = _given_level(a.given, b.given)
    if _family_initial(a.family, b.family):
        return "family_initial" if given in ("exact", "nickname", "fuzzy") else "different"
    family_same = bool(a.family and b.family) and (
        a.family == b.family or _similar(a.family, b.family)
    )
    if not family_same:
        return "different"
    if given in ("nickname", "fuzzy", "initial"):
        return given
    if given == "exact":  # family names differ by a typo
        return "fuzzy"
    return "family_only"


def _given_level(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "exact"
    if b in nickname_equivalents(a):
        return "nickname"
    if _similar(a, b):
        return "fuzzy"
    if (len(a) == 1 and b[0] == a) or (len(b) == 1 and a[0] == b):
        return "initial"
    return "different"


def _family_initial(a: str, b: str) -> bool:
    """One family name is the bare initial of the other ("Mia J." and "Mia Jäger")."""
    if len(a) > len(b):
        a, b = b, a
    return len(a) == 1 and len(b) > 1 and b[0] == a


def names_conflict(a: Profile, b: Profile) -> bool:
    """True when two records clearly name different people (not typos, nicknames, swaps)."""
    level = name_level(a, b)
    if level in (None, "exact", "swapped", "nickname", "fuzzy", "initial", "family_initial"):
        return False
    if level == "family_only":
        return bool(a.given and b.given)
    if _family_initial(a.family, b.family):
        return bool(a.given and b.given)
    return bool(a.family and b.family and len(a.family) > 1 and len(b.family) > 1)


def username_level(a: Profile, b: Profile) -> str | None:
    """How the usernames agree: the same, the same number (by its length), or not."""
    mine, theirs = a.usernames, b.usernames
    if not mine or not theirs:
        return None
    for username in mine:  # a loop, not any(): this runs for every candidate pair
        if username in theirs:
            return "exact"
    common = _all_runs(mine) & _all_runs(theirs)
    longest = max(map(len, common)) if common else 0
    if longest >= 4:
        return "digits4"
    return "digits3" if longest == 3 else "digits2" if longest == 2 else "different"


@functools.lru_cache(maxsize=1 << 16)
def _all_runs(usernames: tuple[str, ...]) -> frozenset[str]:
    """Maximal runs of two or more digits ("430" in nrizzo430)."""
    return frozenset(run for u in usernames for run in _DIGIT_RUN.findall(u))


def _equal_level(a: str, b: str) -> str | None:
    if not a or not b:
        return None
    return "exact" if a == b else "different"


def _overlap_level(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    if not a or not b:
        return None
    return "same" if set(a) & set(b) else "different"


def _address_level(a: Profile, b: Profile) -> str | None:
    """One ordered comparison of the address parts, so a shared home counts once."""
    if (
        a.street
        and a.street == b.street
        and (_both_equal(a.postcode, b.postcode) or _both_equal(a.locality, b.locality))
    ):
        return "street"
    if (_both_equal(a.postcode, b.postcode) or _both_equal(a.locality, b.locality)) and (
        a.street and b.street
    ):
        return "other_street"  # neighbours, or a move within the town
    if _both_equal(a.postcode, b.postcode):
        return "postcode"
    if _both_equal(a.locality, b.locality):
        return "locality"
    if (a.locality and b.locality) or (a.postcode and b.postcode):
        return "different"
    if _mentions(a.bio, b.locality) or _mentions(b.bio, a.locality):
        return "mentioned"
    if a.country and b.country:
        return "country" if a.country == b.country else "different"
    return None


def _company_level(a: Profile, b: Profile) -> str | None:
    """Stated employers compare either way; an employer read from the other record's work
    mailbox only agrees (support's susan@riverside-security.com meets LinkedIn's Riverside
    Security), because many domains are not their company's name."""
    if a.company and b.company:
        return "exact" if a.company == b.company else "different"
    if (a.company and a.company in b.work_companies) or (
        b.company and b.company in a.work_companies
    ):
        return "exact"
    return None


def _both_equal(a: str, b: str) -> bool:
    return bool(a) and a == b


def _mentions(bio: str, place: str) -> bool:
    """True when a bio names the place as whole words ("gamer | Köln" names koln)."""
    return bool(bio and place) and f" {place} " in f" {name_key(bio)} "


def _bio_level(a: str, b: str, semantic: TextSimilarity | None) -> str | None:
    if not a or not b:
        return None
    if ratio(name_key(a), name_key(b)) >= _BIO_SIMILAR:
        return "similar"
    if semantic is not None and semantic(a, b) >= _SEMANTIC_SIMILAR:
        return "similar"
    return "different"


def compare(a: Profile, b: Profile, semantic: TextSimilarity | None = None) -> dict[str, str]:
    """The level of every comparison both records can be compared on."""
    found = {
        "name": name_level(a, b),
        "birth_date": _equal_level(a.birth_date, b.birth_date),
        "address": _address_level(a, b),
        "company": _company_level(a, b),
        "title": _equal_level(a.title, b.title),
        "username": username_level(a, b),
        "bio": _bio_level(a.bio, b.bio, semantic),
        "mobile": _overlap_level(a.mobiles, b.mobiles),
        "personal_email": _overlap_level(a.personal_emails, b.personal_emails),
    }
    return {name: level for name, level in found.items() if level is not None}


def score_pair(
    a: Profile,
    b: Profile,
    weights: Weights,
    semantic: TextSimilarity | None = None,
    name_frequency: Mapping[str, float] | None = None,
) -> PairScore:
    """Compare two records and add up the evidence.

    `name_frequency` (optional) maps `full_name_key` to how many records carry that name
    in the whole store; an exact name then weighs more when rare and less when common.
    """
    levels = compare(a, b, semantic)
    per = {
        name: _weight(weights, name, level, (a, b), name_frequency)
        for name, level in levels.items()
    }
    return PairScore(levels=levels, weights=per, total=sum(per.values()))


def full_name_key(profile: Profile) -> str:
    """The key that `name_frequency` tables count records under."""
    return f"{profile.given}|{profile.family}"


def count_names(profiles: Iterable[Profile]) -> dict[str, float]:
    """A `name_frequency` table: records per `full_name_key` (build it over the whole store)."""
    counts: dict[str, float] = {}
    for profile in profiles:
        if profile.has_name:
            key = full_name_key(profile)
            counts[key] = counts.get(key, 0.0) + 1.0
    return counts


def name_adjustment(a: Profile, b: Profile, name_frequency: Mapping[str, float] | None) -> float:
    """Bits added to an agreeing name: log2(reference / records with the commoner of the
    two names), clipped; "Will Williams" is as common as "William Williams"."""
    if name_frequency is None:
        return 0.0
    count = max(
        name_frequency.get(full_name_key(a), 1.0), name_frequency.get(full_name_key(b), 1.0), 1.0
    )
    adjustment = TF_SLOPE * math.log2(TF_REFERENCE / count)
    return min(TF_MAX_BONUS, max(-TF_MAX_PENALTY, adjustment))


def _weight(
    weights: Weights,
    comparison: str,
    level: str,
    pair: tuple[Profile, Profile],
    name_frequency: Mapping[str, float] | None,
) -> float:
    weight = weights.weight(comparison, level)
    if comparison == "name" and level in _AGREEING_NAMES:
        weight += name_adjustment(*pair, name_frequency)
    return round(weight, 3)


def score_groups(
    group_a: Sequence[Profile],
    group_b: Sequence[Profile],
    weights: Weights,
    semantic: TextSimilarity | None = None,
    name_frequency: Mapping[str, float] | None = None,
) -> PairScore:
    """Score two groups of records already believed to be one person each.

    Each comparison takes its best level over all cross pairs, so a LinkedIn profile can
    meet a cluster on the name of one record, the employer of another and the town of a
    third; a comparison that is negative on every pair where it is present stays negative.
    """
    best: dict[str, tuple[float, str]] = {}
    for a in group_a:
        for b in group_b:
            for name, level in compare(a, b, semantic).items():
                weight = _weight(weights, name, level, (a, b), name_frequency)
                if name not in best or weight > best[name][0]:
                    best[name] = (weight, level)
    levels = {name: level for name, (_, level) in best.items()}
    per = {name: weight for name, (weight, _) in best.items()}
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
