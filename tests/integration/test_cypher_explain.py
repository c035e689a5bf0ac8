"""Every named query compiles on the real server (EXPLAIN plans without running)."""

from __future__ import annotations

import pytest
from neo4j import Driver

from graph_service.cypher import CypherLibrary, CypherQuery
from graph_service.db import GraphClient
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
