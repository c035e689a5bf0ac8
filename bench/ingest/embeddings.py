"""Conversation-embedding benchmark: our Embedder per backend against a plain
`SentenceTransformer(model).encode(texts)` of the same texts, in the same run.

The texts are the conversation texts of a synthetic world (the project's generator,
seed 42). Every measurement runs in a fresh child process, so its peak RSS is its own:
it loads the model, warms it on the first WARMUP texts (the plain peer too), then encodes
every text once, timed. Cosine is taken against the plain encode's vectors. With
`--graph` the workers' embedder also runs end to end on the local Neo4j: N Conversation
nodes (ids under a bench prefix) are created, embedded by `embed_pending` (read, encode,
write, vector index), timed, and removed again.

Run: `.venv/bin/python -m bench.ingest.embeddings --texts 20000 [--graph]`

On a machine without the generator's inputs (the GPU machine), `--texts-file` reads the
texts from a JSON list written here, and `--reference-vectors` adds each run's cosine to
fp32 vectors of the first texts encoded elsewhere by the plain model (`--write-reference`
makes that file): docs/embeddings.md, "GPU".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "ingest-embeddings.json"
WORK = ROOT / "bench" / "work" / "embeddings"
SEED = 42
# Texts encoded before timing starts (kernel selection, allocator warm-up), both sides.
WARMUP = 256
# Conversation nodes written per transaction when the graph run sets up and cleans up.
FIXTURE_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Run:
    """One measured configuration of our Embedder."""

    name: str
    backend: str
    dedupe: bool = False
    threads: int = 0
    # 0: the workers' default for the device (ingest.embeddings.default_batch_size).
    batch_size: int = 0


# Configurations measured by default; `auto+dedupe` is what the workers run.
RUNS = {
    "torch": Run("torch", "torch"),
    "torch-bf16": Run("torch-bf16", "torch-bf16"),
    "torch-int8": Run("torch-int8", "torch-int8"),
    "torch-fp16": Run("torch-fp16", "torch-fp16"),
    "onnx": Run("onnx", "onnx"),
    "torch-bf16-1thread": Run("torch-bf16-1thread", "torch-bf16", threads=1),
    "auto": Run("auto", "auto"),
    "auto+dedupe": Run("auto+dedupe", "auto", dedupe=True),
}
DEFAULT_RUNS = ("torch", "torch-bf16", "torch-int8", "onnx", "auto+dedupe")


def conversation_texts(count: int) -> list[str]:
    """The first `count` conversation texts of seed-42 worlds, grown until there are enough."""
    from ingest.synthetic.writer import generate_world

    people = max(100, count // 3)
    while True:
        world = WORK / f"world-{people}-{SEED}"
        if not (world / "manifest.json").exists():
            generate_world(people=people, seed=SEED, out_dir=world, workers=2)
        texts = _texts_in(world)
        if len(texts) >= count:
            return texts[:count]
        people *= 2


def _texts_in(world: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(world.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("kind") == "conversation" and record.get("text"):
                    texts.append(record["text"])
    return texts


def peak_rss_mb() -> float:
    """This process's peak resident memory (ru_maxrss is KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _plain_encoder() -> Callable[[list[str]], Any]:
    from sentence_transformers import SentenceTransformer

    from ingest.text_similarity import bundled_model_path

    model = SentenceTransformer(bundled_model_path())
    return lambda texts: model.encode(texts)


def _our_encoder(run: Run) -> Callable[[list[str]], Any]:
    from graph_service.settings import EmbeddingBackend
    from ingest.embeddings import (
        Embedder,
        EmbedderConfig,
        default_batch_size,
        resolve_backend,
        resolve_device,
    )

    device = resolve_device(None)
    backend = resolve_backend(EmbeddingBackend(run.backend), device)
    batch_size = run.batch_size or default_batch_size(device)
    config = EmbedderConfig(
        model="", device=device, backend=backend, batch_size=batch_size, threads=run.threads
    )
    return Embedder.load(config, dedupe=run.dedupe).encode


def measure(
    run: Run | None, texts_file: str, vectors_file: str, repeats: int, threads: int = 0
) -> dict[str, Any]:
    """Child process: load, warm up, encode every text `repeats` times (each timed), save
    the vectors. The best repeat is the figure: other people's load only ever slows one."""
    texts: list[str] = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    if threads:
        import torch

        torch.set_num_threads(threads)
    started = time.perf_counter()
    encode = _plain_encoder() if run is None else _our_encoder(run)
    load_s = time.perf_counter() - started
    encode(texts[:WARMUP])
    load_before = os.getloadavg()[0]
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        vectors = np.asarray(encode(texts), dtype=np.float32)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    np.save(vectors_file, vectors)
    return {
        "texts_per_s": round(len(texts) / min(walls), 1),
        "texts_per_s_median": round(len(texts) / float(np.median(walls)), 1),
        "seconds": [round(wall, 2) for wall in walls],
        # Less sensitive than wall time to other processes on a shared machine.
        "texts_per_cpu_s": round(len(texts) / min(cpus), 1),
        "load_s": round(load_s, 2),
        "peak_rss_mb": peak_rss_mb(),
        "loadavg_1m_before": round(load_before, 2),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
    }


def _in_child(func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        result: dict[str, Any] = pool.submit(func, *args).result()
    return result


def cosines(vectors: np.ndarray[Any, Any], reference: np.ndarray[Any, Any]) -> dict[str, float]:
    """Minimum and mean row-wise cosine between two matrices of the same texts."""
    a = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    b = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    values = np.sum(a * b, axis=1)
    return {
        "cosine_min": round(float(values.min()), 5),
        "cosine_mean": round(float(values.mean()), 6),
    }


def onnx_missing() -> list[str]:
    """Packages sentence-transformers' ONNX backend needs that are not installed."""
    from ingest.embeddings import ONNX_PACKAGES

    return [name for name in ONNX_PACKAGES if importlib.util.find_spec(name) is None]


def compare_backends(
    texts: Sequence[str],
    runs: Sequence[Run] | None = None,
    repeats: int = 1,
    threads: int = 0,
    exact: np.ndarray[Any, Any] | None = None,
) -> dict[str, Any]:
    """The plain peer, then each run of ours, on `texts`, each in its own process: texts/s,
    ratio to plain, cosine to the plain vectors, peak RSS. Used by bench.ingest.run too.
    `exact`: reference vectors of the first texts; each run's cosine to them is added."""
    runs = [RUNS[name] for name in DEFAULT_RUNS] if runs is None else runs
    WORK.mkdir(parents=True, exist_ok=True)
    texts_file = WORK / f"texts-{len(texts)}.json"
    texts_file.write_text(json.dumps(list(texts)), encoding="utf-8")
    reference_file = WORK / "vectors-plain.npy"
    plain = _in_child(measure, None, str(texts_file), str(reference_file), repeats, threads)
    print(f"{'plain encode':>20}       {plain['texts_per_s']:>8.1f} texts/s", flush=True)
    reference = np.load(reference_file)
    if exact is not None:
        plain.update(_exact_cosines(reference, exact))
    results = []
    for run in runs:
        if run.backend == "onnx" and (missing := onnx_missing()):
            results.append({**asdict(run), "skipped": f"not installed: {', '.join(missing)}"})
            print(f"{run.name:>20} skipped: {', '.join(missing)} not installed", flush=True)
            continue
        vectors_file = WORK / f"vectors-{run.name}-{run.batch_size}.npy"
        result = _in_child(measure, run, str(texts_file), str(vectors_file), repeats, threads)
        result["ratio_to_plain"] = round(result["texts_per_s"] / plain["texts_per_s"], 2)
        result["cpu_ratio_to_plain"] = round(
            result["texts_per_cpu_s"] / plain["texts_per_cpu_s"], 2
        )
        vectors = np.load(vectors_file)
        result.update(cosines(vectors, reference))
        if exact is not None:
            result.update(_exact_cosines(vectors, exact))
        results.append({**asdict(run), **result})
        print(_line(run.name, run.batch_size, result), flush=True)
    return {
        "texts": len(texts),
        "unique_texts": len(set(texts)),
        "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1),
        "warmup_texts": WARMUP,
        "repeats": repeats,
        "torch_threads": threads or "default",
        "plain": plain,
        "ours": results,
    }


def _exact_cosines(vectors: np.ndarray[Any, Any], exact: np.ndarray[Any, Any]) -> dict[str, float]:
    """Cosine of the first rows to reference vectors made elsewhere (`--write-reference`)."""
    found = cosines(vectors[: len(exact)], exact)
    return {f"exact_{key}": value for key, value in found.items()} | {"exact_texts": len(exact)}


def _exact_text(result: dict[str, Any]) -> str:
    if "exact_cosine_min" not in result:
        return ""
    return f"exact cos min {result['exact_cosine_min']:.4f}  "


def write_reference(texts: Sequence[str], path: Path) -> None:
    """fp32 vectors of `texts` by the bundled model on this machine's CPU, one row per text
    (equal texts encoded once: the reference of a text does not depend on its neighbours)."""
    from graph_service.settings import EmbeddingBackend
    from ingest.embeddings import Embedder, EmbedderConfig

    config = EmbedderConfig(model="", device="cpu", backend=EmbeddingBackend.TORCH)
    np.save(path, Embedder.load(config, dedupe=True).encode(texts))


def _line(name: str, batch_size: int, result: dict[str, Any]) -> str:
    return (
        f"{name:>20} bs{batch_size or 'dev':<4} {result['texts_per_s']:>8.1f} texts/s  "
        f"x{result['ratio_to_plain']:<5} (cpu x{result['cpu_ratio_to_plain']:<5}) "
        f"cos min {result['cosine_min']:.4f} "
        f"mean {result['cosine_mean']:.5f}  {_exact_text(result)}rss {result['peak_rss_mb']} MB  "
        f"load {result['loadavg_1m_before']}"
    )


def bench_graph(texts_file: str) -> dict[str, Any]:
    """Child process: embed_pending end to end on the local Neo4j, on nodes it creates."""
    from graph_service.db import GraphClient, create_driver
    from graph_service.settings import Settings
    from ingest.embeddings import embed_pending, load_conversation_embedder

    texts: list[str] = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    settings = Settings()
    graph = GraphClient.for_settings(create_driver(settings), settings)
    embedder = load_conversation_embedder(settings)
    assert embedder is not None, "GRAPH_CONVERSATION_EMBEDDINGS is off"
    embedder.encode(texts[:WARMUP])
    prefix = f"bench-embeddings-{uuid.uuid4().hex[:8]}-"
    ids = [f"{prefix}{index}" for index in range(len(texts))]
    try:
        rows = [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)]
        for start in range(0, len(rows), FIXTURE_BATCH):
            batch = rows[start : start + FIXTURE_BATCH]
            graph.write("embeddings/fixture_conversations", rows=batch)
        started = time.perf_counter()
        stored = embed_pending(graph, embedder, id_prefix=prefix)
        seconds = time.perf_counter() - started
        idle_started = time.perf_counter()
        again = embed_pending(graph, embedder, id_prefix=prefix)
        idle_s = time.perf_counter() - idle_started
    finally:
        for start in range(0, len(ids), FIXTURE_BATCH):
            graph.write("embeddings/fixture_delete", ids=ids[start : start + FIXTURE_BATCH])
    return {
        "backend": str(embedder.config.backend),
        "conversations": stored,
        "seconds": round(seconds, 2),
        "conversations_per_s": round(stored / seconds, 1),
        "second_call_embedded": again,
        "second_call_s": round(idle_s, 3),
        "peak_rss_mb": peak_rss_mb(),
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import sentence_transformers
    import torch

    from ingest.embeddings import BF16_CPU_FLAGS, read_cpu_flags

    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "native_bf16": sorted(read_cpu_flags() & BF16_CPU_FLAGS),
        "cuda": torch.cuda.is_available(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "sentence_transformers": sentence_transformers.__version__,
    }


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.machine()
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.machine()


def main(argv: Sequence[str] | None = None) -> None:
    """Parse arguments, run the benchmark, print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--runs", nargs="+", choices=sorted(RUNS), default=list(DEFAULT_RUNS))
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[0], help="0: device's")
    parser.add_argument("--repeats", type=int, default=1, help="timed encodes; best counts")
    parser.add_argument("--threads", type=int, default=0, help="torch threads, peer too")
    parser.add_argument("--graph", action="store_true", help="also embed_pending on Neo4j")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--texts-file", type=Path, help="JSON list of texts (not generated)")
    parser.add_argument("--reference-vectors", type=Path, help="exact vectors of first texts")
    parser.add_argument("--write-reference", type=int, metavar="N", help="write them, stop")
    args = parser.parse_args(argv)
    texts = (
        json.loads(args.texts_file.read_text(encoding="utf-8"))[: args.texts]
        if args.texts_file
        else conversation_texts(args.texts)
    )
    if args.write_reference:
        write_reference(texts[: args.write_reference], args.out)
        print(f"wrote {args.out}")
        return
    exact = np.load(args.reference_vectors) if args.reference_vectors else None
    runs = [replace(RUNS[name], batch_size=size) for name in args.runs for size in args.batch_sizes]
    report: dict[str, Any] = {
        "benchmark": "conversation embeddings",
        "machine": machine(),
        "seed": SEED,
        **compare_backends(texts, runs, args.repeats, args.threads, exact),
    }
    if args.graph:
        report["graph"] = _in_child(bench_graph, str(WORK / f"texts-{len(texts)}.json"))
        print(f"graph: {report['graph']}", flush=True)
    report["command"] = "python -m bench.ingest.embeddings " + " ".join(argv or sys.argv[1:])
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
