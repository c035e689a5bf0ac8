"""Clustering source records into people: a deterministic function of the records.

`resolve` takes a set of profiles plus the human decisions that bind them and returns
clusters with the evidence for every record. It depends only on the *set* of inputs
(everything is sorted before use), which is what makes incremental resolution order
independent: the graph resolver re-runs it over the neighbourhood a new record touches.

The rules, in order:
1. Records pinned together by a human decision are one person; pins declared "never the
   same" are never joined, whatever the evidence.
2. An unshared strong identifier (email, phone, account, external id) joins its records.
   An identifier is *shared* (demoted to no evidence) when it is a role address, when its
   records clearly name different people (a team mailbox), or, for a phone that no record
   knows as a mobile, when two of its records give different mobiles or different personal
   mailboxes (a household's landline, even between two relatives of the same name).
3. Probabilistic links join clusters. Two identifier clusters are scored as groups: each
   comparison takes its best level over all their cross pairs (`score_groups`), so a
   LinkedIn profile can meet a cluster on one record's employer and another's town. Only
   cluster pairs touched by a candidate pair whose names do not conflict (or whose
   usernames carry the same number) are scored. A link needs the threshold and goes only
   toward strength: each cluster follows its single best link, and only if the other side
   is stronger. A weak bridge record can therefore attach to one cluster but never pull
   two strong clusters together; two strong clusters join only on their own evidence.

`name_frequency` (records per full name, see `identity.matching.count_names`) is optional;
pass one counted over the whole store, so that a neighbourhood re-run weighs names as the
full run did.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from identity.matching import (
    PairScore,
    TextSimilarity,
    Weights,
    names_conflict,
    score_groups,
    score_pair,
    username_level,
)
from identity.profile import Profile, blocking_keys

# Blocks larger than this are too common to compare exhaustively (a very frequent name);
# their records still meet through their other keys.
MAX_BLOCK = 60
# Records per cluster looked at when two clusters are scored (bounds the cost of a pair).
MAX_GROUP = 12
# Identifiers carried by more records than this are treated as shared without checking.
MAX_CARRIERS = 40


@dataclass(frozen=True, slots=True)
class Constraints:
    """Human decisions: pin groups (one person each) and pin pairs never to be joined."""

    pins: Mapping[str, str] = field(default_factory=dict)
    never: frozenset[frozenset[str]] = frozenset()

    def forbids(self, pins_a: Iterable[str], pins_b: Iterable[str]) -> bool:
        return any(frozenset((x, y)) in self.never for x in pins_a for y in pins_b)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a record belongs to its cluster."""

    rule: str
    identifier: str | None = None
    linked_to: str | None = None
    score: PairScore | None = None
    pin: str | None = None

    def to_dict(self, threshold: float) -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule}
        if self.identifier:
            out["identifier"] = self.identifier
        if self.linked_to:
            out["linked_to"] = self.linked_to
        if self.pin:
            out["decision"] = self.pin
        if self.score is not None:
            out.update(self.score.to_dict())
            out["threshold"] = threshold
        return out


@dataclass(slots=True)
class Resolution:
    """Clusters (sorted member keys), evidence per record, and the identifiers found shared."""

    clusters: list[tuple[str, ...]]
    evidence: dict[str, list[Evidence]]
    shared: dict[str, str]

    def cluster_of(self) -> dict[str, int]:
        return {key: i for i, members in enumerate(self.clusters) for key in members}


class _Groups:
    """Union-find that refuses unions forbidden by never-the-same constraints."""

    def __init__(self, keys: Sequence[str], constraints: Constraints) -> None:
        self.parent = {k: k for k in keys}
        self.pins: dict[str, set[str]] = {k: set() for k in keys}
        self.constraints = constraints
        for key in keys:
            pin = constraints.pins.get(key)
            if pin is not None:
                self.pins[key].add(pin)

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.constraints.forbids(self.pins[ra], self.pins[rb]):
            return False
        keep, drop = sorted((ra, rb))
        self.parent[drop] = keep
        self.pins[keep] |= self.pins.pop(drop)
        return True

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self.parent):
            out[self.find(key)].append(key)
        return out


def find_shared(profiles: Mapping[str, Profile]) -> dict[str, str]:
    """Strong identifiers that do not identify one person, with the reason."""
    carriers: dict[str, list[str]] = defaultdict(list)
    for key in sorted(profiles):
        for ident in profiles[key].strong:
            carriers[ident].append(key)
    shared: dict[str, str] = {}
    for ident, keys in carriers.items():
        if len(keys) > MAX_CARRIERS:
            shared[ident] = f"carried by {len(keys)} records"
            continue
        for a, b in itertools.combinations(keys, 2):
            if names_conflict(profiles[a], profiles[b]):
                shared[ident] = f"carried by records naming different people ({a}, {b})"
                break
            if _is_landline(ident, profiles[a], profiles[b]) and _personal_conflict(
                profiles[a], profiles[b]
            ):
                shared[ident] = f"a line of records with different personal contacts ({a}, {b})"
                break
    return shared


def _is_landline(ident: str, a: Profile, b: Profile) -> bool:
    """A phone neither record knows as a mobile: possibly a household's shared line."""
    return ident.startswith("phone:") and ident not in a.mobiles and ident not in b.mobiles


def _personal_conflict(a: Profile, b: Profile) -> bool:
    """Both records give a mobile, or both a personal mailbox, and none in common."""
    return _disjoint(a.mobiles, b.mobiles) or _disjoint(a.personal_emails, b.personal_emails)


def _disjoint(a: Sequence[str], b: Sequence[str]) -> bool:
    return bool(a) and bool(b) and not set(a) & set(b)


def candidate_pairs(profiles: Mapping[str, Profile]) -> list[tuple[str, str]]:
    """Pairs of records sharing a blocking key (blocks above MAX_BLOCK are skipped)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in sorted(profiles):
        for block in blocking_keys(profiles[key]):
            blocks[block].append(key)
    pairs: set[tuple[str, str]] = set()
    for keys in blocks.values():
        if 1 < len(keys) <= MAX_BLOCK:
            pairs.update(itertools.combinations(keys, 2))
    return sorted(pairs)


def resolve(
    profiles: Sequence[Profile],
    weights: Weights,
    constraints: Constraints | None = None,
    semantic: TextSimilarity | None = None,
    name_frequency: Mapping[str, float] | None = None,
) -> Resolution:
    """Cluster `profiles` into people; the result depends only on the set of inputs.

    `name_frequency` (see `identity.matching.count_names`) should be counted over the whole
    store, not over `profiles`, so that a re-run on a neighbourhood weighs names as the
    full run did.
    """
    rules = constraints or Constraints()
    by_key = {p.key: p for p in profiles}
    keys = sorted(by_key)
    groups = _Groups(keys, rules)
    evidence: dict[str, list[Evidence]] = {k: [] for k in keys}
    _apply_pins(groups, keys, rules, evidence)
    shared = find_shared(by_key)
    _apply_identifiers(groups, by_key, shared, evidence)
    _apply_links(groups, by_key, shared, _Scoring(weights, semantic, name_frequency), evidence)
    clusters = sorted(tuple(m) for m in groups.members().values())
    for key in keys:
        if not evidence[key]:
            evidence[key].append(Evidence(rule="new"))
    return Resolution(clusters=clusters, evidence=evidence, shared=shared)


def _apply_pins(
    groups: _Groups, keys: Sequence[str], rules: Constraints, evidence: dict[str, list[Evidence]]
) -> None:
    first_of_pin: dict[str, str] = {}
    for key in keys:
        pin = rules.pins.get(key)
        if pin is None:
            continue
        evidence[key].append(Evidence(rule="decision", pin=pin))
        if pin in first_of_pin:
            groups.union(first_of_pin[pin], key)
        else:
            first_of_pin[pin] = key


def _apply_identifiers(
    groups: _Groups,
    by_key: Mapping[str, Profile],
    shared: Mapping[str, str],
    evidence: dict[str, list[Evidence]],
) -> None:
    carriers: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        for ident in by_key[key].strong:
            if ident not in shared:
                carriers[ident].append(key)
    for ident in sorted(carriers):
        first, *rest = carriers[ident]
        for other in rest:
            if groups.union(first, other):
                evidence[other].append(Evidence(rule="identifier", identifier=ident))
                if not any(e.identifier == ident for e in evidence[first]):
                    evidence[first].append(Evidence(rule="identifier", identifier=ident))


def _strength(
    members: Sequence[str], by_key: Mapping[str, Profile], shared: Mapping[str, str]
) -> tuple[int, int]:
    strong = {i for k in members for i in by_key[k].strong if i not in shared}
    return (len(strong), len(members))


@dataclass(frozen=True, slots=True)
class _Scoring:
    """What probabilistic scoring needs besides the records."""

    weights: Weights
    semantic: TextSimilarity | None
    name_frequency: Mapping[str, float] | None


def _apply_links(
    groups: _Groups,
    by_key: Mapping[str, Profile],
    shared: Mapping[str, str],
    scoring: _Scoring,
    evidence: dict[str, list[Evidence]],
) -> None:
    base = groups.members()
    root_of = {k: root for root, members in base.items() for k in members}
    touching: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for a, b in candidate_pairs(by_key):
        ra, rb = root_of[a], root_of[b]
        if ra != rb and _may_link(by_key[a], by_key[b]):
            touching[(ra, rb) if ra < rb else (rb, ra)].append((a, b) if ra < rb else (b, a))
    best: dict[str, tuple[float, str, str, str, PairScore]] = {}
    hopeful = _worth_scoring(touching, base, by_key, scoring)
    for (ra, rb), pairs in sorted(hopeful.items()):
        score = _cluster_score(base[ra], base[rb], by_key, scoring)
        if score.total < scoring.weights.threshold:
            continue
        a, b = _best_pair(pairs, by_key, scoring)
        for mine, theirs, here, there in ((ra, rb, a, b), (rb, ra, b, a)):
            current = best.get(mine)
            if current is None or (score.total, current[1]) > (current[0], theirs):
                best[mine] = (score.total, theirs, here, there, score)
    strength = {root: _strength(members, by_key, shared) for root, members in base.items()}
    for root in sorted(best):
        _, other, here, there, score = best[root]
        if _stronger(strength[other], other, strength[root], root) and groups.union(root, other):
            evidence[here].append(Evidence(rule="probabilistic", linked_to=there, score=score))


def _worth_scoring(
    touching: Mapping[tuple[str, str], list[tuple[str, str]]],
    base: Mapping[str, Sequence[str]],
    by_key: Mapping[str, Profile],
    scoring: _Scoring,
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The cluster pairs that can reach the threshold, with their bios embedded in one batch.

    Embedding bios is the costly part of scoring, and most candidate pairs (a shared name
    block) fall short of the threshold whatever their bios say. Each pair is scored first
    with a model that calls every bio pair it is asked about "different"; a pair whose
    bios the real model could still lift to "similar" is kept only if that best case
    reaches the threshold. The result is the same as scoring every pair with the model:
    the model can only turn a bio "different" into "similar".
    """
    if scoring.semantic is None:
        return dict(touching)
    lift = max(
        0.0, scoring.weights.weight("bio", "similar") - scoring.weights.weight("bio", "different")
    )
    hopeful: dict[tuple[str, str], list[tuple[str, str]]] = {}
    texts: set[str] = set()
    for (ra, rb), pairs in touching.items():
        asked = _AskedBios()
        lexical = _Scoring(scoring.weights, asked, scoring.name_frequency)
        score = _cluster_score(base[ra], base[rb], by_key, lexical)
        best_case = score.total + (lift if score.levels.get("bio") == "different" else 0.0)
        if best_case >= scoring.weights.threshold:
            hopeful[(ra, rb)] = pairs
            texts |= asked.texts
            texts.update(_bio_pairs(pairs, by_key))
    prime = getattr(scoring.semantic, "prime", None)
    if prime is not None and texts:
        prime(sorted(texts))
    return hopeful


def _bio_pairs(pairs: Sequence[tuple[str, str]], by_key: Mapping[str, Profile]) -> set[str]:
    """The bios of candidate pairs where both records have one (`_best_pair` compares them)."""
    return {
        text
        for a, b in pairs
        if by_key[a].bio and by_key[b].bio
        for text in (by_key[a].bio, by_key[b].bio)
    }


class _AskedBios:
    """A text model that finds every pair "different" and remembers the texts it saw."""

    def __init__(self) -> None:
        self.texts: set[str] = set()

    def __call__(self, a: str, b: str) -> float:
        self.texts.update((a, b))
        return 0.0


def _scoring_args(
    scoring: _Scoring,
) -> tuple[Weights, TextSimilarity | None, Mapping[str, float] | None]:
    return scoring.weights, scoring.semantic, scoring.name_frequency


def _may_link(a: Profile, b: Profile) -> bool:
    """Records whose names do not conflict, or whose usernames carry the same number."""
    return not names_conflict(a, b) or username_level(a, b) in ("exact", "digits4")


def _cluster_score(
    members_a: Sequence[str],
    members_b: Sequence[str],
    by_key: Mapping[str, Profile],
    scoring: _Scoring,
) -> PairScore:
    """The evidence between two identifier clusters (see `score_groups`)."""
    group_a = [by_key[k] for k in members_a[:MAX_GROUP]]
    group_b = [by_key[k] for k in members_b[:MAX_GROUP]]
    return score_groups(group_a, group_b, *_scoring_args(scoring))


def _best_pair(
    pairs: Sequence[tuple[str, str]],
    by_key: Mapping[str, Profile],
    scoring: _Scoring,
) -> tuple[str, str]:
    """The candidate pair that best explains a cluster link (shown as its evidence)."""
    args = _scoring_args(scoring)
    scored = [(-score_pair(by_key[a], by_key[b], *args).total, a, b) for a, b in pairs]
    _, a, b = min(scored)
    return a, b


def _stronger(a: tuple[int, int], a_root: str, b: tuple[int, int], b_root: str) -> bool:
    """A total order on clusters: more identifiers, then more records, then the smaller key."""
    return a > b or (a == b and a_root < b_root)
