"""Identity resolution core: normalising, matching and clustering identifiers (pure, no I/O)."""
