"""The HTTP surface: health, readiness, metrics and GraphQL."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from graph_service.app import create_app
from graph_service.settings import Environment, Settings

pytestmark = pytest.mark.e2e


def test_healthz_needs_no_dependency(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"neo4j_uri": "bolt://127.0.0.1:1", "redis_url": "redis://127.0.0.1:1/0"}
    )
    with TestClient(create_app(broken)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_what_is_down(settings: Settings) -> None:
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(broken)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


def test_readyz_ok_when_both_answer(api: TestClient) -> None:
    response = api.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"neo4j": "ok", "redis": "ok"}


def test_metrics_count_requests(api: TestClient) -> None:
    api.get("/healthz")
    body = api.get("/metrics").text
    assert 'graph_api_requests_total{path="/healthz",status="200"}' in body


def test_graphql_reads_the_graph(api: TestClient) -> None:
    query = "{ service { version environment } schemaMigrations { version name } }"
    response = api.post("/graphql", json={"query": query}, follow_redirects=False)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["service"]["environment"] == "development"
    assert [m["version"] for m in data["schemaMigrations"]][:3] == [1, 2, 3]


def test_graphiql_only_in_development(settings: Settings) -> None:
    html = {"Accept": "text/html"}
    with TestClient(create_app(settings)) as client:
        assert "graphiql" in client.get("/graphql", headers=html).text.lower()
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    with TestClient(create_app(production)) as client:
        assert client.get("/graphql", headers=html).status_code == 404
