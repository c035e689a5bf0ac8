"""Dead letters decoded from dramatiq's stored messages; redriven messages start afresh."""

from __future__ import annotations

from dramatiq import Message

from ingest.dead_letters import dead_letter_from, failure_reason, fresh_message

TRACE = """Traceback (most recent call last):
  File "worker.py", line 1, in process
    raise ClientError("Database does not exist")
neo4j.exceptions.ClientError: Database does not exist: nosuch
"""


def failed_message() -> Message[object]:
    return Message(
        queue_name="ingest",
        actor_name="ingest_chunk",
        args=("chunk-1",),
        kwargs={},
        options={"redis_message_id": "r-1", "retries": 3, "traceback": TRACE, "eta": 1},
        message_timestamp=1_000,
    )


def test_reason_is_the_exception_line() -> None:
    assert failure_reason(TRACE) == "neo4j.exceptions.ClientError: Database does not exist: nosuch"
    assert failure_reason("") == ""


def test_stored_message_decodes_to_a_dead_letter() -> None:
    message = failed_message()
    letter = dead_letter_from("r-1", message.encode(), 1_700_000_000_000)
    assert letter.id == "r-1"
    assert letter.message_id == message.message_id
    assert (letter.actor, letter.queue, letter.args) == ("ingest_chunk", "ingest", ["chunk-1"])
    assert letter.retries == 3
    assert letter.reason.startswith("neo4j.exceptions.ClientError")
    assert letter.to_dict()["dead_at"].startswith("2023-11-14T22:13:20")


def test_redriven_message_keeps_its_call_and_drops_the_failed_delivery() -> None:
    message = failed_message()
    fresh = fresh_message(message)
    assert (fresh.actor_name, fresh.args, fresh.message_id) == (
        "ingest_chunk",
        ("chunk-1",),
        message.message_id,
    )
    assert fresh.options == {"redrives": 1}
    assert fresh.message_timestamp > message.message_timestamp
    assert fresh_message(fresh).options == {"redrives": 2}
