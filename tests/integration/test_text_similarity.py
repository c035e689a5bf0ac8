"""The bundled sentence-embedding model loads offline and ranks bios sensibly."""

from __future__ import annotations

import pytest

from ingest.text_similarity import SentenceSimilarity

pytestmark = pytest.mark.integration


def test_related_bios_score_higher_than_unrelated() -> None:
    similarity = SentenceSimilarity.load()  # from the installed package, no hub access
    related = similarity("trail running | Napoli", "trail runner based in Naples")
    unrelated = similarity("trail running | Napoli", "tax accountant, loves opera")
    assert 0.0 <= unrelated < related <= 1.0
    assert similarity("same words", "same words") == pytest.approx(1.0, abs=1e-5)


def test_primed_embeddings_give_the_same_scores_as_one_by_one() -> None:
    pairs = [
        ("trail running | Napoli", "trail runner based in Naples"),
        ("tax accountant, loves opera", "CFO at a brewery"),
    ]
    one_by_one = [SentenceSimilarity.load()(a, b) for a, b in pairs]
    primed = SentenceSimilarity.load()
    primed.prime([text for pair in pairs for text in pair] + ["trail running | Napoli"])
    assert [primed(a, b) for a, b in pairs] == pytest.approx(one_by_one, abs=1e-4)
