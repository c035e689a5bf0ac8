"""Per-request GraphQL context; nothing request-scoped is global."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncDriver
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from graph_service.cypher import CypherLibrary
from graph_service.settings import Settings


@dataclass(slots=True)
class GraphContext:
    """What every resolver may use: the shared driver and library, and this request."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    driver: AsyncDriver
    library: CypherLibrary


Info = StrawberryInfo[GraphContext, None]


def build_context(
    request: Request | WebSocket, response: Response | WebSocket | None
) -> GraphContext:
    """Build the context from the app state the lifespan filled in."""
    state = request.app.state
    return GraphContext(
        request=request,
        response=response,
        settings=state.settings,
        driver=state.driver,
        library=state.library,
    )
