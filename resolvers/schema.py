"""Builds the strawberry schema with its safety extensions."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import MaskErrors, QueryDepthLimiter

from resolvers.system.queries import SystemQuery

# Deepest selection a client may send; deeper queries are refused before execution.
MAX_QUERY_DEPTH = 10


@strawberry.type
class Query(SystemQuery):
    """Root query type; each domain contributes a mixin."""


def build_schema() -> strawberry.Schema:
    """The GraphQL schema; unexpected errors are masked so nothing internal leaks."""
    return strawberry.Schema(
        query=Query,
        extensions=[partial(QueryDepthLimiter, max_depth=MAX_QUERY_DEPTH), MaskErrors],
    )
