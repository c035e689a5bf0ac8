"""A real Neo4j Community server assembled from Maven Central with Maven, run without Docker.

Layout (the install is shared; the home may be moved, e.g. by tests, with `home=`):

    <local_dir>/neo4j-<version>/          install and default home
        build/pom.xml  lib/  plugins/  assembly.json
        conf/neo4j.conf  data/  logs/  run/neo4j.pid  import/
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from importlib import resources
from pathlib import Path

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from graph_service.errors import ConfigurationError, LocalServiceError
from graph_service.local import (
    LOOPBACK,
    ServiceStatus,
    ensure_port_free,
    ensure_writable,
    process_alive,
    process_matches,
    read_pid,
    spawn_detached,
    tail,
    terminate,
)
from graph_service.settings import Settings

logger = logging.getLogger(__name__)

# Neo4j 5.26 runs on Java 17 and 21.
MIN_JAVA_MAJOR = 17
# The server's main class in org.neo4j:neo4j (what bin/neo4j ends up running).
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
# neo4j-admin's main class in org.neo4j:neo4j-command-line.
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# Neo4j refuses shorter passwords (dbms.security.auth_minimum_password_length).
MIN_PASSWORD_LENGTH = 8
# Seconds to wait for Bolt after launching; a first start also creates the system database.
START_TIMEOUT_S = 120.0
# Seconds between SIGTERM and SIGKILL; a clean shutdown takes about 10 s.
STOP_TIMEOUT_S = 60.0
# Seconds Maven may take to download the server (about 130 MB) into an empty ~/.m2.
MAVEN_TIMEOUT_S = 1800.0
# A size java's -Xmx accepts (Neo4j's own settings accept more spellings, java does not).
JVM_SIZE = re.compile(r"\d+[kKmMgG]?")
# JVM flags of the stock neo4j.conf that matter off the bootloader; heap comes from settings.
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


@dataclass(frozen=True)
class Neo4jLayout:
    """Where the jars (install) and the server's own files (home) live."""

    install: Path
    home: Path

    @property
    def lib(self) -> Path:
        """Server, admin tool and Browser jars."""
        return self.install / "lib"

    @property
    def plugins(self) -> Path:
        """APOC Core jars."""
        return self.install / "plugins"

    @property
    def marker(self) -> Path:
        """Written last by a complete assembly: versions and jar names."""
        return self.install / "assembly.json"

    @property
    def conf_dir(self) -> Path:
        """Holds neo4j.conf, rewritten on every start."""
        return self.home / "conf"

    @property
    def data(self) -> Path:
        """Databases, transaction logs and the auth store."""
        return self.home / "data"

    @property
    def logs(self) -> Path:
        """neo4j.log, debug.log, console.log (JVM output)."""
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        """The server's pid; Neo4j writes the same file and removes it on a clean stop."""
        return self.home / "run" / "neo4j.pid"


def neo4j_layout(settings: Settings, *, home: Path | None = None) -> Neo4jLayout:
    """The layout for settings; home defaults to the install folder."""
    install = (settings.local_dir / f"neo4j-{settings.neo4j_version}").resolve()
    return Neo4jLayout(install=install, home=(home or install).resolve())


def start_neo4j(
    settings: Settings,
    *,
    home: Path | None = None,
    timeout_s: float = START_TIMEOUT_S,
    progress: Callable[[str], None] = logger.info,
) -> None:
    """Assemble (once), configure and start Neo4j; return when Bolt answers. Idempotent."""
    layout = neo4j_layout(settings, home=home)
    pid = _running_pid(layout)
    if pid is not None:
        logger.info("Neo4j already running (pid %d)", pid)
        _wait_until_ready(settings, layout, pid, timeout_s=timeout_s)
        return
    java = _preflight(settings, layout)
    assemble_neo4j(settings, progress=progress)
    write_neo4j_conf(settings, layout)
    if not _store_initialised(layout):
        set_initial_password(java, layout, settings)
    pid = _launch(java, settings, layout)
    _wait_until_ready(settings, layout, pid, timeout_s=timeout_s)
    logger.info("Neo4j %s started (pid %d)", settings.neo4j_version, pid)


def stop_neo4j(
    settings: Settings, *, home: Path | None = None, timeout_s: float = STOP_TIMEOUT_S
) -> bool:
    """Stop the local Neo4j (SIGTERM, then SIGKILL); True when one was running."""
    layout = neo4j_layout(settings, home=home)
    pid = _running_pid(layout)
    if pid is None:
        layout.pid_file.unlink(missing_ok=True)
        return False
    if not terminate(pid, timeout_s=timeout_s):
        logger.warning("Neo4j (pid %d) ignored SIGTERM for %.0f s and was killed", pid, timeout_s)
    layout.pid_file.unlink(missing_ok=True)
    return True


def neo4j_status(settings: Settings, *, home: Path | None = None) -> ServiceStatus:
    """Whether the local Neo4j runs, with its pid, ports and version."""
    layout = neo4j_layout(settings, home=home)
    pid = _running_pid(layout)
    return ServiceStatus(
        name="neo4j",
        version=settings.neo4j_version,
        running=pid is not None,
        pid=pid,
        ports={"bolt": settings.neo4j_bolt_port, "http": settings.neo4j_http_port},
        home=layout.home,
    )


def neo4j_assembled(settings: Settings) -> bool:
    """True when the jar cache for these versions is complete (no Maven run needed)."""
    return _assembly_complete(neo4j_layout(settings), _wanted_versions(settings))


def assemble_neo4j(settings: Settings, *, progress: Callable[[str], None] = logger.info) -> Path:
    """Download the server, Browser and APOC jars with Maven unless cached; return the install."""
    layout = neo4j_layout(settings)
    wanted = _wanted_versions(settings)
    if _assembly_complete(layout, wanted):
        return layout.install
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServiceError(
            f"Maven is needed once to assemble Neo4j {settings.neo4j_version} into "
            f"{layout.install}; install it with `apt-get install -y maven` and run again"
        )
    ensure_writable(layout.install, what="Neo4j install folder")
    with _assembly_lock(layout):
        if not _assembly_complete(layout, wanted):
            progress(f"assembling Neo4j {settings.neo4j_version} with Maven (first run only)")
            _run_maven(mvn, settings, layout)
            _write_marker(layout, wanted)
    return layout.install


def render_neo4j_conf(settings: Settings, layout: Neo4jLayout, *, apoc: bool) -> str:
    """neo4j.conf for the local server: loopback, ports, memory, folders, auth on."""
    lines = [
        "# Written by graph-service on every `neo4j start`; edits here are overwritten.",
        f"server.default_listen_address={LOOPBACK}",
        f"server.default_advertised_address={LOOPBACK}",
        f"server.bolt.listen_address=:{settings.neo4j_bolt_port}",
        # Advertised too: the Browser connects to what discovery at / announces.
        f"server.bolt.advertised_address=:{settings.neo4j_bolt_port}",
        f"server.http.listen_address=:{settings.neo4j_http_port}",
        f"server.http.advertised_address=:{settings.neo4j_http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        f"initial.dbms.default_database={settings.neo4j_database}",
        f"server.memory.heap.initial_size={settings.neo4j_heap}",
        f"server.memory.heap.max_size={settings.neo4j_heap}",
        f"server.memory.pagecache.size={settings.neo4j_pagecache}",
        f"server.directories.data={layout.data}",
        f"server.directories.logs={layout.logs}",
        f"server.directories.run={layout.pid_file.parent}",
        f"server.directories.import={layout.home / 'import'}",
        f"server.directories.plugins={layout.plugins}",
        f"server.directories.lib={layout.lib}",
        # A development server: keep little transaction log history on disk.
        "db.tx_log.rotation.size=32M",
        "db.tx_log.rotation.retention_policy=128M size",
        "dbms.usage_report.enabled=false",
    ]
    if apoc:
        lines.append("dbms.security.procedures.unrestricted=apoc.*")
    return "\n".join(lines) + "\n"


def write_neo4j_conf(settings: Settings, layout: Neo4jLayout) -> Path:
    """Write conf/neo4j.conf from settings; APOC is unrestricted when its jar is present."""
    apoc = any(layout.plugins.glob("apoc-core-*.jar"))
    layout.conf_dir.mkdir(parents=True, exist_ok=True)
    conf = layout.conf_dir / "neo4j.conf"
    conf.write_text(render_neo4j_conf(settings, layout, apoc=apoc), encoding="utf-8")
    return conf


def check_settings(settings: Settings) -> None:
    """Reject a heap size, user or password the local server cannot start with."""
    if not JVM_SIZE.fullmatch(settings.neo4j_heap):
        raise ConfigurationError(
            f"GRAPH_NEO4J_HEAP must be a JVM size such as 512m or 2g; got {settings.neo4j_heap!r}"
        )
    if settings.neo4j_user != "neo4j":
        raise ConfigurationError(
            "the local Neo4j is initialised with the user 'neo4j' only; set GRAPH_NEO4J_USER=neo4j"
        )
    if len(settings.neo4j_password.get_secret_value()) < MIN_PASSWORD_LENGTH:
        raise ConfigurationError(
            f"GRAPH_NEO4J_PASSWORD must have at least {MIN_PASSWORD_LENGTH} characters "
            "(Neo4j's minimum password length)"
        )


def find_java() -> Path | None:
    """The java launcher: $JAVA_HOME/bin/java, else java on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("java")
    return Path(found) if found else None


def parse_java_major(version_output: str) -> int | None:
    """The major version in `java -version` output ('1.8.0_392' is 8, '17.0.15' is 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def java_major_version(java: Path) -> int | None:
    """Run `java -version` and parse its major version."""
    try:
        done = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_major(done.stderr + done.stdout)


def require_java() -> Path:
    """A java launcher of version 17 or newer, or LocalServiceError naming the remedy."""
    remedy = "install it with `apt-get install -y openjdk-17-jre-headless` or set JAVA_HOME"
    java = find_java()
    if java is None:
        raise LocalServiceError(f"Java {MIN_JAVA_MAJOR} or newer is needed to run Neo4j; {remedy}")
    major = java_major_version(java)
    if major is None or major < MIN_JAVA_MAJOR:
        found = f"Java {major}" if major else "a Java whose version cannot be read"
        raise LocalServiceError(
            f"Neo4j needs Java {MIN_JAVA_MAJOR} or newer but {java} is {found}; {remedy}"
        )
    return java


def set_initial_password(java: Path, layout: Neo4jLayout, settings: Settings) -> None:
    """Run `neo4j-admin dbms set-initial-password` before the very first start."""
    env = {**os.environ, "NEO4J_HOME": str(layout.home), "NEO4J_CONF": str(layout.conf_dir)}
    # The password passes through argv for about a second: the admin tool has no stdin form.
    args = [str(java), "-cp", f"{layout.lib}/*", ADMIN_TOOL, "dbms", "set-initial-password"]
    password = settings.neo4j_password.get_secret_value()
    done = subprocess.run(
        [*args, password], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        output = (done.stderr + done.stdout).replace(password, "***")
        raise LocalServiceError(
            f"neo4j-admin could not set the initial password (exit {done.returncode}): "
            f"{_first_message(output)}"
        )


def _first_message(java_output: str) -> str:
    """The first line of java output that is not a stack frame, shortened."""
    for line in java_output.splitlines():
        text = line.strip()
        if text and not text.startswith(("at ", "...")):
            return text[:400]
    return "no output"


def _wanted_versions(settings: Settings) -> dict[str, str]:
    """The versions an assembly must match; APOC left out when its version is empty."""
    return {
        "neo4j": settings.neo4j_version,
        "apoc": settings.apoc_version,
        "browser": settings.browser_version,
    }


def _assembly_complete(layout: Neo4jLayout, wanted: dict[str, str]) -> bool:
    """True when the marker matches wanted and every jar it lists is still there."""
    try:
        marker = json.loads(layout.marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or marker.get("versions") != wanted:
        return False
    jars = [layout.install / name for name in marker.get("jars", [])]
    return bool(jars) and all(jar.is_file() for jar in jars)


@contextlib.contextmanager
def _assembly_lock(layout: Neo4jLayout) -> Iterator[None]:
    """Hold an exclusive lock so two starts never run Maven into the same folder."""
    with (layout.install / ".assembly.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_maven(mvn: str, settings: Settings, layout: Neo4jLayout) -> None:
    """Copy the jars into fresh lib/ and plugins/ folders via the packaged pom."""
    build = layout.install / "build"
    build.mkdir(parents=True, exist_ok=True)
    pom = build / "pom.xml"
    pom.write_bytes(resources.files("graph_service.local").joinpath("pom.xml").read_bytes())
    # Jars of an interrupted or older assembly must not mix with the new ones.
    for folder in (layout.lib, layout.plugins):
        shutil.rmtree(folder, ignore_errors=True)
    # -U: retry artifacts a failed attempt (offline, proxy) left marked missing in ~/.m2.
    args = [mvn, "-B", "-q", "-U", "-Dstyle.color=never", "-f", str(pom)]
    args += _maven_properties(settings, layout)
    args += ["dependency:copy-dependencies@lib", "dependency:copy-dependencies@plugins"]
    started = time.monotonic()
    done = _run_logged(args, cwd=build, log_file=build / "maven.log")
    if done != 0:
        raise LocalServiceError(
            f"Maven could not assemble Neo4j {settings.neo4j_version} (exit {done}): "
            f"{_maven_error(build / 'maven.log')}; check that GRAPH_NEO4J_VERSION, "
            "GRAPH_APOC_VERSION and GRAPH_BROWSER_VERSION exist on Maven Central and that it "
            f"is reachable (~/.m2/settings.xml for a proxy); output in {build / 'maven.log'}"
        )
    logger.info("assembled Neo4j in %.0f s", time.monotonic() - started)


def _maven_properties(settings: Settings, layout: Neo4jLayout) -> list[str]:
    """-D flags that point the pom at these versions and folders."""
    props = [
        f"-Dneo4j.version={settings.neo4j_version}",
        f"-Dbrowser.version={settings.browser_version}",
        f"-Dlib.dir={layout.lib}",
        f"-Dplugins.dir={layout.plugins}",
    ]
    if settings.apoc_version:
        return [*props, f"-Dapoc.version={settings.apoc_version}"]
    return [*props, "-DskipApoc=true"]


def _run_logged(args: list[str], *, cwd: Path, log_file: Path) -> int:
    """Run args to completion with output in log_file; return the exit status."""
    with log_file.open("wb") as log:
        try:
            done = subprocess.run(
                args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, timeout=MAVEN_TIMEOUT_S
            )
        except subprocess.TimeoutExpired as e:
            raise LocalServiceError(
                f"Maven did not finish within {MAVEN_TIMEOUT_S:.0f} s; see {log_file}"
            ) from e
    return done.returncode


def _maven_error(log_file: Path) -> str:
    """The artifacts Maven could not resolve, else its first [ERROR] line, shortened."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "no output"
    unresolved = re.search(r"could not be resolved: (.+?): ", text)
    if unresolved:
        return f"could not resolve {unresolved.group(1)}"
    errors = [line.partition("[ERROR]")[2].strip() for line in text.splitlines()]
    first = next((line for line in errors if line), text.strip()[-400:] or "no output")
    return first.removesuffix(" -> [Help 1]")[:400]


def _write_marker(layout: Neo4jLayout, wanted: dict[str, str]) -> None:
    """Record a complete assembly: versions and the jars Maven copied."""
    jars = sorted(
        str(jar.relative_to(layout.install))
        for folder in (layout.lib, layout.plugins)
        for jar in folder.glob("*.jar")
    )
    if not any(name.startswith("lib/neo4j-browser-") for name in jars):
        raise LocalServiceError("Maven finished but copied no neo4j-browser jar; see build/")
    layout.plugins.mkdir(exist_ok=True)  # Neo4j wants the folder even without APOC
    marker = {"versions": wanted, "jars": jars}
    layout.marker.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _preflight(settings: Settings, layout: Neo4jLayout) -> Path:
    """Every check that can fail before Maven or the JVM run; return the java launcher."""
    check_settings(settings)
    java = require_java()
    bolt, http = settings.neo4j_bolt_port, settings.neo4j_http_port
    ensure_port_free(bolt, service="Neo4j Bolt", setting="GRAPH_NEO4J_BOLT_PORT")
    ensure_port_free(http, service="Neo4j HTTP", setting="GRAPH_NEO4J_HTTP_PORT")
    _ensure_home_writable(layout)
    return java


def _ensure_home_writable(layout: Neo4jLayout) -> None:
    """Every folder the server writes to must accept files."""
    ensure_writable(layout.data, what="Neo4j data folder")
    ensure_writable(layout.logs, what="Neo4j logs folder")
    ensure_writable(layout.pid_file.parent, what="Neo4j run folder")
    ensure_writable(layout.conf_dir, what="Neo4j conf folder")


def _store_initialised(layout: Neo4jLayout) -> bool:
    """True once the system database exists; the initial password no longer applies then."""
    return (layout.data / "databases" / "system").is_dir()


def _running_pid(layout: Neo4jLayout) -> int | None:
    """The pid of this home's server when it runs, else None."""
    pid = read_pid(layout.pid_file)
    if pid is not None and process_matches(pid, ENTRY_POINT, f"--home-dir={layout.home}"):
        return pid
    return None


def _launch(java: Path, settings: Settings, layout: Neo4jLayout) -> int:
    """Start the JVM in the background, record its pid and return it."""
    classpath = os.pathsep.join([f"{layout.plugins}/*", f"{layout.lib}/*"])
    heap = settings.neo4j_heap
    args = [str(java), f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, "-cp", classpath]
    args += [ENTRY_POINT, f"--home-dir={layout.home}", f"--config-dir={layout.conf_dir}"]
    pid = spawn_detached(args, log_file=layout.logs / "console.log", cwd=layout.home)
    layout.pid_file.write_text(f"{pid}\n", encoding="ascii")
    return pid


def _wait_until_ready(
    settings: Settings, layout: Neo4jLayout, pid: int, *, timeout_s: float
) -> None:
    """Wait for Bolt (with our credentials), then HTTP, which opens a second later."""
    deadline = time.monotonic() + timeout_s
    bolt_uri = f"bolt://{LOOPBACK}:{settings.neo4j_bolt_port}"
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(bolt_uri, auth=auth, connection_timeout=2.0) as driver:
        _poll(lambda: _bolt_ready(driver, layout), layout, pid, deadline, bolt_uri)
    http_url = f"http://{LOOPBACK}:{settings.neo4j_http_port}/"
    _poll(lambda: _http_ready(http_url), layout, pid, deadline, http_url)


def _poll(
    ready: Callable[[], bool], layout: Neo4jLayout, pid: int, deadline: float, where: str
) -> None:
    """Call ready until True; fail fast if the JVM exits, or at the deadline."""
    while not ready():
        if not process_alive(pid):
            layout.pid_file.unlink(missing_ok=True)
            raise LocalServiceError(f"Neo4j exited while starting: {_failure_reason(layout)}")
        if time.monotonic() >= deadline:
            raise LocalServiceError(
                f"Neo4j (pid {pid}) did not answer on {where} in time; "
                f"see {layout.logs / 'neo4j.log'}"
            )
        time.sleep(0.5)


def _bolt_ready(driver: Driver, layout: Neo4jLayout) -> bool:
    """True when Bolt accepts our credentials; a wrong password is final, not transient."""
    try:
        driver.verify_connectivity()
    except AuthError as e:
        raise _password_mismatch(layout) from e
    except (DriverError, Neo4jError, OSError):
        return False
    return True


def _http_ready(url: str) -> bool:
    """True when the HTTP connector serves its discovery document."""
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return bool(response.status == HTTPStatus.OK)
    except OSError:
        return False


def _failure_reason(layout: Neo4jLayout) -> str:
    """The JVM's first error line, else the last lines of neo4j.log, and where to read more."""
    try:
        console = (layout.logs / "console.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        console = ""
    reason = _first_message(console) if console.strip() else tail(layout.logs / "neo4j.log")
    return f"{reason or 'no log output'} (logs in {layout.logs})"


def _password_mismatch(layout: Neo4jLayout) -> LocalServiceError:
    """The error for a store initialised with another password than the settings hold."""
    return LocalServiceError(
        f"Neo4j is running but rejected GRAPH_NEO4J_PASSWORD: the store in {layout.data} was "
        "initialised with another password; set that one, or stop Neo4j and delete "
        f"{layout.data} to start afresh"
    )
