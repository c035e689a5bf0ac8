"""The Cypher library: headers, one statement per query, lookup by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_service.cypher import CypherLibrary, split_statements
from graph_service.errors import CypherFileError, CypherNotFoundError
from graph_service.settings import PROJECT_ROOT


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_every_shipped_query_has_a_documented_header() -> None:
    library = CypherLibrary.load(PROJECT_ROOT / "cypher")
    assert "health/ping" in library.names()
    for query in library:
        assert query.header["params"], query.name
        assert query.header["returns"], query.name


def test_documented_params_match_the_statement() -> None:
    library = CypherLibrary.load(PROJECT_ROOT / "cypher")
    for query in library:
        for param in query.parameters:
            assert f"${param}" in query.header["params"], (query.name, param)


def test_lookup_by_name_and_unknown_name(tmp_path: Path) -> None:
    write(tmp_path / "queries/a/b.cypher", "// params: $x\n// returns: y\nRETURN $x AS y\n")
    library = CypherLibrary.load(tmp_path)
    assert library.text("a/b") == "RETURN $x AS y"
    assert library.get("a/b").parameters == {"x"}
    with pytest.raises(CypherNotFoundError, match="nope"):
        library.get("nope")


def test_header_is_required(tmp_path: Path) -> None:
    write(tmp_path / "queries/bad.cypher", "RETURN 1\n")
    with pytest.raises(CypherFileError, match="params"):
        CypherLibrary.load(tmp_path)


def test_one_statement_per_query_file(tmp_path: Path) -> None:
    write(tmp_path / "queries/two.cypher", "// params: none\n// returns: x\nRETURN 1;\nRETURN 2;\n")
    with pytest.raises(CypherFileError, match="exactly one"):
        CypherLibrary.load(tmp_path)


def test_split_statements_ignores_comments_and_blank_tails() -> None:
    body = "CREATE INDEX a;\n// trailing comment\nCREATE INDEX b;\n\n"
    assert split_statements(body) == ["CREATE INDEX a", "// trailing comment\nCREATE INDEX b"]


def test_queries_documented_to_return_graph_objects_are_flagged(tmp_path: Path) -> None:
    write(tmp_path / "queries/node.cypher", "// params: none\n// returns: n :: NODE\nRETURN 1\n")
    write(tmp_path / "queries/plain.cypher", "// params: none\n// returns: k :: STRING\nRETURN 1\n")
    library = CypherLibrary.load(tmp_path)
    assert library.get("node").returns_entities
    assert not library.get("plain").returns_entities
