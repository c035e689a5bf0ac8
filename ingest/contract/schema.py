"""Publish the contract as JSON Schema: one file per kind plus `record.json`.

Run `python -m ingest.contract.schema [DIR]` to regenerate `docs/schema/v1/`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ingest.contract.models import RECORD_MODELS, SCHEMA_VERSION, Record

# Version of the contract these schemas describe; the folder name carries its major part.
CONTRACT_VERSION = SCHEMA_VERSION
# The JSON Schema dialect pydantic writes.
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where the published schemas live, relative to the repository root.
SCHEMA_DIR = Path("docs") / "schema" / f"v{CONTRACT_VERSION.split('.')[0]}"


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one record kind."""
    model = RECORD_MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    return _with_header(schema, title=kind, description=_doc(model))


def record_schema() -> dict[str, Any]:
    """The JSON Schema of any record: a `oneOf` over every kind, keyed by `kind`."""
    schema = TypeAdapter(Record).json_schema(mode="validation")
    return _with_header(
        schema,
        title="record",
        description=f"Any ingest record of contract version {CONTRACT_VERSION}, selected by kind.",
    )


def render_schemas() -> dict[str, str]:
    """File name -> file text for every published schema, byte-stable."""
    files = {f"{kind}.json": _dump(kind_schema(kind)) for kind in RECORD_MODELS}
    files["record.json"] = _dump(record_schema())
    return files


def write_schemas(out_dir: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema under `out_dir`, returning the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _with_header(schema: dict[str, Any], *, title: str, description: str) -> dict[str, Any]:
    """Put `$schema`, title, description and version first, then the body."""
    body = {key: value for key, value in schema.items() if key not in ("title", "description")}
    header = {
        "$schema": DIALECT,
        "title": title,
        "description": description,
        "x-contract-version": CONTRACT_VERSION,
    }
    return header | body


def _doc(model: type[Any]) -> str:
    """A model's docstring as one line."""
    return " ".join((model.__doc__ or "").split())


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate the published schemas (optionally into another folder)."""
    args = sys.argv[1:] if argv is None else argv
    write_schemas(Path(args[0]) if args else SCHEMA_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
