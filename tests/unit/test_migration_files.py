"""Migration files: naming, ordering, checksums (no database)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph_service.errors import MigrationChecksumError, MigrationError
from graph_service.migrations import load_migrations, verify_checksums
from graph_service.settings import PROJECT_ROOT


def copy_cypher(tmp_path: Path) -> Path:
    target = tmp_path / "cypher"
    shutil.copytree(PROJECT_ROOT / "cypher", target)
    return target


def test_shipped_migrations_are_ordered_and_contiguous() -> None:
    versions = [m.version for m in load_migrations(PROJECT_ROOT / "cypher")]
    assert versions == list(range(1, len(versions) + 1))


def test_bad_file_name_is_refused(tmp_path: Path) -> None:
    cypher = copy_cypher(tmp_path)
    (cypher / "migrations/add_things.cypher").write_text(
        "CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.x);"
    )
    with pytest.raises(MigrationError, match="V<n>__"):
        load_migrations(cypher)


def test_changed_applied_file_is_refused(tmp_path: Path) -> None:
    cypher = copy_cypher(tmp_path)
    applied = {m.version: m.checksum for m in load_migrations(cypher)}
    first = sorted((cypher / "migrations").glob("V1__*.cypher"))[0]
    first.write_text(first.read_text() + "\n// edited\n")
    with pytest.raises(MigrationChecksumError, match="changed after it was applied"):
        verify_checksums(load_migrations(cypher), applied)


def test_deleted_applied_file_is_refused(tmp_path: Path) -> None:
    cypher = copy_cypher(tmp_path)
    applied = {m.version: m.checksum for m in load_migrations(cypher)}
    applied[99] = "0" * 64
    with pytest.raises(MigrationChecksumError, match="V99"):
        verify_checksums(load_migrations(cypher), applied)
