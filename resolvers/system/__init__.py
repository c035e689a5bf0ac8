"""Service-level fields: version, environment, applied schema migrations."""
