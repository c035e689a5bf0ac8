"""A real Redis server (Debian's redis-server) run locally without Docker.

Layout:

    <local_dir>/redis/
        redis.conf  redis.pid  redis.log  data/ (dump.rdb, appendonlydir/)
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph_service.errors import LocalServiceError
from graph_service.local import (
    LOOPBACK,
    ServiceStatus,
    apt_install,
    ensure_port_free,
    ensure_writable,
    process_alive,
    process_matches,
    read_pid,
    tail,
    terminate,
    wait_until,
)
from graph_service.settings import Settings

logger = logging.getLogger(__name__)

# Seconds to wait for PING after launching, and for the process to go after SHUTDOWN.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
# What to tell a user without the binary (and without root to install it).
INSTALL_HINT = (
    "install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), "
    "or run `graph-service redis start --install` as root"
)


@dataclass(frozen=True)
class RedisLayout:
    """Where the local Redis keeps its config, pid, log and data."""

    home: Path

    @property
    def conf_file(self) -> Path:
        """redis.conf, rewritten on every start."""
        return self.home / "redis.conf"

    @property
    def pid_file(self) -> Path:
        """Written by redis-server itself (daemonize yes)."""
        return self.home / "redis.pid"

    @property
    def log_file(self) -> Path:
        """The server log."""
        return self.home / "redis.log"

    @property
    def data(self) -> Path:
        """dump.rdb and the append-only files."""
        return self.home / "data"


def redis_layout(settings: Settings) -> RedisLayout:
    """The layout under settings.local_dir."""
    return RedisLayout(home=(settings.local_dir / "redis").resolve())


def render_redis_conf(settings: Settings, layout: RedisLayout) -> str:
    """redis.conf for the local server: loopback, AOF on, never evict queued messages."""
    lines = [
        "# Written by graph-service on every `redis start`; edits here are overwritten.",
        f"bind {LOOPBACK}",
        "protected-mode yes",
        f"port {settings.redis_port}",
        "daemonize yes",
        f"pidfile {layout.pid_file}",
        f"logfile {layout.log_file}",
        f"dir {layout.data}",
        # Queues live here: a restart must lose nothing, and memory pressure must fail
        # writes loudly rather than silently drop messages.
        "appendonly yes",
        "appendfsync everysec",
        f"maxmemory {settings.redis_maxmemory}",
        "maxmemory-policy noeviction",
        "always-show-logo no",
    ]
    return "\n".join(lines) + "\n"


def write_redis_conf(settings: Settings, layout: RedisLayout) -> Path:
    """Write redis.conf from settings and return its path."""
    layout.home.mkdir(parents=True, exist_ok=True)
    layout.conf_file.write_text(render_redis_conf(settings, layout), encoding="utf-8")
    return layout.conf_file


def find_redis_server() -> Path | None:
    """The redis-server binary on PATH (or in /usr/sbin, /usr/bin), if any."""
    found = shutil.which("redis-server") or shutil.which(
        "redis-server", path=os.pathsep.join(["/usr/sbin", "/usr/bin", "/usr/local/bin"])
    )
    return Path(found) if found else None


def ensure_redis_installed() -> Path:
    """Return redis-server, installing Debian's package with apt-get first when root."""
    binary = find_redis_server()
    if binary is not None:
        return binary
    apt_install("redis-server", hint=INSTALL_HINT, announce=logger.info)
    binary = find_redis_server()
    if binary is None:
        raise LocalServiceError("apt-get installed redis-server but it is not on PATH")
    return binary


def start_redis(settings: Settings, *, timeout_s: float = START_TIMEOUT_S) -> None:
    """Configure and start Redis; return when PING answers. Idempotent."""
    layout = redis_layout(settings)
    pid = _running_pid(settings, layout)
    if pid is not None:
        logger.info("Redis already running (pid %d)", pid)
        _wait_for_ping(settings, layout, timeout_s=timeout_s)
        return
    binary = find_redis_server()
    if binary is None:
        raise LocalServiceError(f"redis-server is not installed; {INSTALL_HINT}")
    ensure_port_free(settings.redis_port, service="Redis", setting="GRAPH_REDIS_PORT")
    ensure_writable(layout.data, what="Redis data folder")
    layout.pid_file.unlink(missing_ok=True)
    _launch(binary, write_redis_conf(settings, layout), layout)
    _wait_for_ping(settings, layout, timeout_s=timeout_s)
    logger.info("Redis started on %s:%d", LOOPBACK, settings.redis_port)


def stop_redis(settings: Settings, *, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Stop the local Redis with SHUTDOWN (AOF flushed); True when one was running."""
    layout = redis_layout(settings)
    pid = _running_pid(settings, layout)
    if pid is None:
        return False
    _send_shutdown(settings)
    if not wait_until(lambda: not process_alive(pid), timeout_s=timeout_s):
        logger.warning("Redis (pid %d) ignored SHUTDOWN; sending SIGTERM", pid)
        terminate(pid, timeout_s=timeout_s)
    layout.pid_file.unlink(missing_ok=True)
    return True


def redis_status(settings: Settings) -> ServiceStatus:
    """Whether the local Redis runs, with its pid, port and version."""
    layout = redis_layout(settings)
    pid = _running_pid(settings, layout)
    return ServiceStatus(
        name="redis",
        version=_redis_version(),
        running=pid is not None,
        pid=pid,
        ports={"redis": settings.redis_port},
        home=layout.home,
    )


def _running_pid(settings: Settings, layout: RedisLayout) -> int | None:
    """The pid of our server when it runs, else None."""
    pid = read_pid(layout.pid_file)
    # Redis rewrites its process title to "redis-server 127.0.0.1:<port>".
    if pid is not None and process_matches(pid, "redis", f":{settings.redis_port}"):
        return pid
    return None


def _launch(binary: Path, conf: Path, layout: RedisLayout) -> None:
    """Run redis-server, which forks into the background (daemonize yes) and returns."""
    done = subprocess.run(
        [str(binary), str(conf)], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or tail(layout.log_file)
        raise LocalServiceError(f"redis-server failed to start: {reason}")


def _wait_for_ping(settings: Settings, layout: RedisLayout, *, timeout_s: float) -> None:
    """Poll PING; fail with the log's last lines when the server does not come up."""
    client = _client(settings, socket_timeout=2.0)
    try:
        if wait_until(lambda: _pings(client), timeout_s=timeout_s):
            return
    finally:
        client.close()
    raise LocalServiceError(
        f"Redis did not answer PING on {LOOPBACK}:{settings.redis_port} within "
        f"{timeout_s:.0f} s: {tail(layout.log_file) or 'no log output'} (log: {layout.log_file})"
    )


def _client(settings: Settings, *, socket_timeout: float) -> redis.Redis[bytes]:
    """A client without retries: a dropped connection is an answer here (SHUTDOWN, PING)."""
    return redis.Redis(
        host=LOOPBACK,
        port=settings.redis_port,
        socket_timeout=socket_timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _pings(client: redis.Redis[bytes]) -> bool:
    """True when the server answers PING."""
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _send_shutdown(settings: Settings) -> None:
    """Ask Redis to flush the AOF and exit; a dropped connection is the expected answer."""
    client = _client(settings, socket_timeout=5.0)
    try:
        client.shutdown()
    except redis.ConnectionError:
        pass
    except redis.RedisError as e:
        logger.warning("Redis refused SHUTDOWN (%s); falling back to SIGTERM", e)
    finally:
        client.close()


def _redis_version() -> str:
    """The version of the installed redis-server, or 'not installed'."""
    binary = find_redis_server()
    if binary is None:
        return "not installed"
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(r"v=(\S+)", done.stdout)
    return match.group(1) if match else "unknown"
