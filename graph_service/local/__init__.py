"""Locally managed Neo4j and Redis servers, without Docker: the process plumbing they share.

The public entry points live in `graph_service.local.neo4j_server`,
`graph_service.local.redis_server` and, with the click groups, `graph_service.local.cli`.
This module holds only what both servers need: ports, pid files, liveness, folders.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph_service.errors import LocalServiceError

# Every local server listens on loopback only: they run without TLS.
LOOPBACK = "127.0.0.1"

# Popen handles of servers started by this interpreter, by pid: keeping them lets us reap a
# server that exits while we still run (no zombie, no "still running" ResourceWarning).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ServiceStatus:
    """What `status` reports about one local server."""

    name: str
    version: str
    running: bool
    pid: int | None
    ports: dict[str, int] = field(default_factory=dict)
    home: Path | None = None

    def describe(self) -> str:
        """One human line: name, version, state, pid and ports."""
        ports = ", ".join(f"{name} {LOOPBACK}:{port}" for name, port in self.ports.items())
        state = f"running (pid {self.pid})" if self.running else "stopped"
        where = f", home {self.home}" if self.home else ""
        return f"{self.name} {self.version}: {state}; {ports}{where}"


def ensure_port_free(port: int, *, service: str, setting: str) -> None:
    """Raise LocalServiceError when another process already listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # SO_REUSEADDR as the servers use it: TIME_WAIT leftovers of a restart are no conflict.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as e:
            raise LocalServiceError(
                f"port {port} ({service}) on {LOOPBACK} is already in use by another process; "
                f"stop it (find it with `ss -ltnp 'sport = :{port}'`) or set {setting} "
                "to a free port"
            ) from e


def ensure_writable(folder: Path, *, what: str) -> None:
    """Create folder if needed and prove it writable, or raise LocalServiceError."""
    remedy = "fix its permissions or set GRAPH_LOCAL_DIR to a writable folder"
    if folder.exists() and not folder.is_dir():
        raise LocalServiceError(f"{what} {folder} is a file, not a folder; remove it or {remedy}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A real write, not os.access: access() says yes to root even on read-only mounts.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise LocalServiceError(f"{what} {folder} is not writable ({e.strerror}); {remedy}") from e


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in pid_file, or None when absent or garbled."""
    try:
        return int(pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def process_alive(pid: int) -> bool:
    """True while pid is a live (not zombie) process."""
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _proc_state(pid) != "Z"


def _proc_state(pid: int) -> str | None:
    """The one-letter state from /proc/<pid>/stat, or None where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name in parentheses may hold spaces; the state follows the last ')'.
    return stat.rpartition(")")[2].split()[0]


def process_matches(pid: int, *needles: str) -> bool:
    """True when pid is alive and its command line holds every needle (guards pid reuse)."""
    if not process_alive(pid):
        return False
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        # No /proc (macOS): trust the pid file rather than report a live server as stopped.
        return True
    cmdline = raw.replace(b"\0", b" ").decode("utf-8", errors="replace")
    return all(needle in cmdline for needle in needles)


def spawn_detached(args: Sequence[str], *, log_file: Path, cwd: Path) -> int:
    """Start args in its own session with its output in log_file (truncated); return its pid."""
    with log_file.open("wb") as log:
        # A new session: Ctrl-C in the starting terminal must not reach the server.
        child = subprocess.Popen(
            list(args),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _CHILDREN[child.pid] = child
    return child.pid


def wait_until(check: Callable[[], bool], *, timeout_s: float, interval_s: float = 0.2) -> bool:
    """Call check until it returns True or timeout_s passes; return its last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def terminate(pid: int, *, timeout_s: float, kill_timeout_s: float = 10.0) -> bool:
    """SIGTERM pid, wait timeout_s, then SIGKILL; True when it stopped gracefully."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_until(lambda: not process_alive(pid), timeout_s=timeout_s):
        _CHILDREN.pop(pid, None)
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if not wait_until(lambda: not process_alive(pid), timeout_s=kill_timeout_s):
        raise LocalServiceError(f"process {pid} survived SIGKILL; check it with `ps -p {pid}`")
    _CHILDREN.pop(pid, None)
    return False


def tail(path: Path, *, lines: int = 5) -> str:
    """The last lines of a log file, joined with ' | ', or '' when unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports nothing listens on right now: all are held open
    together while chosen, since one port closed and asked for again may come back."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((LOOPBACK, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def apt_install(package: str, *, hint: str, announce: Callable[[str], None] | None = None) -> None:
    """Install a Debian package non-interactively; only root with apt-get may, else the hint.

    `announce` hears "installing <package> with apt-get" once installing really starts.
    """
    apt_get = shutil.which("apt-get")
    if apt_get is None or os.geteuid() != 0:
        raise LocalServiceError(f"{package} is not installed; {hint}")
    if announce is not None:
        announce(f"installing {package} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in ([apt_get, "update", "-q"], [apt_get, "install", "-y", "-q", package]):
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise LocalServiceError(f"`{' '.join(args[1:])}` failed: {last[0]}")
