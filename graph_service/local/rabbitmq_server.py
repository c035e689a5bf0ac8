"""A real RabbitMQ node (Debian's rabbitmq-server, Erlang from apt) run locally without Docker.

Only for GRAPH_BROKER=rabbitmq (docs/brokers.md). The node runs as the current user (root
included), bypassing Debian's wrapper that switches to the `rabbitmq` user, and every path
it uses lives in its own home, so it shares nothing with a system RabbitMQ:

    <local_dir>/rabbitmq/
        rabbitmq.conf  rabbitmq-env.conf  enabled_plugins  rabbitmq.pid  rabbitmq.out
        .erlang.cookie  log/  mnesia/ (durable queues and messages)
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pika  # type: ignore[import-untyped]  # no stubs
import pika.exceptions  # type: ignore[import-untyped]

from graph_service.errors import LocalServiceError
from graph_service.local import (
    LOOPBACK,
    ServiceStatus,
    apt_install,
    ensure_port_free,
    ensure_writable,
    free_port,
    process_alive,
    process_matches,
    read_pid,
    spawn_detached,
    tail,
    terminate,
)
from graph_service.settings import Settings

logger = logging.getLogger(__name__)

# Seconds to wait for AMQP to accept a login after launching, and for a graceful stop.
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 60.0
# The node's own start script (Debian puts a user-switching wrapper on PATH instead).
SERVER_SCRIPT = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
# Debian's package enables and starts a system node on 5672; `--install` turns it off.
SYSTEM_SERVICE = "rabbitmq-server"
INSTALL_HINT = (
    "install it with `sudo apt-get install -y rabbitmq-server` (Debian/Ubuntu), "
    "or run `graph-service rabbitmq start --install` as root"
)
# RabbitMQ closes the channel of a delivery unacknowledged this long (its default: 30 min);
# a chunk may run the ingest time limit and a delayed retry is held up to the max backoff.
MIN_CONSUMER_TIMEOUT_MS = 30 * 60 * 1000


@dataclass(frozen=True)
class RabbitmqLayout:
    """Where the local RabbitMQ keeps its config, pid, logs and data."""

    home: Path

    @property
    def conf_file(self) -> Path:
        """rabbitmq.conf (new-style format), rewritten on every start."""
        return self.home / "rabbitmq.conf"

    @property
    def env_file(self) -> Path:
        """An empty rabbitmq-env.conf, so /etc/rabbitmq/rabbitmq-env.conf is not read."""
        return self.home / "rabbitmq-env.conf"

    @property
    def plugins_file(self) -> Path:
        """enabled_plugins: none (no management UI)."""
        return self.home / "enabled_plugins"

    @property
    def pid_file(self) -> Path:
        """The pid of the start script, which stops the node gracefully on SIGTERM."""
        return self.home / "rabbitmq.pid"

    @property
    def out_file(self) -> Path:
        """The start script's stdout and stderr."""
        return self.home / "rabbitmq.out"

    @property
    def logs(self) -> Path:
        """The node's log folder."""
        return self.home / "log"

    @property
    def log_file(self) -> Path:
        """The node log."""
        return self.logs / "rabbit.log"

    @property
    def mnesia(self) -> Path:
        """Durable queues, messages and the node's schema."""
        return self.home / "mnesia"


def rabbitmq_layout(settings: Settings) -> RabbitmqLayout:
    """The layout under settings.local_dir."""
    return RabbitmqLayout(home=(settings.local_dir / "rabbitmq").resolve())


def node_name(settings: Settings) -> str:
    """The Erlang node name, one per port so several local nodes can run side by side."""
    return f"graph-service-{settings.rabbitmq_port}@localhost"


def consumer_timeout_ms(settings: Settings) -> int:
    """RabbitMQ's delivery acknowledgement timeout: above any chunk's run plus a retry wait."""
    needed = 2 * (int(settings.ingest_time_limit_s * 1000) + settings.ingest_max_backoff_ms)
    return max(MIN_CONSUMER_TIMEOUT_MS, needed)


def render_rabbitmq_conf(settings: Settings, layout: RabbitmqLayout) -> str:
    """rabbitmq.conf for the local node: loopback only, file log, consumer timeout."""
    lines = [
        "# Written by graph-service on every `rabbitmq start`; edits here are overwritten.",
        f"listeners.tcp.1 = {LOOPBACK}:{settings.rabbitmq_port}",
        # The default guest/guest account may log in from loopback only: that is all we use.
        "loopback_users.guest = true",
        f"log.file = {layout.log_file}",
        "log.file.level = info",
        "log.console = false",
        f"consumer_timeout = {consumer_timeout_ms(settings)}",
    ]
    return "\n".join(lines) + "\n"


def rabbitmq_env(settings: Settings, layout: RabbitmqLayout, *, dist_port: int) -> dict[str, str]:
    """The node's environment on top of ours: every path in its home, its ports, its name."""
    return {
        # The Erlang cookie is written to $HOME; keep it out of root's home.
        "HOME": str(layout.home),
        "RABBITMQ_CONF_ENV_FILE": str(layout.env_file),
        "RABBITMQ_CONFIG_FILE": str(layout.conf_file),
        "RABBITMQ_ADVANCED_CONFIG_FILE": str(layout.home / "advanced.config"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(layout.plugins_file),
        "RABBITMQ_MNESIA_BASE": str(layout.mnesia),
        "RABBITMQ_LOG_BASE": str(layout.logs),
        "RABBITMQ_LOGS": str(layout.log_file),
        "RABBITMQ_PID_FILE": str(layout.home / "beam.pid"),
        "RABBITMQ_NODENAME": node_name(settings),
        "RABBITMQ_NODE_IP_ADDRESS": LOOPBACK,
        "RABBITMQ_NODE_PORT": str(settings.rabbitmq_port),
        # Default: AMQP port + 20000, past 65535 for high ports; pick a free one instead.
        "RABBITMQ_DIST_PORT": str(dist_port),
    }


def write_rabbitmq_files(settings: Settings, layout: RabbitmqLayout) -> None:
    """Write rabbitmq.conf, the empty env file and enabled_plugins."""
    layout.home.mkdir(parents=True, exist_ok=True)
    layout.logs.mkdir(parents=True, exist_ok=True)
    layout.conf_file.write_text(render_rabbitmq_conf(settings, layout), encoding="utf-8")
    layout.env_file.write_text("# Intentionally empty: see rabbitmq.conf.\n", encoding="utf-8")
    layout.plugins_file.write_text("[].\n", encoding="utf-8")


def find_rabbitmq_server() -> Path | None:
    """The node start script, if rabbitmq-server is installed."""
    return SERVER_SCRIPT if SERVER_SCRIPT.exists() else None


def ensure_rabbitmq_installed(*, progress: Callable[[str], None] | None = None) -> Path:
    """Return the start script, installing Debian's package with apt-get first when root.

    The package enables and starts a system node on port 5672; that node is stopped and
    disabled right after installing, so it never holds the port of ours.
    """
    script = find_rabbitmq_server()
    if script is not None:
        return script
    apt_install("rabbitmq-server", hint=INSTALL_HINT, announce=progress)
    _disable_system_service()
    script = find_rabbitmq_server()
    if script is None:
        raise LocalServiceError(f"apt-get installed rabbitmq-server but {SERVER_SCRIPT} is missing")
    return script


def _disable_system_service() -> None:
    """Stop and disable the node Debian's package started (systemd or SysV init)."""
    if Path("/run/systemd/system").is_dir() and shutil.which("systemctl"):
        commands = [["systemctl", "disable", "--now", f"{SYSTEM_SERVICE}.service"]]
    else:
        commands = [
            [f"/etc/init.d/{SYSTEM_SERVICE}", "stop"],
            ["update-rc.d", SYSTEM_SERVICE, "disable"],
        ]
    for args in commands:
        if shutil.which(args[0]) or Path(args[0]).exists():
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run(args, capture_output=True, timeout=120, check=False)


def start_rabbitmq(settings: Settings, *, timeout_s: float = START_TIMEOUT_S) -> None:
    """Configure and start the node; return when an AMQP login succeeds. Idempotent."""
    layout = rabbitmq_layout(settings)
    pid = _running_pid(layout)
    if pid is not None:
        logger.info("RabbitMQ already running (pid %d)", pid)
        _wait_for_amqp(settings, layout, pid, timeout_s=timeout_s)
        return
    script = find_rabbitmq_server()
    if script is None:
        raise LocalServiceError(f"rabbitmq-server is not installed; {INSTALL_HINT}")
    ensure_port_free(settings.rabbitmq_port, service="RabbitMQ", setting="GRAPH_RABBITMQ_PORT")
    ensure_writable(layout.mnesia, what="RabbitMQ data folder")
    write_rabbitmq_files(settings, layout)
    env = rabbitmq_env(settings, layout, dist_port=free_port())
    pid = _spawn(script, env, layout)
    layout.pid_file.write_text(f"{pid}\n", encoding="ascii")
    _wait_for_amqp(settings, layout, pid, timeout_s=timeout_s)
    logger.info("RabbitMQ started on %s:%d", LOOPBACK, settings.rabbitmq_port)


def stop_rabbitmq(settings: Settings, *, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Stop the node gracefully (SIGTERM to its start script); True when one was running."""
    layout = rabbitmq_layout(settings)
    pid = _running_pid(layout)
    if pid is None:
        return False
    terminate(pid, timeout_s=timeout_s)
    layout.pid_file.unlink(missing_ok=True)
    return True


def rabbitmq_status(settings: Settings) -> ServiceStatus:
    """Whether the local node runs, with its pid, port and version."""
    layout = rabbitmq_layout(settings)
    pid = _running_pid(layout)
    return ServiceStatus(
        name="rabbitmq",
        version=_rabbitmq_version(),
        running=pid is not None,
        pid=pid,
        ports={"amqp": settings.rabbitmq_port},
        home=layout.home,
    )


def _running_pid(layout: RabbitmqLayout) -> int | None:
    """The pid of our node's start script while it runs, else None."""
    pid = read_pid(layout.pid_file)
    if pid is not None and process_matches(pid, "rabbitmq-server"):
        return pid
    return None


def _spawn(script: Path, env: dict[str, str], layout: RabbitmqLayout) -> int:
    """Run the start script in the background under env (env(1) execs it: same pid)."""
    assignments = [f"{name}={value}" for name, value in env.items()]
    return spawn_detached(
        ["env", *assignments, str(script)], log_file=layout.out_file, cwd=layout.home
    )


def amqp_answers(url: str) -> bool:
    """True when an AMQP login at url succeeds (pika's logging of failed tries muted)."""
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = 2.0
    try:
        # A refused port is the common answer while the node boots: no pika round for it.
        socket.create_connection((params.host, params.port), timeout=2.0).close()
    except OSError:
        return False
    pika_logger = logging.getLogger("pika")
    level = pika_logger.level
    pika_logger.setLevel(logging.CRITICAL + 1)
    try:
        pika.BlockingConnection(params).close()
    except (pika.exceptions.AMQPError, OSError):
        return False
    finally:
        pika_logger.setLevel(level)
    return True


def local_url(settings: Settings) -> str:
    """The guest URL of the local node (loopback, default vhost)."""
    return f"amqp://guest:guest@{LOOPBACK}:{settings.rabbitmq_port}/%2F"


def _wait_for_amqp(
    settings: Settings, layout: RabbitmqLayout, pid: int, *, timeout_s: float
) -> None:
    """Poll an AMQP login; fail fast with the logs when the node dies, or at timeout."""
    url = local_url(settings)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not process_alive(pid):
            layout.pid_file.unlink(missing_ok=True)
            raise LocalServiceError(f"RabbitMQ exited while starting: {_failure(layout)}")
        if amqp_answers(url):
            return
        time.sleep(0.25)
    raise LocalServiceError(
        f"RabbitMQ did not accept an AMQP login on {LOOPBACK}:{settings.rabbitmq_port} within "
        f"{timeout_s:.0f} s: {_failure(layout)}"
    )


def _failure(layout: RabbitmqLayout) -> str:
    """The last lines of the node log and the script output, with where to look."""
    logs = tail(layout.log_file) or tail(layout.out_file) or "no log output"
    return f"{logs} (logs: {layout.log_file}, {layout.out_file})"


def _rabbitmq_version() -> str:
    """The installed rabbitmq-server version, read from its folder name, or 'not installed'."""
    script = find_rabbitmq_server()
    if script is None:
        return "not installed"
    match = re.search(r"rabbitmq_server-([\w.]+)", str(script.resolve()))
    return match.group(1) if match else "unknown"
