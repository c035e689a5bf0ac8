"""Customer intelligence graph service: wiring, settings, CLI and Neo4j access."""

__version__ = "0.1.0"
