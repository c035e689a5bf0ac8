"""/readyz follows the real Neo4j: 503 while it is stopped, 200 once it is back."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from graph_service.app import create_app
from graph_service.local.neo4j_server import neo4j_status, start_neo4j, stop_neo4j
from graph_service.settings import Settings
from tests.support import skip_or_fail

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_readyz_503_with_neo4j_stopped_then_200(settings: Settings, graph: object) -> None:
    if not neo4j_status(settings).running:
        skip_or_fail("this test stops and restarts the locally managed Neo4j; start it first")
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        stop_neo4j(settings)
        try:
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["down"] == ["neo4j"]
            assert response.json()["checks"]["redis"] == "ok"
        finally:
            start_neo4j(settings)
        response = client.get("/readyz")
        assert response.status_code == 200, response.text
