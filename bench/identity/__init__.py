"""Identity-resolution benchmark: worlds, scoring and a Splink peer to compare against."""
