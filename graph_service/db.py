"""Neo4j access: driver construction and small helpers that run named queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    Result,
)

from graph_service.cypher import CypherLibrary
from graph_service.settings import Settings


def _driver_kwargs(settings: Settings) -> dict[str, Any]:
    return {
        "auth": (settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        "connection_timeout": settings.neo4j_connection_timeout_s,
        "max_transaction_retry_time": 30.0,
        # "Property key / relationship type does not exist" is how every query greets a
        # graph whose data has not arrived yet (no consent change, no deal): the server
        # need not compute it, nor workers log it for every chunk.
        "notifications_disabled_classifications": [NotificationDisabledClassification.UNRECOGNIZED],
    }


def create_async_driver(settings: Settings) -> AsyncDriver:
    """An async driver for the API; `neo4j://` routing and `bolt://` URIs both work."""
    return AsyncGraphDatabase.driver(settings.neo4j_uri, **_driver_kwargs(settings))


def create_driver(settings: Settings) -> Driver:
    """A sync driver for the CLI, migrations and workers."""
    return GraphDatabase.driver(settings.neo4j_uri, **_driver_kwargs(settings))


T = TypeVar("T")


class GraphTx:
    """Named queries inside one open transaction."""

    def __init__(self, tx: ManagedTransaction, library: CypherLibrary) -> None:
        self._tx = tx
        self._library = library

    def run(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run the query called `query_name` and return its rows."""
        query = self._library.get(query_name)
        result = self._tx.run(query.text, params)
        if query.returns_entities:
            return result.data()
        return plain_rows(result)


def plain_rows(result: Result) -> list[dict[str, Any]]:
    """Rows of a result holding only plain values (no nodes, relationships or paths).

    `Result.data()` walks every value recursively to turn graph objects into dicts; on the
    resolver's large neighbourhood reads that walk cost more than receiving the rows.
    """
    keys = result.keys()
    return [dict(zip(keys, record, strict=True)) for record in result]


class GraphClient:
    """Runs named queries from the Cypher library against one database (sync)."""

    def __init__(self, *, driver: Driver, library: CypherLibrary, database: str) -> None:
        self._driver = driver
        self._library = library
        self._database = database

    @classmethod
    def for_settings(cls, driver: Driver, settings: Settings) -> GraphClient:
        """A client on `driver` with the configured Cypher library and database."""
        return cls(
            driver=driver,
            library=CypherLibrary.load(settings.cypher_dir),
            database=settings.neo4j_database,
        )

    @property
    def library(self) -> CypherLibrary:
        """The Cypher library queries are taken from."""
        return self._library

    def read(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a read query by name in a managed (retrying) transaction."""
        query = self._library.text(query_name)
        with self._driver.session(database=self._database) as session:
            return session.execute_read(lambda tx: tx.run(query, params).data())

    def write(self, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a write query by name in a managed (retrying) transaction."""
        query = self._library.text(query_name)
        with self._driver.session(database=self._database) as session:
            return session.execute_write(lambda tx: tx.run(query, params).data())

    def write_transaction(self, work: Callable[[GraphTx], T]) -> T:
        """Run `work` in one managed write transaction, retried as a whole on transient
        errors (deadlocks included); `work` must therefore be free of outside effects."""
        with self._driver.session(database=self._database) as session:
            return session.execute_write(lambda tx: work(GraphTx(tx, self._library)))

    def read_transaction(self, work: Callable[[GraphTx], T]) -> T:
        """Run `work` in one managed read transaction."""
        with self._driver.session(database=self._database) as session:
            return session.execute_read(lambda tx: work(GraphTx(tx, self._library)))

    def stream(self, query_name: str, /, **params: Any) -> Iterator[dict[str, Any]]:
        """Rows of a read query as they arrive, for results too large to hold at once."""
        query = self._library.text(query_name)
        with (
            self._driver.session(database=self._database) as session,
            session.begin_transaction() as tx,
        ):
            for record in tx.run(query, params):
                yield record.data()

    def run_text(self, text: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run statement text read from a .cypher file (migrations, EXPLAIN checks)."""
        with self._driver.session(database=self._database) as session:
            return session.run(text, params).data()  # type: ignore[arg-type]
