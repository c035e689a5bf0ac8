"""Score a clustering of records against the truth, pair by pair, without listing pairs.

Both measures count record pairs, the usual yardstick of entity resolution: a pair is
"together" in a clustering when both records carry the same cluster id. Counting goes
through the contingency table of (cluster, cluster) cells, since the pairs together in
both clusterings are exactly the pairs inside one cell: sum of C(n, 2) over cells. That
is one pass over the records, so a million-record world scores in about a second, where
listing its pairs would not finish.

A record that one clustering does not mention is a singleton there: a resolver that
drops a record has put it with nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["PairwiseScores", "pair_agreement", "pairwise_scores"]


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    """Pairwise precision, recall and F1 of a predicted clustering, with the pair counts."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    records: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _pairs_in(counts: Iterable[int]) -> int:
    """Pairs inside groups of the given sizes."""
    return sum(_pairs(n) for n in counts)


def _labels(keys: list[str], clusters: Mapping[str, str]) -> list[Hashable]:
    """Each record's cluster, or a cluster of its own, `(key,)`, when it has none.

    A tuple never equals a string, so a record alone cannot join a cluster that happens to
    share its name.
    """
    get = clusters.get
    return [cluster if (cluster := get(key)) is not None else (key,) for key in keys]


def _pair_counts(
    keys: list[str], a: Mapping[str, str], b: Mapping[str, str]
) -> tuple[int, int, int]:
    """Pairs of `keys` together in `a`, together in `b`, and together in both."""
    labels_a, labels_b = _labels(keys, a), _labels(keys, b)
    return (
        _pairs_in(Counter(labels_a).values()),
        _pairs_in(Counter(labels_b).values()),
        _pairs_in(Counter(zip(labels_a, labels_b, strict=True)).values()),
    )


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Pairwise precision, recall and F1 of `predicted` over the records in `truth`.

    Records absent from `truth` are ignored; records absent from `predicted` count as
    singletons. With no predicted pairs precision is 1.0 (nothing claimed, nothing wrong);
    with no true pairs recall is 1.0 (nothing to find).

    Example:
        >>> truth = {"a": "x", "b": "x", "c": "y"}
        >>> scores = pairwise_scores({"a": "1", "b": "1", "c": "1"}, truth)
        >>> (scores.correct_pairs, scores.predicted_pairs, scores.true_pairs)
        (1, 3, 1)
    """
    keys = list(truth)
    true_pairs, predicted_pairs, correct = _pair_counts(keys, truth, predicted)
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    total = precision + recall
    return PairwiseScores(
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / total if total else 0.0,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        records=len(keys),
    )


def pair_agreement(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """The Rand index of two clusterings: the share of record pairs they agree on.

    A pair is agreed on when it is together in both or apart in both. Records are the union
    of both mappings (a record missing from one is a singleton there). Pairs together in
    exactly one clustering are `pairs(a) + pairs(b) - 2 * pairs(both)`, so the index is one
    minus that over all C(n, 2) pairs; with fewer than two records it is 1.0.

    Example:
        >>> round(pair_agreement({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "y"}), 3)
        0.333
    """
    keys = list(dict.fromkeys(a) | dict.fromkeys(b))
    pairs_a, pairs_b, both = _pair_counts(keys, a, b)
    all_pairs = _pairs(len(keys))
    if all_pairs == 0:
        return 1.0
    return 1.0 - (pairs_a + pairs_b - 2 * both) / all_pairs


def linked_pair_agreement(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """The share of pairs linked in either clustering that are linked in both (Jaccard).

    Stricter than the Rand index, which is dominated by the many pairs both leave apart.

    Example:
        >>> linked_pair_agreement({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "x"})
        0.3333333333333333
    """
    keys = list(dict.fromkeys(a) | dict.fromkeys(b))
    pairs_a, pairs_b, both = _pair_counts(keys, a, b)
    linked = pairs_a + pairs_b - both
    return 1.0 if linked == 0 else both / linked
