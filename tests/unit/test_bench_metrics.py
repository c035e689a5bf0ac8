"""Unit tests of bench.identity.metrics: contingency counting against listing every pair."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.identity.metrics import pair_agreement, pairwise_scores

# Few keys and few labels, so random clusterings share records and have non-trivial clusters.
KEYS = st.sampled_from([f"r{i}" for i in range(12)])
LABELS = st.sampled_from(["a", "b", "c", "d", "r1"])  # "r1" also names a record
CLUSTERINGS = st.dictionaries(KEYS, LABELS, max_size=12)


def together(clusters: Mapping[str, str], x: str, y: str) -> bool:
    """Whether two records share a cluster; a record with no cluster is alone."""
    return x in clusters and y in clusters and clusters[x] == clusters[y]


def brute_pairs(keys: list[str], clusters: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every pair of `keys` that `clusters` puts together, listed one by one."""
    return {(x, y) for x, y in itertools.combinations(keys, 2) if together(clusters, x, y)}


@given(CLUSTERINGS, CLUSTERINGS)
def test_pairwise_scores_match_brute_force(
    predicted: dict[str, str], truth: dict[str, str]
) -> None:
    keys = sorted(truth)
    true_pairs, predicted_pairs = brute_pairs(keys, truth), brute_pairs(keys, predicted)
    correct = true_pairs & predicted_pairs
    scores = pairwise_scores(predicted, truth)
    assert scores.records == len(keys)
    assert scores.true_pairs == len(true_pairs)
    assert scores.predicted_pairs == len(predicted_pairs)
    assert scores.correct_pairs == len(correct)
    if predicted_pairs:
        assert scores.precision == pytest.approx(len(correct) / len(predicted_pairs))
    if true_pairs:
        assert scores.recall == pytest.approx(len(correct) / len(true_pairs))
    assert 0.0 <= scores.f1 <= 1.0


@given(CLUSTERINGS, CLUSTERINGS)
def test_pair_agreement_matches_brute_force(a: dict[str, str], b: dict[str, str]) -> None:
    keys = sorted(set(a) | set(b))
    pairs = list(itertools.combinations(keys, 2))
    agreed = sum(together(a, x, y) == together(b, x, y) for x, y in pairs)
    expected = agreed / len(pairs) if pairs else 1.0
    assert pair_agreement(a, b) == pytest.approx(expected)
    assert pair_agreement(b, a) == pytest.approx(expected)


@given(CLUSTERINGS)
def test_a_clustering_agrees_with_itself_and_scores_perfectly(clusters: dict[str, str]) -> None:
    assert pair_agreement(clusters, clusters) == 1.0
    assert pairwise_scores(clusters, clusters).f1 == 1.0


def test_scores_of_a_known_example() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P1", "d": "P2", "e": "P2"}
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "x": "2"}  # e missing, x unknown
    scores = pairwise_scores(predicted, truth)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (4, 2, 1)
    assert (scores.precision, scores.recall) == (0.5, 0.25)
    assert scores.f1 == pytest.approx(1 / 3)


def test_empty_clusterings_score_as_vacuously_perfect() -> None:
    scores = pairwise_scores({}, {})
    assert (scores.precision, scores.recall, scores.f1, scores.records) == (1.0, 1.0, 1.0, 0)
    assert pair_agreement({}, {"a": "1"}) == 1.0


def test_counting_never_lists_pairs() -> None:
    """200,000 records in clusters of 40,000 hold 8e8 pairs: listing them would not finish."""
    truth = {f"r{i}": f"p{i % 5}" for i in range(200_000)}
    predicted = {f"r{i}": f"c{i % 10}" for i in range(200_000)}
    scores = pairwise_scores(predicted, truth)
    assert scores.true_pairs == 5 * (40_000 * 39_999 // 2)
    assert scores.correct_pairs == scores.predicted_pairs == 10 * (20_000 * 19_999 // 2)
    assert 0.0 < pair_agreement(predicted, truth) < 1.0
