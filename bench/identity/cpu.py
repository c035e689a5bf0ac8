"""CPU time of the benchmark's processes: the Neo4j server's and a writer's own."""

from __future__ import annotations

import os
import resource
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def neo4j_cpu_seconds() -> float:
    """The local Neo4j server's user + system CPU time so far (from /proc)."""
    from graph_service.local.neo4j_server import _running_pid, neo4j_layout
    from graph_service.settings import Settings

    pid = _running_pid(neo4j_layout(Settings()))
    if pid is None:
        raise RuntimeError("the local Neo4j is not running: graph-service neo4j start")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def own_cpu_seconds() -> float:
    """This process's user + system CPU time so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
