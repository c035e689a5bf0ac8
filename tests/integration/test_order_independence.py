"""The same records ingested into the real Neo4j in three random orders give the same people.

This test empties the graph (all but the migration history) before each order: Neo4j
Community has one database, and identifiers are global, so the orders cannot share it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.identity.metrics import linked_pair_agreement, pair_agreement, pairwise_scores
from bench.identity.world import iter_identity_records, load_truth
from graph_service.db import GraphClient
from graph_service.settings import Settings
from ingest.batches import RawLine
from ingest.records import parse_chunk
from ingest.resolution import ResolverConfig, store_and_resolve
from ingest.synthetic.writer import generate_world

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHUNK = 40
WIPE = (
    "MATCH (n) WHERE NOT n:SchemaMigration "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
)
CLUSTERS = (
    "MATCH (r:SourceRecord)-[:RESOLVED_TO]->(p:Person) "
    "RETURN r.source + '|' + r.source_id AS key, p.id AS person"
)


def ingest_in_order(
    graph: GraphClient, config: ResolverConfig, lines: list[str], seed: int
) -> dict[str, str]:
    graph.run_text(WIPE)
    order = lines[:]
    random.Random(seed).shuffle(order)
    for start in range(0, len(order), CHUNK):
        chunk = [RawLine("world", i, text) for i, text in enumerate(order[start : start + CHUNK])]
        parsed = parse_chunk(chunk)
        assert not parsed.rejections
        store_and_resolve(graph, parsed.rows, config, batch_id=f"order-{seed}")
    return {row["key"]: row["person"] for row in graph.run_text(CLUSTERS)}


def test_three_random_orders_agree(tmp_path: Path, graph: GraphClient, settings: Settings) -> None:
    world = tmp_path / "world"
    generate_world(people=250, seed=23, out_dir=world)
    lines = [json.dumps(record) for record in iter_identity_records(world)]
    config = ResolverConfig.from_settings(settings)
    results = [ingest_in_order(graph, config, lines, seed) for seed in (1, 2, 3)]
    assert all(len(result) == len(lines) for result in results)
    for i in range(3):
        for j in range(i + 1, 3):
            # The measure (all pairs), and a stricter one over linked pairs only.
            assert pair_agreement(results[i], results[j]) >= 0.995
            assert linked_pair_agreement(results[i], results[j]) >= 0.98
    truth = load_truth(world)
    scores = pairwise_scores(results[0], truth)
    assert scores.precision >= 0.99
    assert scores.recall > 0.3
    graph.run_text(WIPE)
