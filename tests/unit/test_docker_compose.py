"""docker-compose.yml cannot run here (no Docker engine); check its structure instead."""

from __future__ import annotations

import re
from typing import Any

import yaml

from graph_service.settings import PROJECT_ROOT, Settings

EXPECTED_SERVICES = {"neo4j", "redis", "migrate", "api", "worker"}


def load_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return data


def test_has_every_service_with_a_healthcheck_where_long_running() -> None:
    services = load_compose()["services"]
    assert set(services) >= EXPECTED_SERVICES
    for name in ("neo4j", "redis", "api", "worker"):
        assert services[name]["healthcheck"]["test"], name


def test_neo4j_is_526_community_with_apoc() -> None:
    neo4j = load_compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]


def test_redis_keeps_queued_work() -> None:
    command = " ".join(load_compose()["services"]["redis"]["command"])
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command


def test_app_services_wait_for_healthy_dependencies() -> None:
    services = load_compose()["services"]
    assert services["migrate"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert depends["neo4j"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_app_environment_uses_the_settings_variable_names() -> None:
    known = {f"GRAPH_{name.upper()}" for name in Settings.model_fields}
    for name in ("migrate", "api", "worker"):
        env = load_compose()["services"][name]["environment"]
        assert env, name
        assert set(env) <= known, set(env) - known
        assert {"GRAPH_NEO4J_URI", "GRAPH_REDIS_URL", "GRAPH_NEO4J_PASSWORD"} <= set(env)


def test_ports_are_published_on_loopback_only() -> None:
    for name, service in load_compose()["services"].items():
        for port in service.get("ports", []):
            assert re.match(r"^127\.0\.0\.1:", port), (name, port)
