"""Encodings of export files: UTF-8, UTF-8 with BOM, Windows-1252 / Latin-1, broken bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.formats.encoding import (
    decode_bytes,
    decode_line,
    printable,
    undecodable_bytes,
)

TEXT = "Jürgen Maßmann;Renée Lefèvre;Zoë;12€\n"


def test_utf8_is_read_as_utf8() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (TEXT, "utf-8")


def test_byte_order_mark_is_dropped() -> None:
    decoded = decode_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.encoding == "utf-8"


def test_windows_1252_is_the_fall_back() -> None:
    decoded = decode_bytes(TEXT.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (TEXT, "cp1252")


def test_latin1_file_reads_the_same_as_cp1252() -> None:
    latin = "Søren Ødegård, Núñez, Müller\n"
    assert decode_bytes(latin.encode("latin-1")).text == latin


def test_utf8_file_with_one_broken_byte_stays_utf8_and_marks_the_byte() -> None:
    data = "Müller,Brückner,".encode() + b"caf\xe9\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith("Müller,Brückner,")
    assert undecodable_bytes(decoded.text) == b"\xe9"
    assert printable(decoded.text).endswith("caf\\xe9\n")


def test_bytes_undefined_in_cp1252_are_marked_not_guessed() -> None:
    decoded = decode_bytes(b"M\xfcller \x81\n")
    assert decoded.encoding == "cp1252"
    assert undecodable_bytes(decoded.text) == b"\x81"
    assert printable(decoded.text) == "Müller \\x81\n"


def test_clean_text_has_no_undecodable_bytes() -> None:
    assert undecodable_bytes(TEXT) == b""
    assert printable(TEXT) == TEXT


def test_json_lines_lines_are_decoded_one_by_one() -> None:
    assert decode_line('{"n": "Zoë"}\n'.encode()) == '{"n": "Zoë"}\n'
    assert decode_line(b'\xef\xbb\xbf{"n": 1}\n') == '{"n": 1}\n'
    assert decode_line('{"n": "Zoë"}\n'.encode("cp1252")) == '{"n": "Zoë"}\n'
    assert decode_line("Zoë ".encode() + b"\xff") == "Zoë \ufffd"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_any_utf8_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")).text == text.removeprefix("\ufeff")
