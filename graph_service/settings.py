"""Settings read once from the environment (prefix GRAPH_) and passed down."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: cypher/ and the git-ignored .local/ live there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# URI schemes the Neo4j driver accepts; routing (neo4j*) and direct (bolt*) both work.
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Environment(StrEnum):
    """Where the service runs; development enables GraphiQL."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class BrokerKind(StrEnum):
    """The message transport of the ingest queue; batch bookkeeping stays in Redis."""

    REDIS = "redis"
    RABBITMQ = "rabbitmq"


class EmbeddingBackend(StrEnum):
    """How conversation texts are encoded; every choice keeps cosine >= 0.99 to fp32."""

    AUTO = "auto"
    TORCH = "torch"
    TORCH_BF16 = "torch-bf16"
    TORCH_FP16 = "torch-fp16"
    TORCH_INT8 = "torch-int8"
    ONNX = "onnx"


class Settings(BaseSettings):
    """Every setting of the service; build once at the entry point, pass down."""

    model_config = SettingsConfigDict(env_prefix="GRAPH_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("graph-service-dev")
    neo4j_database: str = "neo4j"
    neo4j_connection_timeout_s: float = 5.0
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Ingest message broker: redis (default) or rabbitmq at rabbitmq_url (docs/brokers.md);
    # parked chunks, run counts and quarantine stay in Redis with either.
    broker: BrokerKind = BrokerKind.REDIS
    rabbitmq_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/%2F")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    cypher_dir: Path = PROJECT_ROOT / "cypher"
    local_dir: Path = PROJECT_ROOT / ".local"
    # Ingest: lines per queued chunk, worker threads per process, --wait limit.
    ingest_chunk_size: int = Field(default=500, ge=1, le=50_000)
    worker_threads: int = Field(default=2, ge=1, le=64)
    ingest_wait_timeout_s: float = 3600.0
    # Largest request body POST /ingest accepts (413 beyond it), counted as it streams in.
    ingest_max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    # Ingest actor: retries before a chunk's message is dead-lettered, seconds one chunk may
    # run before it is interrupted (and retried), backoff between retries (ms, doubling).
    ingest_max_retries: int = Field(default=10, ge=0, le=1000)
    ingest_time_limit_s: float = Field(default=600.0, gt=0)
    ingest_min_backoff_ms: int = Field(default=1000, ge=1)
    ingest_max_backoff_ms: int = Field(default=60_000, ge=1)
    # A chunk still parked this long after it was queued has its message sent again by a
    # worker (a message lost in a long broker outage, or dead-lettered), at most
    # `ingest_max_resends` times; a redelivered chunk is a no-op, so a message that was only
    # slow costs one extra Redis read. Keep it well above `ingest_time_limit_s`.
    ingest_resend_after_s: float = Field(default=1800.0, gt=0)
    ingest_max_resends: int = Field(default=3, ge=0, le=100)
    # Worker Prometheus metrics at http://host:port/metrics; port 0 serves none.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    # Broker upkeep: a worker silent this long is dead and its unacknowledged messages go
    # back to the queue; how often per million broker commands that check runs (dramatiq's
    # default, 1,000, left a killed worker's chunks waiting ~17 minutes on a quiet queue);
    # how long dead-lettered messages are kept.
    broker_heartbeat_timeout_ms: int = Field(default=60_000, ge=1_000)
    broker_maintenance_chance: int = Field(default=100_000, ge=1, le=1_000_000)
    broker_dead_message_ttl_ms: int = Field(default=7 * 24 * 3600 * 1000, ge=60_000)
    # Identity resolution: match threshold in bits of Fellegi-Sunter evidence, the region
    # to read national phone numbers in per source (JSON, e.g. {"support": "US"}), the
    # secret salt of suppression hashes (set your own in production), and the largest
    # blocking group compared exhaustively.
    match_threshold: float | None = None
    phone_regions: dict[str, str] = Field(default_factory=dict)
    suppression_salt: SecretStr = SecretStr("graph-service-dev-salt")
    max_block_size: int = Field(default=60, ge=2, le=10_000)
    # Sentence-embedding similarity of bios in matching (workers load the model once);
    # model: a name or local path, empty for the bundled all-MiniLM-L6-v2; device: cpu,
    # cuda, ... (empty or auto: CUDA when present).
    semantic_matching: bool = True
    embedding_model: str = ""
    embedding_device: str | None = None
    # Conversation embeddings written by the workers after each chunk (docs/embeddings.md):
    # backend (auto: fp16 on CUDA, bf16 on CPUs with native bf16, else fp32), texts per
    # model batch (0: 64 on a CPU, 256 on CUDA, where encoding is host-bound and small
    # batches leave the GPU waiting: docs/embeddings.md, "GPU"), torch threads per
    # process (0: torch's default, one per core; 1 by default because workers scale by
    # processes and share the host with Neo4j, where torch's default oversubscribes the
    # cores: docs/embeddings.md, "Threads").
    conversation_embeddings: bool = True
    embedding_backend: EmbeddingBackend = EmbeddingBackend.AUTO
    embedding_batch_size: int = Field(default=0, ge=0, le=4096)
    embedding_threads: int = Field(default=1, ge=0, le=256)
    # Local Neo4j server (graph-service neo4j start): version, ports and memory.
    neo4j_version: str = "5.26.19"
    apoc_version: str = "5.26.19"
    browser_version: str = "5.24.0"
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_http_port: int = Field(default=7474, ge=1, le=65535)
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "2g"
    # Local Redis server (graph-service redis start).
    redis_port: int = Field(default=6379, ge=1, le=65535)
    redis_maxmemory: str = "1gb"
    # Local RabbitMQ server (graph-service rabbitmq start), AMQP port.
    rabbitmq_port: int = Field(default=5672, ge=1, le=65535)

    @field_validator("neo4j_uri")
    @classmethod
    def _check_neo4j_uri(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in NEO4J_SCHEMES:
            raise ValueError(
                "GRAPH_NEO4J_URI must start with one of "
                f"{', '.join(s + '://' for s in NEO4J_SCHEMES)}; got scheme {parsed.scheme!r}"
            )
        if not parsed.hostname:
            raise ValueError("GRAPH_NEO4J_URI has no host")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                "GRAPH_REDIS_URL must start with redis://, rediss:// or unix://; "
                f"got {parsed.scheme!r}"
            )
        return value

    @field_validator("rabbitmq_url")
    @classmethod
    def _check_rabbitmq_url(cls, value: SecretStr) -> SecretStr:
        parsed = urlparse(value.get_secret_value())
        if parsed.scheme not in ("amqp", "amqps"):
            raise ValueError(
                f"GRAPH_RABBITMQ_URL must start with amqp:// or amqps://; got {parsed.scheme!r}"
            )
        if not parsed.hostname:
            raise ValueError("GRAPH_RABBITMQ_URL has no host")
        return value

    @property
    def is_development(self) -> bool:
        """True when GraphiQL and other developer conveniences are on."""
        return self.environment is Environment.DEVELOPMENT


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)
