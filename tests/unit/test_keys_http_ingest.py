"""HTTP ingest, pure parts: content types, body parsing into raw lines, batch status."""

from __future__ import annotations

import json

import pytest

from graph_service.ingest_http import (
    BodyError,
    RetryRequest,
    batch_status,
    lines_from_json,
    lines_from_ndjson,
    media_type_of,
    parse_body,
    parse_page,
    parse_retry,
    progress_body,
)

ORIGIN = "http/0123456789abcdef"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        ("application/x-ndjson", "application/x-ndjson"),
        ('application/x-ndjson; charset="UTF-8"', "application/x-ndjson"),
    ],
)
def test_accepted_media_types(header: str, expected: str) -> None:
    assert media_type_of(header) == expected


@pytest.mark.parametrize("header", [None, "", "text/plain", "multipart/form-data; boundary=x"])
def test_other_media_types_are_415_naming_what_is_accepted(header: str | None) -> None:
    with pytest.raises(BodyError) as caught:
        media_type_of(header)
    assert caught.value.status == 415
    assert "application/json" in caught.value.message
    assert "application/x-ndjson" in caught.value.message


def test_other_charsets_are_415() -> None:
    with pytest.raises(BodyError, match="utf-8") as caught:
        media_type_of("application/json; charset=latin-1")
    assert caught.value.status == 415


def test_one_object_is_one_record() -> None:
    lines = lines_from_json(b'{"kind": "contact", "source": "s"}', ORIGIN)
    assert [(x.origin, x.line_no) for x in lines] == [(ORIGIN, 1)]
    assert json.loads(lines[0].text) == {"kind": "contact", "source": "s"}


def test_an_array_is_one_record_per_element_even_bad_ones() -> None:
    records = [{"kind": "contact", "name": "Zoë"}, 42, "x", {"kind": "deal"}]
    lines = lines_from_json(json.dumps(records).encode(), ORIGIN)
    assert [x.line_no for x in lines] == [1, 2, 3, 4]
    assert [json.loads(x.text) for x in lines] == records
    assert "Zoë" in lines[0].text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"kind": "contact",', "not valid JSON: Expecting property name"),
        (b"[1, 2", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"42", "object (one record) or an array of records, not a int"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_unreadable_json_is_400_naming_the_reason(body: bytes, reason: str) -> None:
    with pytest.raises(BodyError) as caught:
        lines_from_json(body, ORIGIN)
    assert caught.value.status == 400
    assert reason in caught.value.message


def test_json_error_names_line_and_column() -> None:
    with pytest.raises(BodyError, match="at line 2 column 8"):
        lines_from_json(b'[{"a": 1},\n {"b": }]', ORIGIN)


def test_ndjson_lines_are_passed_on_unparsed_with_their_line_numbers() -> None:
    body = '\ufeff{"a": 1}\r\n\n{not json\r{"c": "é"}\n   \n'.encode()
    lines = lines_from_ndjson(body, ORIGIN)
    assert [(x.line_no, x.text) for x in lines] == [
        (1, '{"a": 1}'),
        (3, "{not json"),
        (4, '{"c": "é"}'),
    ]


def test_ndjson_bad_bytes_are_replaced_like_the_cli_does() -> None:
    lines = lines_from_ndjson(b'{"a": "\xff"}\n', ORIGIN)
    assert lines[0].text == '{"a": "\ufffd"}'


@pytest.mark.parametrize(
    ("body", "media_type"),
    [(b"[]", "application/json"), (b"\n \n", "application/x-ndjson")],
)
def test_a_body_without_records_is_400(body: bytes, media_type: str) -> None:
    with pytest.raises(BodyError, match="no records") as caught:
        parse_body(body, media_type, ORIGIN)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        ({"done_chunks": 0}, "queued"),
        ({"done_chunks": 0, "chunks": 2, "lines": 3}, "queued"),
        ({"done_chunks": 1, "chunks": 2, "lines": 3}, "running"),
        ({"done_chunks": 1}, "running"),
        ({"done_chunks": 2, "chunks": 2, "lines": 3, "accepted": 3}, "done"),
    ],
)
def test_batch_status(progress: dict[str, int], status: str) -> None:
    assert batch_status(progress) == status


def test_progress_body_has_every_count() -> None:
    body = progress_body("b" * 32, {"done_chunks": 1, "chunks": 1, "lines": 2, "rejected": 1})
    assert body == {
        "batch_id": "b" * 32,
        "status": "done",
        "chunks": 1,
        "done_chunks": 1,
        "lines": 2,
        "accepted": 0,
        "rejected": 1,
        "duplicate": 0,
        "suppressed": 0,
    }
    assert progress_body("c" * 32, {"done_chunks": 0})["chunks"] is None


def test_quarantine_page_parameters() -> None:
    assert parse_page({}) == (None, 50, 0)
    assert parse_page({"run_id": "a" * 32, "limit": "500", "cursor": "7"}) == ("a" * 32, 500, 7)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "-1"}, "cursor"),
        ({"run_id": "../etc"}, "run_id"),
    ],
)
def test_bad_quarantine_page_parameters_are_400_naming_them(
    query: dict[str, str], field: str
) -> None:
    with pytest.raises(BodyError, match=f"^{field}: ") as caught:
        parse_page(query)
    assert caught.value.status == 400


def test_retry_request_by_ids_with_an_edited_payload() -> None:
    body = json.dumps({"ids": ["a1", "b2"], "payloads": {"b2": '{\n "kind": "contact"\n}'}})
    retry = parse_retry(body.encode())
    assert retry == RetryRequest(ids=["a1", "b2"], payloads={"b2": '{"kind":"contact"}'})


def test_retry_request_for_everything() -> None:
    assert parse_retry(b'{"all": true}') == RetryRequest(ids=None, payloads={})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", 'must be {"ids"'),
        (b"{}", "either"),
        (b'{"ids": ["a"], "all": true}', "either"),
        (b'{"all": false}', "either"),
        (b'{"ids": []}', "ids: must be a non-empty list"),
        (b'{"ids": [1]}', "ids: must be a non-empty list"),
        (b'{"ids": ["a"], "payloads": {"a": 1}}', "payloads: must map"),
        (b'{"ids": ["a"], "payloads": {"b": "{}"}}', "payloads: names a record not in ids"),
        (b'{"ids": ', "not valid JSON"),
    ],
)
def test_bad_retry_requests_are_400_naming_the_reason(body: bytes, reason: str) -> None:
    with pytest.raises(BodyError) as caught:
        parse_retry(body)
    assert caught.value.status == 400
    assert reason in caught.value.message
