"""Ingest benchmarks: conversation embeddings against a plain SentenceTransformer.encode."""
