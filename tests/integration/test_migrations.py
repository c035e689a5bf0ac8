"""Migrations on the real Neo4j: idempotent, checksum-guarded, every constraint and index there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from neo4j import Driver

from graph_service.db import GraphClient
from graph_service.errors import MigrationChecksumError
from graph_service.migrations import load_migrations, migrate
from graph_service.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

# (label, properties) of every uniqueness constraint the graph model requires.
REQUIRED_UNIQUE = {
    ("Person", ("id",)),
    ("Email", ("address",)),
    ("Phone", ("e164",)),
    ("Account", ("platform", "handle")),
    ("ExternalId", ("system", "value")),
    ("SourceRecord", ("source", "source_id")),
    ("Company", ("domain",)),
    ("Product", ("sku",)),
    ("Department", ("name",)),
    ("Conversation", ("id",)),
    ("SupportCase", ("id",)),
    ("Deal", ("id",)),
    ("Campaign", ("id",)),
    ("SchemaMigration", ("version",)),
}


def schema_snapshot(graph: GraphClient) -> tuple[list[str], list[str]]:
    constraints = [row["name"] for row in graph.read("schema/constraints")]
    indexes = [row["name"] for row in graph.read("schema/indexes")]
    return constraints, indexes


def test_every_migration_is_recorded_with_its_checksum(graph: GraphClient) -> None:
    applied = {r["version"]: r["checksum"] for r in graph.read("migrations/list_applied")}
    for migration in load_migrations(PROJECT_ROOT / "cypher"):
        assert applied[migration.version] == migration.checksum


def test_migrate_twice_changes_nothing(graph: GraphClient) -> None:
    before = schema_snapshot(graph)
    report = migrate(graph, PROJECT_ROOT / "cypher")
    assert report.applied == ()
    assert len(report.already_applied) == len(load_migrations(PROJECT_ROOT / "cypher"))
    assert schema_snapshot(graph) == before


def test_changed_applied_migration_stops_the_run(graph: GraphClient, tmp_path: Path) -> None:
    cypher = tmp_path / "cypher"
    shutil.copytree(PROJECT_ROOT / "cypher", cypher)
    first = next((cypher / "migrations").glob("V1__*.cypher"))
    first.write_text(first.read_text().replace("IS UNIQUE;", "IS UNIQUE ;", 1))
    with pytest.raises(MigrationChecksumError, match="V1__"):
        migrate(graph, cypher)


def test_every_identifier_has_a_uniqueness_constraint(graph: GraphClient) -> None:
    present = {
        (row["labels"][0], tuple(row["properties"]))
        for row in graph.read("schema/constraints")
        if row["type"] == "UNIQUENESS"
    }
    assert present >= REQUIRED_UNIQUE, REQUIRED_UNIQUE - present


def test_search_indexes_are_online(graph: GraphClient) -> None:
    indexes = {row["name"]: row for row in graph.read("schema/indexes")}
    fulltext = indexes["person_names"]
    assert fulltext["type"] == "FULLTEXT"
    assert set(fulltext["properties"]) == {"full_name", "given_name", "family_name"}
    vector = indexes["conversation_embedding"]
    assert vector["type"] == "VECTOR"
    config = vector["options"]["indexConfig"]
    assert config["vector.dimensions"] == 384
    assert config["vector.similarity_function"].lower() == "cosine"
    assert all(row["state"] == "ONLINE" for row in indexes.values())


def test_queries_about_data_not_there_yet_bring_no_notifications(neo4j_driver: Driver) -> None:
    # A graph before its first consent change: the type and property are unknown to it.
    query = "MATCH (:NoSuchLabelYet)-[c:NO_SUCH_TYPE_YET]->() RETURN c.no_such_property_yet"
    summary = neo4j_driver.execute_query(query).summary
    notes = [s.status_description for s in summary.gql_status_objects if s.is_notification]
    assert notes == []
