"""HTTP ingest: `POST /ingest` parks records exactly as `graph-service ingest` does and queues
them for the workers; `GET /ingest/{batch_id}` reports a batch's progress and counts.

Records are not validated here: the workers do it, and a bad record goes to quarantine and
is counted `rejected` without failing its batch. Only a body that cannot be read as records
at all (wrong content type, unparseable JSON, too large) is refused.

A key sees the batches it submitted and their quarantined records; an admin key sees every
batch (the CLI's too). Another key's batch or record answers 404, as an unknown one does,
so a key cannot learn what others ingest.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dramatiq
from redis import Redis
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph_service.keys import (
    ANY_ROLE,
    INGEST_ROLES,
    Principal,
    Role,
    error_response,
    requires_key,
)
from graph_service.settings import Settings
from graph_service.worker import build_ingest
from ingest.batches import (
    OUTCOMES,
    RawLine,
    new_run,
    run_owner,
    run_progress,
    seal_run,
    store_chunk,
)
from ingest.quarantine import (
    QuarantinedRecord,
    QuarantineError,
    get_quarantined,
    list_quarantined,
    normalise_payload,
    purge_quarantined,
    retry_quarantined,
)
from ingest.submit import chunked

logger = logging.getLogger(__name__)

# Media types POST /ingest accepts: one record or an array of them, or one record a line.
JSON_TYPE = "application/json"
NDJSON_TYPE = "application/x-ndjson"
# Batch ids are new_run's uuid4 hex; anything else cannot name a batch.
_BATCH_ID_RE = re.compile(r"[0-9a-f]{32}")
# Quarantined records per GET /quarantine page: by default, and at most.
QUARANTINE_PAGE = 50
MAX_QUARANTINE_PAGE = 500


class BodyError(Exception):
    """A request body that cannot be taken, with its HTTP status and a reason to show."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(slots=True)
class IngestGateway:
    """What the ingest routes submit through, built once per app by its lifespan."""

    redis: Redis[bytes]
    broker: dramatiq.Broker
    actor: Any
    chunk_size: int
    max_body_bytes: int

    @classmethod
    def open(cls, settings: Settings) -> IngestGateway:
        """The broker and actor the CLI uses, and a sync Redis client (connects lazily)."""
        broker, actor = build_ingest(settings)
        redis: Redis[bytes] = Redis.from_url(
            settings.redis_url, socket_timeout=10, socket_connect_timeout=3
        )
        return cls(redis, broker, actor, settings.ingest_chunk_size, settings.ingest_max_body_bytes)

    def close(self) -> None:
        """Release the Redis connections."""
        self.broker.close()
        self.redis.close()

    def submit(self, lines: list[RawLine], owner: str) -> str:
        """Park the lines in chunks, send one message per chunk, seal the run; its id.
        `owner`: the submitting key's id."""
        run_id = new_run(self.redis, owner=owner)
        chunks = 0
        for chunk in chunked(lines, self.chunk_size):
            self.actor.send(store_chunk(self.redis, run_id, chunk))
            chunks += 1
        seal_run(self.redis, run_id, chunks=chunks, lines=len(lines))
        return run_id

    def progress(self, run_id: str) -> dict[str, int]:
        """The run's counts so far (empty for an unknown run)."""
        return run_progress(self.redis, run_id)

    def reads_run(self, principal: Principal, run_id: str) -> bool:
        """Whether `principal` may read the run (see `can_read_run`)."""
        return principal.role is Role.ADMIN or can_read_run(
            principal, run_owner(self.redis, run_id)
        )

    def visible_progress(self, run_id: str, principal: Principal) -> dict[str, int]:
        """The run's counts, or empty when it is unknown or `principal` may not read it."""
        progress = self.progress(run_id)
        return progress if progress and self.reads_run(principal, run_id) else {}

    def hidden_records(self, principal: Principal, qids: list[str]) -> list[str]:
        """Of `qids`, the quarantined records in runs `principal` may not read."""
        if principal.role is Role.ADMIN:
            return []
        records = [get_quarantined(self.redis, qid) for qid in qids]
        return [
            qid
            for qid, record in zip(qids, records, strict=True)
            if record and not self.reads_run(principal, record.run_id)
        ]

    def visible_record(self, principal: Principal, qid: str) -> QuarantinedRecord | None:
        """The quarantined record, or None when it is unknown or not `principal`'s to see."""
        record = get_quarantined(self.redis, qid)
        return record if record and self.reads_run(principal, record.run_id) else None


def can_read_run(principal: Principal, owner: str) -> bool:
    """A key reads the runs it submitted; an admin key reads every run, the CLI's too."""
    return principal.role is Role.ADMIN or (bool(owner) and owner == principal.key_id)


def unknown_records(qids: list[str]) -> Response:
    """The 404 for quarantined records that are unknown, or not this key's to see."""
    return error_response(404, "not_found", f"no quarantined record with id {', '.join(qids)}")


def media_type_of(content_type: str | None) -> str:
    """The body's media type, or BodyError 415 naming what is accepted."""
    media_type, _, params = (content_type or "").partition(";")
    media_type = media_type.strip().lower()
    if media_type not in (JSON_TYPE, NDJSON_TYPE):
        shown = media_type or "none"
        raise BodyError(
            415,
            "unsupported_media_type",
            f"Content-Type {shown!r} is not accepted; send {JSON_TYPE} or {NDJSON_TYPE}",
        )
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", params, re.IGNORECASE)
    if charset and charset[1].lower() not in ("utf-8", "utf8"):
        raise BodyError(415, "unsupported_media_type", "Content-Type charset must be utf-8")
    return media_type


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 past `limit` bytes whether declared or streamed."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise BodyError(400, "bad_request", "Content-Length is not a whole number")
        if int(declared) > limit:
            raise too_large(limit)
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)


def too_large(limit: int) -> BodyError:
    """The 413 naming the limit."""
    return BodyError(
        413, "payload_too_large", f"body exceeds {limit} bytes (GRAPH_INGEST_MAX_BODY_BYTES)"
    )


def load_json(body: bytes) -> Any:
    """The body as JSON; BodyError 400 naming where and why it cannot be read."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BodyError(400, "bad_request", f"body is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise BodyError(
            400, "bad_request", f"body is not valid JSON: {exc.msg} at {where}"
        ) from None
    except RecursionError:
        raise BodyError(400, "bad_request", "body is not valid JSON: nested too deeply") from None


def lines_from_json(body: bytes, origin: str) -> list[RawLine]:
    """One line per record of a JSON object (one record) or array (several records)."""
    parsed = load_json(body)
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise BodyError(
            400,
            "bad_request",
            f"body must be a JSON object (one record) or an array of records, "
            f"not a {type(parsed).__name__}",
        )
    # Elements are passed on as they are, objects or not: the workers judge each one.
    return [
        RawLine(origin, index, json.dumps(record, ensure_ascii=False))
        for index, record in enumerate(parsed, start=1)
    ]


def lines_from_ndjson(body: bytes, origin: str) -> list[RawLine]:
    """Non-blank lines, read as the CLI reads a JSON Lines file (BOM and bad bytes tolerated)."""
    text = body.decode("utf-8-sig", errors="replace")
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [
        RawLine(origin, line_no, line) for line_no, line in enumerate(physical, 1) if line.strip()
    ]


def parse_body(body: bytes, media_type: str, origin: str) -> list[RawLine]:
    """The body's records as raw lines; BodyError 400 when it holds none."""
    reader = lines_from_json if media_type == JSON_TYPE else lines_from_ndjson
    lines = reader(body, origin)
    if not lines:
        raise BodyError(400, "bad_request", "body holds no records")
    return lines


def batch_status(progress: dict[str, int]) -> str:
    """queued (no chunk finished yet), running, or done (every chunk of a sealed run)."""
    done_chunks = progress.get("done_chunks", 0)
    if "chunks" in progress and done_chunks >= progress["chunks"]:
        return "done"
    return "running" if done_chunks > 0 else "queued"


def progress_body(batch_id: str, progress: dict[str, int]) -> dict[str, Any]:
    """The GET /ingest/{batch_id} answer; chunks and lines are null until the run is sealed."""
    return {
        "batch_id": batch_id,
        "status": batch_status(progress),
        "chunks": progress.get("chunks"),
        "done_chunks": progress.get("done_chunks", 0),
        "lines": progress.get("lines"),
        **{outcome: progress.get(outcome, 0) for outcome in OUTCOMES},
    }


def _gateway(request: Request) -> IngestGateway:
    gateway: IngestGateway = request.app.state.ingest
    return gateway


def _queue_unavailable(exc: RedisError) -> Response:
    logger.warning("ingest queue unreachable: %s", exc)
    return error_response(503, "unavailable", "the ingest queue is unreachable; retry later")


@requires_key(INGEST_ROLES)
async def post_ingest(request: Request, principal: Principal) -> Response:
    """Queue the body's records; 202 with the batch id, its line count and where to poll."""
    gateway = _gateway(request)
    try:
        media_type = media_type_of(request.headers.get("content-type"))
        body = await read_body(request, gateway.max_body_bytes)
        # Parsing up to the body limit is CPU work: keep it off the event loop.
        lines = await run_in_threadpool(parse_body, body, media_type, f"http/{principal.key_id}")
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    try:
        batch_id = await run_in_threadpool(gateway.submit, lines, principal.key_id)
    except RedisError as exc:
        return _queue_unavailable(exc)
    status_url = request.url_for("ingest_status", batch_id=batch_id).path
    logger.info("key %s queued %d lines as batch %s", principal.key_id, len(lines), batch_id)
    return JSONResponse(
        {"batch_id": batch_id, "lines": len(lines), "status_url": status_url},
        status_code=202,
        headers={"Location": status_url},
    )


@requires_key(ANY_ROLE)
async def get_ingest(request: Request, principal: Principal) -> Response:
    """A batch's status and counts; 404 for a batch that does not exist."""
    batch_id = request.path_params["batch_id"]
    if not _BATCH_ID_RE.fullmatch(batch_id):
        return error_response(404, "not_found", "no such ingest batch")
    try:
        progress = await run_in_threadpool(_gateway(request).visible_progress, batch_id, principal)
    except RedisError as exc:
        return _queue_unavailable(exc)
    if not progress:
        return error_response(404, "not_found", "no such ingest batch")
    return JSONResponse(progress_body(batch_id, progress))


# --- the quarantine (ingest.quarantine over HTTP) -----------------------------------------


@dataclass(frozen=True, slots=True)
class RetryRequest:
    """What POST /quarantine/retry asks for: ids (None: every record) and edited payloads."""

    ids: list[str] | None
    payloads: dict[str, str]


def parse_page(query: Mapping[str, str]) -> tuple[str | None, int, int]:
    """`(run_id, limit, cursor)` of GET /quarantine; BodyError 400 naming a bad parameter."""
    run_id = query.get("run_id") or None
    if run_id is not None and not _BATCH_ID_RE.fullmatch(run_id):
        raise BodyError(400, "bad_request", "run_id: not a batch id")
    limit = _int_param(query, "limit", QUARANTINE_PAGE, 1, MAX_QUARANTINE_PAGE)
    cursor = _int_param(query, "cursor", 0, 0, None)
    return run_id, limit, cursor


def _int_param(
    query: Mapping[str, str], name: str, default: int, low: int, high: int | None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise BodyError(400, "bad_request", f"{name}: must be a whole number {bounds}")
    return int(raw)


def parse_retry(body: bytes) -> RetryRequest:
    """`{"ids": [...]}` or `{"all": true}`, with optional `{"payloads": {id: text}}`."""
    obj = load_json(body)
    if not isinstance(obj, dict):
        raise BodyError(400, "bad_request", 'body must be {"ids": [...]} or {"all": true}')
    ids, every = obj.get("ids"), obj.get("all") is True
    if every == (ids is not None):
        raise BodyError(400, "bad_request", 'give either "ids" or "all": true, not both')
    if ids is not None and (
        not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids)
    ):
        raise BodyError(400, "bad_request", "ids: must be a non-empty list of strings")
    payloads = obj.get("payloads", {})
    if not isinstance(payloads, dict) or not all(isinstance(v, str) for v in payloads.values()):
        raise BodyError(400, "bad_request", "payloads: must map record ids to record text")
    if ids is not None and not set(payloads) <= set(ids):
        raise BodyError(400, "bad_request", "payloads: names a record not in ids")
    edits = {qid: normalise_payload(text) for qid, text in payloads.items()}
    return RetryRequest(ids=list(ids) if ids is not None else None, payloads=edits)


def _quarantine_error(exc: QuarantineError, *, status: int) -> Response:
    return error_response(status, "not_found" if status == 404 else "conflict", str(exc))


@requires_key(INGEST_ROLES)
async def list_quarantine(request: Request, principal: Principal) -> Response:
    """A page of quarantined records, oldest first, and the cursor of the next page."""
    try:
        run_id, limit, cursor = parse_page(request.query_params)
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    gateway = _gateway(request)
    redis = gateway.redis
    if principal.role is not Role.ADMIN:
        if run_id is None:
            return error_response(
                403, "forbidden", "run_id: required; this key sees only its own batches"
            )
        try:
            known = await run_in_threadpool(gateway.visible_progress, run_id, principal)
        except RedisError as exc:
            return _queue_unavailable(exc)
        if not known:
            return error_response(404, "not_found", "no such ingest batch")
    try:
        records, next_cursor = await run_in_threadpool(
            lambda: list_quarantined(redis, run_id=run_id, limit=limit, cursor=cursor)
        )
    except RedisError as exc:
        return _queue_unavailable(exc)
    body = {"records": [r.to_dict() for r in records], "next_cursor": next_cursor}
    return JSONResponse(body)


@requires_key(INGEST_ROLES)
async def get_quarantine(request: Request, principal: Principal) -> Response:
    """One quarantined record: payload, errors, origin, retries; 404 when unknown."""
    qid = request.path_params["qid"]
    try:
        record = await run_in_threadpool(_gateway(request).visible_record, principal, qid)
    except RedisError as exc:
        return _queue_unavailable(exc)
    if record is None:
        return error_response(404, "not_found", "no such quarantined record")
    return JSONResponse(record.to_dict())


@requires_key(INGEST_ROLES)
async def retry_quarantine(request: Request, principal: Principal) -> Response:
    """Re-queue records as a new batch: 202 as POST /ingest; 404 naming unknown ids."""
    gateway = _gateway(request)
    try:
        media_type_of(request.headers.get("content-type"))
        retry = parse_retry(await read_body(request, gateway.max_body_bytes))
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    if retry.ids is None and principal.role is not Role.ADMIN:
        return error_response(403, "forbidden", "all: only an admin key retries every record")
    try:
        hidden = await run_in_threadpool(gateway.hidden_records, principal, retry.ids or [])
        if hidden:
            return unknown_records(hidden)
        batch_id = await run_in_threadpool(
            lambda: retry_quarantined(
                gateway.redis,
                gateway.actor,
                retry.ids,
                chunk_size=gateway.chunk_size,
                payloads=retry.payloads,
                owner=principal.key_id,
            )
        )
        lines = (await run_in_threadpool(gateway.progress, batch_id)).get("lines", 0)
    except QuarantineError as exc:
        return _quarantine_error(exc, status=404 if retry.ids is not None else 409)
    except RedisError as exc:
        return _queue_unavailable(exc)
    status_url = request.url_for("ingest_status", batch_id=batch_id).path
    logger.info("key %s retried %d quarantined lines as %s", principal.key_id, lines, batch_id)
    return JSONResponse(
        {"batch_id": batch_id, "lines": lines, "status_url": status_url},
        status_code=202,
        headers={"Location": status_url},
    )


@requires_key(INGEST_ROLES)
async def delete_quarantine(request: Request, principal: Principal) -> Response:
    """Delete one quarantined record for good; 404 when unknown."""
    qid = request.path_params["qid"]
    gateway = _gateway(request)
    try:
        if await run_in_threadpool(gateway.hidden_records, principal, [qid]):
            return unknown_records([qid])
        await run_in_threadpool(purge_quarantined, gateway.redis, [qid])
    except QuarantineError as exc:
        return _quarantine_error(exc, status=404)
    except RedisError as exc:
        return _queue_unavailable(exc)
    logger.info("key %s purged quarantined record %s", principal.key_id, qid)
    return JSONResponse({"id": qid, "purged": True})


def ingest_routes() -> list[Route]:
    """The ingest and quarantine routes, for the app factory."""
    return [
        Route("/ingest", post_ingest, methods=["POST"]),
        Route("/ingest/{batch_id}", get_ingest, methods=["GET"], name="ingest_status"),
        Route("/quarantine", list_quarantine, methods=["GET"]),
        # Before /quarantine/{qid}, so "retry" is never taken for an id.
        Route("/quarantine/retry", retry_quarantine, methods=["POST"]),
        Route("/quarantine/{qid}", get_quarantine, methods=["GET"]),
        Route("/quarantine/{qid}", delete_quarantine, methods=["DELETE"]),
    ]
