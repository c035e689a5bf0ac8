"""Conversation embedder: device and backend choice, batching, accuracy of fast backends."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graph_service.settings import EmbeddingBackend, Settings
from ingest.embeddings import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    EmbedderConfig,
    EmbeddingError,
    check_backend,
    embed_pending,
    load_conversation_embedder,
    read_cpu_flags,
    resolve_backend,
    resolve_device,
)

TEXTS = [
    "Third time this month my Brightwell Hub has stopped working. This is unacceptable.",
    "Absolutely love my new Brightwell Speaker! Setup took two minutes and it just works.",
    "How do I reset my Brightwell Doorbell to factory settings?",
    "Mein Brightwell Thermostat ist schon wieder kaputt. Der Support ist eine Katastrophe.",
    "Busy week ahead, coffee first.",
    "Seriously thinking about cancelling my subscription and switching to Acme.",
    "Great news: the refund for your Brightwell Outdoor Cam has been processed.",
    "Je vais résilier mon abonnement et passer chez Nimbus.",
]
CPU = EmbedderConfig(model="", device="cpu", backend=EmbeddingBackend.TORCH)


class FakeModel:
    """Stands in for SentenceTransformer: vector i is a scaled one-hot of the text's length."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], int]] = []

    def get_embedding_dimension(self) -> int:
        return EMBEDDING_DIMENSIONS

    def encode(self, texts: list[str], *, batch_size: int, **_: Any) -> np.ndarray[Any, Any]:
        self.calls.append((list(texts), batch_size))
        out = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float64)
        for row, text in enumerate(texts):
            out[row, len(text) % EMBEDDING_DIMENSIONS] = 3.0
        return out


@pytest.mark.parametrize("requested", [None, "", "auto"])
def test_auto_device_is_cuda_only_when_torch_sees_a_gpu(requested: str | None) -> None:
    assert resolve_device(requested, cuda_available=lambda: True) == "cuda"
    assert resolve_device(requested, cuda_available=lambda: False) == "cpu"


def test_explicit_device_is_kept() -> None:
    assert resolve_device("cuda:1", cuda_available=lambda: False) == "cuda:1"
    assert resolve_device("cpu", cuda_available=lambda: True) == "cpu"


def test_auto_backend_follows_the_hardware() -> None:
    auto = EmbeddingBackend.AUTO
    assert resolve_backend(auto, "cuda") is EmbeddingBackend.TORCH_FP16
    bf16_cpu = frozenset({"avx2", "avx512_bf16"})
    assert resolve_backend(auto, "cpu", cpu_flags=bf16_cpu) is EmbeddingBackend.TORCH_BF16
    assert resolve_backend(auto, "cpu", cpu_flags=frozenset({"avx2"})) is EmbeddingBackend.TORCH
    explicit = EmbeddingBackend.TORCH_INT8
    assert resolve_backend(explicit, "cpu", cpu_flags=bf16_cpu) is explicit


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 amx_bf16\nbugs\t\t: x\n")
    assert read_cpu_flags(cpuinfo) == frozenset({"fpu", "avx2", "amx_bf16"})
    assert read_cpu_flags(tmp_path / "missing") == frozenset()


def test_config_from_settings() -> None:
    settings = Settings(
        embedding_device="cpu",
        embedding_backend="torch-int8",
        embedding_batch_size=128,
        embedding_threads=1,
    )
    config = EmbedderConfig.from_settings(settings)
    assert config == EmbedderConfig(
        model="", device="cpu", backend=EmbeddingBackend.TORCH_INT8, batch_size=128, threads=1
    )


@pytest.mark.parametrize(("device", "expected"), [("cpu", 64), ("cuda", 256), ("cuda:1", 256)])
def test_batch_size_left_at_zero_follows_the_device(device: str, expected: int) -> None:
    settings = Settings(embedding_device=device, embedding_backend="torch")
    assert EmbedderConfig.from_settings(settings).batch_size == expected


def test_bad_backend_setting_names_the_field() -> None:
    with pytest.raises(ValueError, match="embedding_backend"):
        Settings(embedding_backend="tensorrt")


def test_int8_on_a_gpu_is_refused() -> None:
    config = EmbedderConfig(model="", device="cuda", backend=EmbeddingBackend.TORCH_INT8)
    with pytest.raises(EmbeddingError, match="GRAPH_EMBEDDING_BACKEND=torch-int8"):
        check_backend(config)


def test_onnx_without_onnxruntime_names_the_missing_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whether this machine has onnxruntime or not, the test sees it missing.
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "onnxruntime" else real_find_spec(name, *args),
    )
    config = EmbedderConfig(model="", device="cpu", backend=EmbeddingBackend.ONNX)
    with pytest.raises(EmbeddingError, match="onnxruntime"):
        check_backend(config)


def test_switched_off_loads_nothing() -> None:
    assert load_conversation_embedder(Settings(conversation_embeddings=False)) is None


def test_encode_keeps_order_and_batch_size_and_returns_unit_float32() -> None:
    model = FakeModel()
    embedder = Embedder(model, config=replace(CPU, batch_size=3))
    texts = ["a", "bbbb", "cc", "a", "dddddd", "cc"]
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (6, EMBEDDING_DIMENSIONS)
    assert [int(np.argmax(v)) for v in vectors] == [len(t) for t in texts]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert model.calls == [(["a", "bbbb", "cc", "dddddd"], 3)]  # each distinct text once


def test_encode_without_dedupe_sends_every_text() -> None:
    model = FakeModel()
    Embedder(model, config=CPU, dedupe=False).encode(["x", "x"])
    assert model.calls == [(["x", "x"], 64)]


def test_encode_of_nothing_is_an_empty_matrix() -> None:
    assert Embedder(FakeModel(), config=CPU).encode([]).shape == (0, EMBEDDING_DIMENSIONS)


class FakeGraph:
    """A graph whose conversations never take the embedding (their text keeps changing)."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        self.reads += 1
        return [{"id": "c1", "text": "hello"}]

    def write(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        return [{"embedded": 0}]


def test_embed_pending_stops_when_a_round_stores_nothing() -> None:
    graph = FakeGraph()
    stored = embed_pending(graph, Embedder(FakeModel(), config=CPU))  # type: ignore[arg-type]
    assert stored == 0
    assert graph.reads == 1


@pytest.fixture(scope="module")
def reference() -> np.ndarray[Any, Any]:
    """fp32 embeddings of TEXTS by a plain SentenceTransformer of the bundled model."""
    from sentence_transformers import SentenceTransformer

    from ingest.text_similarity import bundled_model_path

    model = SentenceTransformer(bundled_model_path(), device="cpu")
    vectors: np.ndarray[Any, Any] = model.encode(TEXTS, normalize_embeddings=True)
    return vectors


@pytest.mark.parametrize(
    "backend",
    [
        EmbeddingBackend.AUTO,
        EmbeddingBackend.TORCH_BF16,
        EmbeddingBackend.TORCH_INT8,
        EmbeddingBackend.TORCH_FP16,
    ],
)
def test_backend_keeps_cosine_to_fp32_reference(
    backend: EmbeddingBackend, reference: np.ndarray[Any, Any]
) -> None:
    config = EmbedderConfig(model="", device="cpu", backend=resolve_backend(backend, "cpu"))
    vectors = Embedder.load(config).encode(TEXTS)
    cosines = np.sum(vectors * reference, axis=1)
    assert cosines.min() >= 0.99, (config.backend, cosines.round(4).tolist())
