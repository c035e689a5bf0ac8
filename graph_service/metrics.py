"""Prometheus metrics of the API, held in a registry owned by the app."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass(frozen=True, slots=True)
class ApiMetrics:
    """The metric objects one app instance updates."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    readiness: Counter


def create_api_metrics() -> ApiMetrics:
    """A fresh registry, so several apps (tests) never share counters."""
    registry = CollectorRegistry()
    return ApiMetrics(
        registry=registry,
        requests=Counter(
            "graph_api_requests", "HTTP requests served", ["path", "status"], registry=registry
        ),
        latency=Histogram(
            "graph_api_request_seconds", "HTTP request latency", ["path"], registry=registry
        ),
        readiness=Counter(
            "graph_api_readiness_checks",
            "Dependency checks made by /readyz",
            ["dependency", "result"],
            registry=registry,
        ),
    )
