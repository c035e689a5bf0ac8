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


def test_the_workers_model_scores_as_the_plain_fp32_model() -> None:
    from graph_service.settings import Settings
    from graph_service.worker import load_semantic

    workers = load_semantic(Settings(semantic_matching=True))
    assert workers is not None
    plain = SentenceSimilarity.load()
    pairs = [
        ("trail running | Napoli", "trail runner based in Naples"),
        ("tax accountant, loves opera", "CFO at a brewery"),
        ("Head of Sales at Northgate Motors", "Sales lead, Northgate Motors"),
    ]
    workers.prime([text for pair in pairs for text in pair])
    # bf16 vectors keep cosine >= 0.9999 to fp32 ones; a pair's similarity moves by up to
    # a few thousandths (0.0031 measured on the unrelated pair), far from any bio level.
    assert [workers(a, b) for a, b in pairs] == pytest.approx(
        [plain(a, b) for a, b in pairs], abs=5e-3
    )
