"""Synthetic demo worlds in the ingest contract, with ground truth, byte-stable per seed."""

from ingest.synthetic.writer import GENERATOR_VERSION, WorldSummary, generate_world

__all__ = ["GENERATOR_VERSION", "WorldSummary", "generate_world"]
