"""Versioned schema migrations: `cypher/migrations/V<n>__<name>.cypher`.

Each applied file is recorded in the graph as `(:SchemaMigration)` with the
sha256 of its text; a changed applied file stops every later run, because the
live schema would no longer match what the file says.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from graph_service.cypher import split_header, split_statements
from graph_service.db import GraphClient
from graph_service.errors import MigrationChecksumError, MigrationError

MIGRATIONS_FOLDER = "migrations"
_FILE_RE = re.compile(r"^V(?P<version>[1-9][0-9]*)__(?P<name>[a-z0-9_]+)\.cypher$")
# Seconds to wait for new indexes to come online before migrate returns.
INDEX_WAIT_S = 300


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    path: Path
    checksum: str
    statements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What a migrate run did."""

    applied: tuple[int, ...]
    already_applied: tuple[int, ...]


def load_migrations(cypher_dir: Path) -> list[Migration]:
    """Every migration file, ordered by version; malformed names are errors."""
    migrations = [_load_migration(path) for path in (cypher_dir / MIGRATIONS_FOLDER).glob("*")]
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share one version number")
    return migrations


def _load_migration(path: Path) -> Migration:
    match = _FILE_RE.match(path.name)
    if not match:
        raise MigrationError(f"{path.name}: migration files are named V<n>__<snake_name>.cypher")
    text = path.read_text(encoding="utf-8")
    _, body = split_header(text)
    statements = tuple(split_statements(body))
    if not statements:
        raise MigrationError(f"{path.name}: no statements")
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Migration(int(match["version"]), match["name"], path, checksum, statements)


def verify_checksums(migrations: list[Migration], applied: dict[int, str]) -> None:
    """Refuse to go on when an applied file changed or disappeared."""
    by_version = {m.version: m for m in migrations}
    for version, checksum in sorted(applied.items()):
        migration = by_version.get(version)
        if migration is None:
            raise MigrationChecksumError(f"migration V{version} is applied but its file is gone")
        if migration.checksum != checksum:
            raise MigrationChecksumError(
                f"{migration.path.name} changed after it was applied (checksum "
                f"{checksum[:12]} in the graph, {migration.checksum[:12]} on disk); "
                "add a new migration instead of editing an applied one"
            )


def migrate(client: GraphClient, cypher_dir: Path) -> MigrationReport:
    """Apply every pending migration in order; safe to run any number of times."""
    migrations = load_migrations(cypher_dir)
    client.write("migrations/ensure_history_constraint")
    applied = {row["version"]: row["checksum"] for row in client.read("migrations/list_applied")}
    verify_checksums(migrations, applied)
    done: list[int] = []
    for migration in migrations:
        if migration.version in applied:
            continue
        _apply(client, migration)
        done.append(migration.version)
    client.run_text(client.library.text("schema/await_indexes"), timeout_s=INDEX_WAIT_S)
    return MigrationReport(applied=tuple(done), already_applied=tuple(sorted(applied)))


def _apply(client: GraphClient, migration: Migration) -> None:
    # Schema statements cannot share a transaction with writes, so each runs on its own;
    # they are all IF NOT EXISTS, so a run cut short is simply re-run.
    for statement in migration.statements:
        client.run_text(statement)
    client.write(
        "migrations/record_applied",
        version=migration.version,
        name=migration.name,
        checksum=migration.checksum,
    )
