"""Exceptions of the graph service; one root, a shallow tree."""


class GraphServiceError(Exception):
    """Root of every error raised by graph_service."""


class ConfigurationError(GraphServiceError):
    """Settings or the local environment make the requested action impossible."""


class CypherNotFoundError(GraphServiceError):
    """A query was asked for by a name that has no .cypher file."""


class CypherFileError(GraphServiceError):
    """A .cypher file is malformed (missing header, empty body)."""


class MigrationError(GraphServiceError):
    """A migration cannot be applied safely."""


class MigrationChecksumError(MigrationError):
    """An applied migration file was changed after it was applied."""


class LocalServiceError(GraphServiceError):
    """A locally managed service (Neo4j, Redis) cannot be assembled, started or stopped."""
