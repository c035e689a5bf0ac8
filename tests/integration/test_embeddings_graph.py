"""Conversation embeddings on the real Neo4j: stored once, found by the vector index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from graph_service.db import GraphClient
from graph_service.settings import Settings
from ingest.embeddings import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    EmbedderConfig,
    embed_after_chunk,
    embed_pending,
)

pytestmark = pytest.mark.integration

TEXTS = [
    "My Brightwell Hub arrived broken and support never answered my emails.",
    "How do I pair the Brightwell Doorbell with my phone?",
    "Loving the new Brightwell Speaker, the sound is amazing.",
    "I am cancelling my subscription and moving to a competitor next month.",
    "Is the Brightwell Thermostat compatible with my old boiler?",
]


@pytest.fixture(scope="module")
def embedder(settings: Settings) -> Embedder:
    """The embedder the workers would build from these settings."""
    return Embedder.load(EmbedderConfig.from_settings(settings))


@pytest.fixture
def conversations(graph: GraphClient, unique_id: str) -> Iterator[list[dict[str, Any]]]:
    """This test's own conversations (ids start with its unique id), removed afterwards."""
    rows = [{"id": f"{unique_id}-{i}", "text": text} for i, text in enumerate(TEXTS)]
    graph.write("embeddings/fixture_conversations", rows=rows)
    yield rows
    graph.write("embeddings/fixture_delete", ids=[row["id"] for row in rows])


def test_embed_pending_stores_unit_vectors_once(
    graph: GraphClient,
    embedder: Embedder,
    conversations: list[dict[str, Any]],
    unique_id: str,
) -> None:
    stored = embed_pending(graph, embedder, batch_size=2, id_prefix=unique_id)
    assert stored == len(TEXTS)
    ids = [row["id"] for row in conversations]
    vectors = {row["id"]: row["embedding"] for row in graph.read("embeddings/vectors", ids=ids)}
    assert set(vectors) == set(ids)
    for vector in vectors.values():
        assert len(vector) == EMBEDDING_DIMENSIONS
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)
    assert embed_pending(graph, embedder, id_prefix=unique_id) == 0


def test_text_changed_since_reading_is_not_overwritten(
    graph: GraphClient, embedder: Embedder, conversations: list[dict[str, Any]]
) -> None:
    first = conversations[0]
    stored = graph.write(
        "embeddings/store",
        ids=[first["id"]],
        texts=["an older text"],
        vectors=np.full((1, EMBEDDING_DIMENSIONS), 0.05),
    )
    assert stored == [{"embedded": 0}]
    assert graph.read("embeddings/vectors", ids=[first["id"]])[0]["embedding"] is None


def test_vector_index_finds_the_nearest_text_first(
    graph: GraphClient,
    embedder: Embedder,
    conversations: list[dict[str, Any]],
    unique_id: str,
) -> None:
    embed_pending(graph, embedder, id_prefix=unique_id)
    query = embedder.encode(["how to connect the doorbell to a smartphone"])[0]
    # k far above this test's five: the shared test database also holds the e2e worlds'
    # embedded conversations, many about the same products, which can outrank ours.
    hits = graph.read("embeddings/nearest", vector=query.tolist(), k=5000)
    ours = [hit for hit in hits if hit["id"].startswith(unique_id)]
    assert ours, "none of this test's conversations came back from the vector index"
    assert ours[0]["id"] == conversations[1]["id"], ours
    assert ours[0]["score"] > ours[-1]["score"]


def test_after_a_chunk_only_its_own_conversations_are_embedded(
    graph: GraphClient, embedder: Embedder, conversations: list[dict[str, Any]]
) -> None:
    ids = [row["id"] for row in conversations]
    mine, others = ids[:2], ids[2:]
    assert embed_after_chunk(graph, embedder, mine) == len(mine)
    vectors = {row["id"]: row["embedding"] for row in graph.read("embeddings/vectors", ids=ids)}
    assert all(vectors[i] is not None for i in mine)
    assert all(vectors[i] is None for i in others)  # another worker's chunk: not ours
    assert embed_after_chunk(graph, embedder, mine) == 0  # a redelivered chunk: done already
    assert embed_after_chunk(graph, None, ids) == 0  # embeddings switched off
