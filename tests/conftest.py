"""Shared fixtures. Real Neo4j and Redis: skipped locally when absent, a failure under CI=true."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from neo4j import Driver
from redis import Redis

from graph_service.cypher import CypherLibrary
from graph_service.db import GraphClient, create_driver
from graph_service.migrations import migrate
from graph_service.settings import Settings, load_settings
from tests.support import skip_or_fail


def service_missing(what: str, exc: BaseException) -> None:
    """Skip locally, fail in CI: a missing service never passes silently there."""
    skip_or_fail(
        f"{what} is not reachable ({exc}); start it with `graph-service {what.lower()} start`"
    )


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings from the environment, as the CLI builds them."""
    return load_settings()


@pytest.fixture(scope="session")
def library(settings: Settings) -> CypherLibrary:
    """The Cypher library of this checkout."""
    return CypherLibrary.load(settings.cypher_dir)


@pytest.fixture(scope="session")
def neo4j_driver(settings: Settings) -> Iterator[Driver]:
    """A sync driver to the real Neo4j."""
    driver = create_driver(settings)
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        service_missing("Neo4j", exc)
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def graph(neo4j_driver: Driver, library: CypherLibrary, settings: Settings) -> GraphClient:
    """A client on the real Neo4j with every migration applied."""
    client = GraphClient(driver=neo4j_driver, library=library, database=settings.neo4j_database)
    migrate(client, settings.cypher_dir)
    return client


@pytest.fixture(scope="session")
def redis_client(settings: Settings) -> Iterator[Redis]:
    """A client of the real Redis."""
    client: Redis = Redis.from_url(settings.redis_url, socket_connect_timeout=3)
    try:
        client.ping()
    except Exception as exc:
        service_missing("Redis", exc)
    yield client
    client.close()


@pytest.fixture
def unique_id() -> str:
    """An id no other test uses, so tests never collide in the shared graph."""
    return f"test-{uuid.uuid4().hex[:12]}"
