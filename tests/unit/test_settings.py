"""Settings: environment prefix, URI validation, secrets never printed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph_service.settings import Settings


def test_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("GRAPH_API_PORT", "9000")
    settings = Settings()
    assert settings.neo4j_uri == "neo4j://db.example:7687"
    assert settings.api_port == 9000


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:7687", "neo4j+s://x.databases.neo4j.io"])
def test_routing_and_direct_uris_are_accepted(uri: str) -> None:
    assert Settings(neo4j_uri=uri).neo4j_uri == uri


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "127.0.0.1:7687", "bolt://"])
def test_bad_neo4j_uri_names_the_variable(uri: str) -> None:
    with pytest.raises(ValidationError, match="GRAPH_NEO4J_URI"):
        Settings(neo4j_uri=uri)


def test_password_is_secret() -> None:
    settings = Settings(neo4j_password="hunter2-secret")
    assert "hunter2-secret" not in repr(settings)
    assert "hunter2-secret" not in str(settings.model_dump())
