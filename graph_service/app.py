"""The Starlette app factory: routes, lifespan and per-app state."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graph_service.cypher import CypherLibrary
from graph_service.db import create_async_driver
from graph_service.health import check_neo4j, check_rabbitmq, check_redis
from graph_service.ingest_http import IngestGateway, ingest_routes
from graph_service.metrics import ApiMetrics, create_api_metrics
from graph_service.settings import BrokerKind, Settings
from resolvers.context import GraphContext, build_context
from resolvers.schema import build_schema

# Paths whose metrics are labelled as themselves; anything else is "other" (bounded labels).
KNOWN_PATHS = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})


class GraphQLApp(GraphQL[GraphContext, None]):
    """Strawberry's ASGI app with our per-request context."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GraphContext:
        return build_context(request, response)


async def healthz(request: Request) -> Response:
    """Liveness: the process answers; no dependency is touched."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: Neo4j, Redis and (when it is the broker) RabbitMQ answer; 503 names what
    is down."""
    state = request.app.state
    settings: Settings = state.settings
    results = [
        await check_neo4j(state.driver, state.library, settings.neo4j_database),
        await check_redis(state.redis),
    ]
    if settings.broker is BrokerKind.RABBITMQ:
        results.append(await check_rabbitmq(settings.rabbitmq_url.get_secret_value()))
    for result in results:
        state.metrics.readiness.labels(result.name, "ok" if result.ok else "down").inc()
    down = [r.name for r in results if not r.ok]
    body = {
        "status": "ready" if not down else "unavailable",
        "down": down,
        "checks": {r.name: r.detail for r in results},
    }
    return JSONResponse(body, status_code=503 if down else 200)


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus exposition of this app's registry."""
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


class RequestMetricsMiddleware(BaseHTTPMiddleware):
    """Counts requests and their latency by path."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        path = request.url.path if request.url.path in KNOWN_PATHS else "other"
        metrics: ApiMetrics = request.app.state.metrics
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response


def create_app(settings: Settings) -> Starlette:
    """Build the API; the lifespan owns the Neo4j driver and the Redis client."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = create_async_driver(settings)
        app.state.redis = Redis.from_url(
            settings.redis_url, socket_timeout=3, socket_connect_timeout=3
        )
        app.state.ingest = IngestGateway.open(settings)
        try:
            yield
        finally:
            app.state.ingest.close()
            await app.state.redis.aclose()
            await app.state.driver.close()

    graphql = GraphQLApp(
        build_schema(), graphql_ide="graphiql" if settings.is_development else None
    )
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            # A Route, not a Mount: clients POST to /graphql without a redirect to /graphql/.
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *ingest_routes(),
        ],
        middleware=[Middleware(RequestMetricsMiddleware)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.library = CypherLibrary.load(settings.cypher_dir)
    app.state.metrics = create_api_metrics()
    return app
