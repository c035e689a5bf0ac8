"""Conversation embeddings: encode texts in batches and store them in the vector index.

The workers call `embed_after_chunk` after each chunk with the ids of the conversations the
chunk held; those that have text but no embedding yet are encoded with all-MiniLM-L6-v2
(384 unit-length float32 dimensions), so a second call finds nothing to do. Only the
chunk's own conversations: with a global backlog, two workers finishing chunks at the same
time encoded the same texts. `embed_pending` sweeps every conversation still lacking one.
The model loads only when `Embedder.load` is called.
Backends, measured speed and accuracy: docs/embeddings.md.
"""

from __future__ import annotations

import importlib.util
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graph_service.db import GraphClient
from graph_service.errors import GraphServiceError
from graph_service.settings import EmbeddingBackend, Settings
from ingest.text_similarity import bundled_model_path

# Dimensions of the `conversation_embedding` vector index (migration V3).
EMBEDDING_DIMENSIONS = 384
# Conversations read, encoded and written per transaction by `embed_pending`.
PENDING_BATCH = 1000
# Texts per model batch when GRAPH_EMBEDDING_BATCH_SIZE is 0, by device kind. On an H100
# encoding is bound by the host (tokenising, one copy back per batch): 64 gave 1.3-1.46x
# the plain encode, 256 gave 1.9-3.2x, 1024 hardly more (docs/embeddings.md, "GPU").
CPU_BATCH_SIZE = 64
CUDA_BATCH_SIZE = 256
# CPU flags of native bf16 arithmetic; without them bf16 is emulated and slower than fp32.
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
# Packages sentence-transformers' ONNX backend imports (`sentence-transformers[onnx]`, which
# asks for optimum-onnx; its releases, 0.1.0 the latest, need transformers < 4.58).
ONNX_PACKAGES = ("onnxruntime", "optimum")


class EmbeddingError(GraphServiceError):
    """The embedding model cannot be loaded as configured, or produced unusable vectors."""


@dataclass(frozen=True, slots=True)
class EmbedderConfig:
    """A resolved model choice: device and backend are concrete, never "auto"."""

    model: str
    device: str
    backend: EmbeddingBackend
    batch_size: int = 64
    threads: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbedderConfig:
        """The configuration the settings ask for, with "auto" resolved on this machine."""
        device = resolve_device(settings.embedding_device)
        return cls(
            model=settings.embedding_model,
            device=device,
            backend=resolve_backend(settings.embedding_backend, device),
            batch_size=settings.embedding_batch_size or default_batch_size(device),
            threads=settings.embedding_threads,
        )


def resolve_device(
    requested: str | None, *, cuda_available: Callable[[], bool] | None = None
) -> str:
    """`requested`, or for empty/"auto": "cuda" when torch sees a GPU, else "cpu"."""
    if requested and requested != "auto":
        return requested
    return "cuda" if (cuda_available or _torch_cuda_available)() else "cpu"


def default_batch_size(device: str) -> int:
    """Texts per model batch on `device` when the setting leaves it to us."""
    return CUDA_BATCH_SIZE if device.startswith("cuda") else CPU_BATCH_SIZE


def _torch_cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_backend(
    backend: EmbeddingBackend, device: str, *, cpu_flags: frozenset[str] | None = None
) -> EmbeddingBackend:
    """A concrete backend: "auto" is fp16 on CUDA, bf16 on CPUs with native bf16, else fp32."""
    if backend is not EmbeddingBackend.AUTO:
        return backend
    if device.startswith("cuda"):
        return EmbeddingBackend.TORCH_FP16
    flags = read_cpu_flags() if cpu_flags is None else cpu_flags
    return EmbeddingBackend.TORCH_BF16 if flags & BF16_CPU_FLAGS else EmbeddingBackend.TORCH


def read_cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU feature flags Linux reports; empty where there is no /proc/cpuinfo."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


class Embedder:
    """Encodes texts in batches into unit-length float32 vectors, in the order given."""

    def __init__(self, model: Any, *, config: EmbedderConfig, dedupe: bool = True) -> None:
        self._model = model
        self._dedupe = dedupe
        self._lock = threading.Lock()
        self.config = config

    @classmethod
    def load(cls, config: EmbedderConfig, *, dedupe: bool = True) -> Embedder:
        """Load the model of `config` (empty model: the bundled all-MiniLM-L6-v2)."""
        return cls(load_model(config), config=config, dedupe=dedupe)

    @property
    def dimensions(self) -> int:
        """Length of every vector this embedder returns."""
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One row per text; equal texts are encoded once when deduplication is on."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        unique = list(dict.fromkeys(texts)) if self._dedupe else list(texts)
        raw = self._model.encode(
            unique,
            batch_size=self.config.batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vectors = normalise(np.asarray(raw, dtype=np.float32))
        if len(unique) == len(texts):
            return vectors
        row_of = {text: row for row, text in enumerate(unique)}
        return vectors[[row_of[text] for text in texts]]

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold this embedder alone: two worker threads never encode the same backlog twice."""
        with self._lock:
            yield


def normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length in float32 (a zero row stays zero)."""
    norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    scaled: NDArray[np.float32] = np.divide(vectors, norms, dtype=np.float32)
    return scaled


def load_model(config: EmbedderConfig) -> Any:
    """A SentenceTransformer for `config.backend` on `config.device`."""
    import torch
    from sentence_transformers import SentenceTransformer

    check_backend(config)
    if config.threads:
        torch.set_num_threads(config.threads)
    path = config.model or bundled_model_path()
    if config.backend is EmbeddingBackend.ONNX:
        return SentenceTransformer(path, device=config.device, backend="onnx")
    dtypes = {
        EmbeddingBackend.TORCH_BF16: torch.bfloat16,
        EmbeddingBackend.TORCH_FP16: torch.float16,
    }
    model_kwargs = {"dtype": dtypes[config.backend]} if config.backend in dtypes else None
    model = SentenceTransformer(path, device=config.device, model_kwargs=model_kwargs)
    if config.backend is EmbeddingBackend.TORCH_INT8:
        quantise_attention(model)
    return model


def check_backend(config: EmbedderConfig) -> None:
    """Refuse a backend this machine cannot run, naming the setting and the reason."""
    if config.backend is EmbeddingBackend.AUTO:
        raise EmbeddingError("EmbedderConfig.backend must be resolved (resolve_backend) first")
    if config.backend is EmbeddingBackend.TORCH_INT8 and config.device != "cpu":
        raise EmbeddingError(
            f"GRAPH_EMBEDDING_BACKEND=torch-int8 runs on the CPU only; device is {config.device!r}"
        )
    if config.backend is EmbeddingBackend.ONNX:
        _require_onnx()


def _require_onnx() -> None:
    missing = [name for name in ONNX_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise EmbeddingError(
            f"GRAPH_EMBEDDING_BACKEND=onnx needs {', '.join(missing)}, which is not installed; "
            "sentence-transformers[onnx] (optimum-onnx) needs transformers < 4.58, so with "
            "sentence-transformers 6 use torch-bf16 (docs/embeddings.md)"
        )


def quantise_attention(model: Any) -> None:
    """Dynamic int8 (per-channel weights) for the attention projections only, in place.

    Quantising every Linear layer is 3-4x faster but drops cosine to fp32 below 0.99
    (min 0.84 per-tensor, 0.91 per-channel on conversation texts); the attention layers
    alone keep it above 0.99.
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    transformer = model[0].auto_model
    layers = {
        name: per_channel_dynamic_qconfig
        for name, module in transformer.named_modules()
        if isinstance(module, torch.nn.Linear) and ".attention." in f".{name}."
    }
    if not layers:
        raise EmbeddingError(
            "GRAPH_EMBEDDING_BACKEND=torch-int8: the model has no attention layers"
        )
    with warnings.catch_warnings():
        # torch.ao's notice that eager-mode quantisation moves to torchao.
        warnings.simplefilter("ignore")
        quantize_dynamic(  # type: ignore[no-untyped-call]
            transformer, layers, dtype=torch.qint8, inplace=True
        )


def load_conversation_embedder(settings: Settings) -> Embedder | None:
    """The workers' embedder, or None when conversation embeddings are switched off."""
    if not settings.conversation_embeddings:
        return None
    config = EmbedderConfig.from_settings(settings)
    embedder = Embedder.load(config)
    if embedder.dimensions != EMBEDDING_DIMENSIONS:
        raise EmbeddingError(
            f"GRAPH_EMBEDDING_MODEL {config.model or 'bundled'!r} gives {embedder.dimensions} "
            f"dimensions; the conversation vector index holds {EMBEDDING_DIMENSIONS}"
        )
    return embedder


def embed_pending(
    graph: GraphClient, embedder: Embedder, *, batch_size: int = PENDING_BATCH, id_prefix: str = ""
) -> int:
    """Embed every Conversation with text and no embedding yet (only ids starting with
    `id_prefix` when given); returns how many were stored."""
    total = 0
    with embedder.exclusive():
        while rows := graph.read("embeddings/pending", id_prefix=id_prefix, limit=batch_size):
            stored = _store_embeddings(graph, embedder, rows)
            if stored == 0:  # every text changed under us: the next call reads them afresh
                break
            total += stored
    return total


def _store_embeddings(graph: GraphClient, embedder: Embedder, rows: list[dict[str, Any]]) -> int:
    texts = [row["text"] for row in rows]
    vectors = embedder.encode(texts)
    # A float64 matrix: the driver sends an ndarray as a list of lists without building
    # Python floats, 10x less client CPU than rows of `tolist()` (see the query).
    stored = graph.write(
        "embeddings/store",
        ids=[row["id"] for row in rows],
        texts=texts,
        vectors=vectors.astype(np.float64),
    )
    return int(stored[0]["embedded"])


def embed_after_chunk(
    graph: GraphClient, embedder: Embedder | None, conversation_ids: Sequence[str]
) -> int:
    """The workers' hook after each chunk: embed the chunk's conversations that still lack
    an embedding (nothing when switched off). A redelivered chunk embeds what a crash left."""
    if embedder is None or not conversation_ids:
        return 0
    total = 0
    with embedder.exclusive():
        for start in range(0, len(conversation_ids), PENDING_BATCH):
            ids = list(conversation_ids[start : start + PENDING_BATCH])
            rows = graph.read("embeddings/pending_ids", ids=ids)
            if rows:
                total += _store_embeddings(graph, embedder, rows)
    return total
