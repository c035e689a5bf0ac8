"""Every named query compiles on the real server (EXPLAIN plans without running)."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from graph_service.cypher import CypherLibrary, CypherQuery
from graph_service.db import GraphClient, GraphTx
from graph_service.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.integration

LIBRARY = CypherLibrary.load(PROJECT_ROOT / "cypher")


@pytest.mark.parametrize("query", list(LIBRARY), ids=lambda q: q.name)
def test_query_passes_explain(
    query: CypherQuery, graph: GraphClient, neo4j_driver: Driver, settings: Settings
) -> None:
    params = dict.fromkeys(query.parameters)
    with neo4j_driver.session(database=settings.neo4j_database) as session:
        summary = session.run(f"EXPLAIN {query.text}", params).consume()  # type: ignore[arg-type]
    assert summary.plan is not None, query.name


def test_rows_are_plain_maps_and_documented_nodes_become_property_maps(
    neo4j_driver: Driver, settings: Settings, tmp_path: Path
) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "plain.cypher").write_text(
        "// params: none\n// returns: k :: STRING, xs :: LIST<INTEGER>\n"
        "RETURN 'a' AS k, [1, 2] AS xs\n"
    )
    (queries / "node.cypher").write_text(
        "// params: none\n// returns: n :: NODE\nWITH {} AS m CREATE (n:Scratch {v: 1}) RETURN n\n"
    )
    library = CypherLibrary.load(tmp_path)
    with neo4j_driver.session(database=settings.neo4j_database) as session:
        tx = session.begin_transaction()
        graph_tx = GraphTx(tx, library)  # type: ignore[arg-type]
        plain, node = graph_tx.run("plain"), graph_tx.run("node")
        tx.rollback()
    assert plain == [{"k": "a", "xs": [1, 2]}]
    assert node == [{"n": {"v": 1}}]
