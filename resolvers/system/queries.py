"""Query fields about the service and its graph schema."""

from __future__ import annotations

import strawberry

from graph_service import __version__
from resolvers.context import Info
from resolvers.system.types import SchemaMigration, ServiceInfo


@strawberry.type
class SystemQuery:
    @strawberry.field(description="Version and environment of the running service.")
    def service(self, info: Info) -> ServiceInfo:
        return ServiceInfo(version=__version__, environment=info.context.settings.environment.value)

    @strawberry.field(description="Schema migrations applied to the graph, oldest first.")
    async def schema_migrations(self, info: Info) -> list[SchemaMigration]:
        ctx = info.context
        records, _, _ = await ctx.driver.execute_query(
            ctx.library.text("migrations/list_applied"),
            database_=ctx.settings.neo4j_database,
            routing_="r",
        )
        return [
            SchemaMigration(version=r["version"], name=r["name"], checksum=r["checksum"])
            for r in records
        ]
