"""Format detection, planning of inputs, JSON Lines, and conversion errors in parked chunks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.batches import RawLine, chunk_key, load_chunk, store_chunk
from ingest.formats import (
    FormatError,
    InputOptions,
    convert_file,
    detect_format,
    iter_input_files,
    load_mapping,
    plan_inputs,
)
from ingest.records import parse_chunk

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
LINKEDIN = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


class DictRedis:
    """The calls chunk parking makes, over a dict (a pipeline applies them at once)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.parked: dict[str, float] = {}

    def set(self, key: str, value: str) -> None:
        self.data[key] = value.encode()

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def zadd(self, key: str, scores: dict[str, float]) -> None:
        self.parked.update(scores)

    def pipeline(self, transaction: bool = True) -> DictRedis:
        return self

    def execute(self) -> None:
        pass

    def __enter__(self) -> DictRedis:
        return self

    def __exit__(self, *_: object) -> None:
        pass


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Connections.csv", "linkedin"),
        ("google-contacts.csv", "google"),
        ("google-contacts-outlook-latin1.csv", "google"),
        ("contacts.vcf", "vcard"),
        ("contacts.jsonl", "jsonl"),
    ],
)
def test_samples_are_detected(name: str, expected: str) -> None:
    assert detect_format(SAMPLES / name) == expected


def test_content_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "a.txt", '\n{"kind": "contact"}\n')) == "jsonl"
    assert (
        detect_format(write(tmp_path, "b.txt", "begin:vcard\r\nFN:A\r\nEND:VCARD\r\n")) == "vcard"
    )
    preamble = 'Notes:\n"Some, text"\n\n' + LINKEDIN
    assert detect_format(write(tmp_path, "c.export", preamble)) == "linkedin"


def test_unknown_csv_needs_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "crm.csv", "id,mail\n1,a@example.org\n")
    with pytest.raises(FormatError, match="give --mapping FILE"):
        detect_format(path)
    assert detect_format(path, has_mapping=True) == "csv"


def test_format_option_overrides_detection(tmp_path: Path) -> None:
    path = write(tmp_path, "export.dat", LINKEDIN + "Ana,Lima,,,,,01 Feb 2024\n")
    [item] = plan_inputs([path], InputOptions(format="linkedin", source="li"))
    assert (item.format, item.source) == ("linkedin", "li")
    with pytest.raises(FormatError, match="needs --mapping"):
        plan_inputs([path], InputOptions(format="csv"))


def test_bad_options_fail_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", "{}\n")
    with pytest.raises(FormatError, match="--source: 'Not OK'"):
        plan_inputs([path], InputOptions(source="Not OK"))
    with pytest.raises(FormatError, match="--format: 'xml'"):
        plan_inputs([path], InputOptions(format="xml"))


def test_folders_give_every_known_format_but_never_truth(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.vcf", "c.csv", "notes.txt", "truth/records.jsonl", "sub/d.ndjson"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])]
    assert found == ["a.vcf", "b.jsonl", "c.csv", "sub/d.ndjson"]


def test_mapping_makes_csv_generic_and_leaves_other_formats(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('source = "crm"\n[columns]\n"mail" = "emails[]"\n')
    csv_path = write(tmp_path, "crm.csv", "mail\na@example.org\n")
    options = InputOptions(mapping=load_mapping(mapping))
    plan = plan_inputs([csv_path, SAMPLES / "contacts.vcf"], options)
    assert [(i.format, i.source) for i in plan] == [("csv", "crm"), ("vcard", "vcard")]


def test_json_lines_keep_their_own_source_and_read_bom_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    first = b'\xef\xbb\xbf{"n": "Zo\xc3\xab"}\r\n'
    path.write_bytes(first + b"\n" + '{"n": "Müller"}\n'.encode("cp1252"))
    [item] = plan_inputs([path], InputOptions(source="ignored"))
    assert item.source is None
    lines = list(convert_file(item))
    assert [(line.line_no, json.loads(line.text)["n"]) for line in lines] == [
        (1, "Zoë"),
        (3, "Müller"),
    ]


def test_conversion_errors_survive_parking_and_old_chunks_still_load() -> None:
    redis: Any = DictRedis()
    lines = [
        RawLine("a.csv", 2, '{"kind": "contact"}'),
        RawLine("a.csv", 3, "Bob,Stone", (("$", "row has 2 fields, the header has 7"),)),
    ]
    chunk_id = store_chunk(redis, "run1", lines)
    assert load_chunk(redis, chunk_id) == ("run1", lines)
    stored = json.loads(redis.data[chunk_key(chunk_id)])
    assert [len(entry) for entry in stored["lines"]] == [3, 4]
    old = {"run_id": "r0", "lines": [["x.jsonl", 1, "{}"]]}
    redis.data[chunk_key("old")] = json.dumps(old).encode()
    assert load_chunk(redis, "old") == ("r0", [RawLine("x.jsonl", 1, "{}")])


def test_conversion_errors_become_rejections_with_the_original_row() -> None:
    line = RawLine("a.csv", 3, "Bob,Stone", (("$", "row has 2 fields"), ("Company", "bad bytes")))
    [rejection] = parse_chunk([line]).rejections
    assert (rejection.origin, rejection.line_no, rejection.payload) == ("a.csv", 3, "Bob,Stone")
    assert rejection.errors == [
        {"field": "$", "reason": "row has 2 fields"},
        {"field": "Company", "reason": "bad bytes"},
    ]
    assert json.loads(rejection.to_json())["payload"] == "Bob,Stone"
