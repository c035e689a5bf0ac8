"""Load the Cypher library from cypher/ once and hand out queries by name.

Every file opens with a `//` header that documents its parameters and returned
columns, so analysts can run the same file in the Neo4j Browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph_service.errors import CypherFileError, CypherNotFoundError

# Folder under cypher/ that holds single-statement queries addressed by name.
QUERIES_FOLDER = "queries"
# Header tags every query file must carry.
REQUIRED_TAGS = ("params", "returns")
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Returned types the driver hands back as graph objects rather than plain values.
_ENTITY_TYPE_RE = re.compile(r"\b(NODE|RELATIONSHIP|PATH)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CypherQuery:
    """One query: its name, its documented header and its statement text."""

    name: str
    path: Path
    header: dict[str, str]
    text: str

    @property
    def parameters(self) -> frozenset[str]:
        """The `$parameters` the statement uses."""
        return frozenset(_PARAM_RE.findall(_strip_comments(self.text)))

    @property
    def returns_entities(self) -> bool:
        """Whether the documented columns hold nodes, relationships or paths."""
        return bool(_ENTITY_TYPE_RE.search(self.header["returns"]))


def split_header(source: str) -> tuple[dict[str, str], str]:
    """Split a file into its `// tag: value` header and the statement body."""
    header: dict[str, str] = {}
    lines = source.splitlines()
    index = 0
    while index < len(lines) and (lines[index].startswith("//") or not lines[index].strip()):
        line = lines[index].removeprefix("//").strip()
        tag, sep, value = line.partition(":")
        if sep and tag.strip().isidentifier():
            header[tag.strip().lower()] = value.strip()
        index += 1
    return header, "\n".join(lines[index:]).strip()


def split_statements(body: str) -> list[str]:
    """Split a multi-statement body on `;` at line ends (migrations)."""
    statements = re.split(r";\s*(?:\n|$)", body)
    return [s.strip() for s in statements if _strip_comments(s).strip()]


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def parse_query_file(path: Path, name: str) -> CypherQuery:
    """Read one query file, checking its header and that it holds one statement."""
    header, body = split_header(path.read_text(encoding="utf-8"))
    missing = [tag for tag in REQUIRED_TAGS if tag not in header]
    if missing:
        raise CypherFileError(f"{path}: header lacks '// {missing[0]}:' line")
    if not body:
        raise CypherFileError(f"{path}: no statement after the header")
    if len(split_statements(body)) != 1:
        raise CypherFileError(f"{path}: a query file holds exactly one statement")
    return CypherQuery(name=name, path=path, header=header, text=body.rstrip(";").strip())


class CypherLibrary:
    """All named queries under `cypher/queries`, loaded once at start-up."""

    def __init__(self, queries: dict[str, CypherQuery]) -> None:
        self._queries = queries

    @classmethod
    def load(cls, cypher_dir: Path) -> CypherLibrary:
        """Load every `.cypher` file under `cypher_dir/queries`."""
        root = cypher_dir / QUERIES_FOLDER
        queries = {}
        for path in sorted(root.rglob("*.cypher")):
            name = path.relative_to(root).with_suffix("").as_posix()
            queries[name] = parse_query_file(path, name)
        return cls(queries)

    def get(self, name: str) -> CypherQuery:
        """The query called `name` (e.g. `health/ping`)."""
        try:
            return self._queries[name]
        except KeyError:
            raise CypherNotFoundError(f"no Cypher query named {name!r}") from None

    def text(self, name: str) -> str:
        """The statement text of the query called `name`."""
        return self.get(name).text

    def names(self) -> list[str]:
        """Every query name, sorted."""
        return sorted(self._queries)

    def __iter__(self) -> Iterator[CypherQuery]:
        return iter(self._queries[name] for name in self.names())
