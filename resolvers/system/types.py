"""GraphQL types describing the service itself."""

from __future__ import annotations

import strawberry


@strawberry.type(description="One applied schema migration.")
class SchemaMigration:
    version: int
    name: str
    checksum: str


@strawberry.type(description="The running service.")
class ServiceInfo:
    version: str
    environment: str
