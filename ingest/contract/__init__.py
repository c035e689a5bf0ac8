"""The ingest record contract: typed models, parsing with field-level errors, JSON Schema."""

from ingest.contract.models import (
    KINDS,
    RECORD_MODELS,
    SCHEMA_VERSION,
    FieldError,
    PersonRef,
    Record,
    RecordBase,
    format_path,
    parse_record,
    validation_errors,
)

__all__ = [
    "KINDS",
    "RECORD_MODELS",
    "SCHEMA_VERSION",
    "FieldError",
    "PersonRef",
    "Record",
    "RecordBase",
    "format_path",
    "parse_record",
    "validation_errors",
]
