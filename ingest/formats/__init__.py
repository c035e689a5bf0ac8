"""Export formats read by `graph-service ingest`: JSON Lines, LinkedIn connections,
Google Contacts CSV, vCard and any CSV through a column mapping (docs/formats.md).

Each file is converted to raw lines whose text is a contract record as JSON, or, for a
row that cannot be converted, the original row with the field and the reason.
"""

from ingest.formats.common import FormatError
from ingest.formats.detect import FORMATS, detect_format, iter_input_files
from ingest.formats.inputs import AUTO, InputFile, InputOptions, convert_file, plan_inputs
from ingest.formats.mapping import ColumnMapping, load_mapping

__all__ = [
    "AUTO",
    "FORMATS",
    "ColumnMapping",
    "FormatError",
    "InputFile",
    "InputOptions",
    "convert_file",
    "detect_format",
    "iter_input_files",
    "load_mapping",
    "plan_inputs",
]
