"""A worker's bio similarity shares the conversation embedder and encodes under its lock."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from graph_service.settings import Settings
from graph_service.worker import load_semantic


class FakeEmbedder:
    """Records every encode and whether the embedder's lock was held for it."""

    def __init__(self) -> None:
        self.locked = False
        self.calls: list[tuple[list[str], bool]] = []

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.locked = True
        try:
            yield
        finally:
            self.locked = False

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        self.calls.append((list(texts), self.locked))
        # One unit axis per text length: texts of different lengths are orthogonal.
        return np.eye(8, dtype=np.float32)[[len(text) % 8 for text in texts]]


def test_bio_similarity_encodes_with_the_given_embedder_under_its_lock() -> None:
    embedder = FakeEmbedder()
    similarity: Any = load_semantic(Settings(semantic_matching=True), embedder)  # type: ignore[arg-type]
    assert similarity("runner in Lyon", "coffee lover") == 0.0
    similarity.prime(["a", "b"])
    assert embedder.calls == [
        (["runner in Lyon"], True), (["coffee lover"], True), (["a", "b"], True),
    ]  # fmt: skip


def test_no_similarity_when_semantic_matching_is_off() -> None:
    assert load_semantic(Settings(semantic_matching=False), FakeEmbedder()) is None  # type: ignore[arg-type]
