"""Answers to "why are these one person?" and "why are these two not one?" (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from identity.clustering import Constraints, find_shared, resolve
from identity.matching import Weights, names_conflict, score_pair
from identity.profile import Profile


def explain_pair(
    left: Sequence[Profile],
    right: Sequence[Profile],
    weights: Weights,
    *,
    pins: Mapping[str, str],
    never: frozenset[frozenset[str]],
) -> dict[str, Any]:
    """Compare two groups of records (two persons, or one person twice).

    Reports the identifiers they share and whether each counts as evidence, the best
    scoring record pair against the threshold, names in conflict, any never-the-same
    decision between them, and what clustering the union would give today.
    """
    everything = {p.key: p for p in [*left, *right]}
    shared_flags = find_shared(everything)
    left_ids = {i for p in left for i in p.identifiers()}
    common = sorted(left_ids & {i for p in right for i in p.identifiers()})
    identifiers = [
        {
            "identifier": ident,
            "evidence": ident not in shared_flags and not ident.startswith("role:"),
            "why_not": shared_flags.get(ident)
            or ("role address" if any(ident in p.role for p in everything.values()) else None),
        }
        for ident in common
    ]
    best = _best_pair(left, right, weights)
    left_pins = {pins[p.key] for p in left if p.key in pins}
    right_pins = {pins[p.key] for p in right if p.key in pins}
    blocked = any(frozenset((x, y)) in never for x in left_pins for y in right_pins)
    together = resolve(list(everything.values()), weights, Constraints(pins, never))
    cluster_of = together.cluster_of()
    return {
        "same_person_now": bool(left and right)
        and cluster_of[left[0].key] == cluster_of[right[0].key],
        "shared_identifiers": identifiers,
        "best_pair": best,
        "threshold": weights.threshold,
        "never_the_same_decision": blocked,
    }


def _best_pair(
    left: Sequence[Profile], right: Sequence[Profile], weights: Weights
) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for a in left:
        for b in right:
            if a.key == b.key:
                continue
            score = score_pair(a, b, weights)
            if best is None or score.total > best["total"]:
                best = {
                    "records": [a.key, b.key],
                    "names_conflict": names_conflict(a, b),
                    **score.to_dict(),
                }
    return best
