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
