"""Local Neo4j and Redis without running them: config files, pre-flight errors, CLI errors."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from graph_service.errors import ConfigurationError, LocalServiceError
from graph_service.local import free_ports, neo4j_server, redis_server
from graph_service.local.cli import neo4j_group, redis_group
from graph_service.local.neo4j_server import (
    neo4j_assembled,
    neo4j_layout,
    neo4j_status,
    parse_java_major,
    render_neo4j_conf,
    require_java,
    start_neo4j,
    write_neo4j_conf,
)
from graph_service.local.redis_server import (
    ensure_redis_installed,
    redis_layout,
    render_redis_conf,
    start_redis,
)
from graph_service.settings import Settings, load_settings


def parse_conf(text: str, separator: str) -> dict[str, str]:
    """key -> value of a config file, comments skipped."""
    pairs = (line.split(separator, 1) for line in text.splitlines() if line and line[0] != "#")
    return {key.strip(): value.strip() for key, value in pairs}


def write_script(folder: Path, name: str, body: str) -> Path:
    """An executable shell script standing in for a real binary."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on free ports with a fresh local_dir."""
    bolt, http, redis_port = free_ports(3)
    return load_settings(
        local_dir=tmp_path / "local",
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_heap="1g",
        neo4j_pagecache="512m",
        redis_port=redis_port,
        redis_maxmemory="256mb",
    )


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH reduced to one empty folder (no java, no mvn, no redis-server) and no JAVA_HOME."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    return folder


@pytest.fixture
def java17(fake_bin: Path) -> Path:
    """A fake java 17 on PATH, so pre-flight checks get past Java."""
    return write_script(fake_bin, "java", "echo 'openjdk version \"17.0.9\" 2023-10-17' >&2")


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    """Another process's server: a socket listening on a free loopback port."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server


def test_neo4j_conf_is_rendered_from_settings(settings: Settings, tmp_path: Path) -> None:
    layout = neo4j_layout(settings, home=tmp_path / "home")
    conf = parse_conf(render_neo4j_conf(settings, layout, apoc=True), "=")
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == f":{settings.neo4j_bolt_port}"
    assert conf["server.bolt.advertised_address"] == f":{settings.neo4j_bolt_port}"
    assert conf["server.http.listen_address"] == f":{settings.neo4j_http_port}"
    assert conf["server.https.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"
    assert conf["server.memory.heap.max_size"] == "1g"
    assert conf["server.memory.pagecache.size"] == "512m"
    assert conf["server.directories.data"] == str((tmp_path / "home" / "data").resolve())
    assert conf["server.directories.plugins"] == str(layout.install / "plugins")
    assert conf["db.tx_log.rotation.retention_policy"].endswith("size")
    assert conf["dbms.security.procedures.unrestricted"] == "apoc.*"


def test_neo4j_conf_unrestricts_apoc_only_when_its_jar_is_there(settings: Settings) -> None:
    layout = neo4j_layout(settings)
    without = write_neo4j_conf(settings, layout).read_text(encoding="utf-8")
    layout.plugins.mkdir(parents=True)
    (layout.plugins / "apoc-core-5.26.19.jar").write_bytes(b"")
    with_apoc = write_neo4j_conf(settings, layout).read_text(encoding="utf-8")
    assert "dbms.security.procedures.unrestricted" not in without
    assert "dbms.security.procedures.unrestricted=apoc.*" in with_apoc


def test_redis_conf_is_rendered_from_settings(settings: Settings) -> None:
    layout = redis_layout(settings)
    conf = parse_conf(render_redis_conf(settings, layout), " ")
    assert conf["bind"] == "127.0.0.1"
    assert conf["port"] == str(settings.redis_port)
    assert conf["appendonly"] == "yes"
    assert conf["maxmemory-policy"] == "noeviction"
    assert conf["maxmemory"] == "256mb"
    assert conf["daemonize"] == "yes"
    assert Path(conf["dir"]).is_relative_to(settings.local_dir.resolve())
    assert Path(conf["pidfile"]).is_relative_to(settings.local_dir.resolve())


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "22-ea" 2024-03-19', 22),
        ("no version here", None),
    ],
)
def test_java_major_version_is_parsed(output: str, major: int | None) -> None:
    assert parse_java_major(output) == major


@pytest.mark.usefixtures("fake_bin")
def test_missing_java_names_the_remedy(settings: Settings) -> None:
    with pytest.raises(LocalServiceError, match=r"Java 17 or newer.*apt-get install -y openjdk"):
        start_neo4j(settings)


def test_old_java_is_refused(fake_bin: Path) -> None:
    write_script(fake_bin, "java", "echo 'openjdk version \"11.0.2\" 2019-01-15' >&2")
    with pytest.raises(LocalServiceError, match=r"needs Java 17 or newer but .* is Java 11"):
        require_java()


def test_java_home_wins_over_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    java = write_script(tmp_path / "jdk" / "bin", "java", "echo 'version \"21.0.1\"' >&2")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    assert require_java() == java


@pytest.mark.usefixtures("java17")
def test_missing_maven_with_empty_cache_names_the_remedy(settings: Settings) -> None:
    with pytest.raises(LocalServiceError, match=r"Maven is needed.*apt-get install -y maven"):
        start_neo4j(settings)


@pytest.mark.usefixtures("java17")
@pytest.mark.parametrize("port_field", ["neo4j_bolt_port", "neo4j_http_port"])
def test_taken_neo4j_port_names_the_port(
    settings: Settings, listening_socket: socket.socket, port_field: str
) -> None:
    port = listening_socket.getsockname()[1]
    taken = settings.model_copy(update={port_field: port})
    with pytest.raises(LocalServiceError, match=rf"port {port} .*already in use") as error:
        start_neo4j(taken)
    assert f"GRAPH_{port_field.upper()}" in str(error.value)


def test_taken_redis_port_names_the_port(
    settings: Settings, listening_socket: socket.socket, fake_bin: Path
) -> None:
    write_script(fake_bin, "redis-server", "exit 1")
    port = listening_socket.getsockname()[1]
    taken = settings.model_copy(update={"redis_port": port})
    with pytest.raises(LocalServiceError, match=rf"port {port} \(Redis\).*GRAPH_REDIS_PORT"):
        start_redis(taken)


@pytest.mark.usefixtures("java17")
def test_data_folder_that_is_a_file_is_reported(settings: Settings) -> None:
    layout = neo4j_layout(settings)
    layout.home.mkdir(parents=True)
    layout.data.write_text("not a folder", encoding="utf-8")
    with pytest.raises(LocalServiceError, match=r"Neo4j data folder .* is a file"):
        start_neo4j(settings)


def refuse_writes_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Root writes through permission bits; make the write fail as it does for everyone else."""

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("graph_service.local.tempfile.TemporaryFile", denied)


@pytest.mark.usefixtures("java17")
def test_read_only_data_folder_is_reported(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = neo4j_layout(settings)
    layout.data.mkdir(parents=True)
    layout.data.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:
        refuse_writes_as_root(monkeypatch)
    try:
        with pytest.raises(LocalServiceError, match=r"Neo4j data folder .* is not writable"):
            start_neo4j(settings)
    finally:
        layout.data.chmod(stat.S_IRWXU)


def test_short_password_is_refused(settings: Settings) -> None:
    short = settings.model_copy(update={"neo4j_password": SecretStr("short")})
    with pytest.raises(ConfigurationError, match="at least 8 characters"):
        neo4j_server.check_settings(short)


@pytest.mark.parametrize("heap", ["abc", "2GiB", "1.5g", ""])
def test_heap_that_java_cannot_read_is_refused(settings: Settings, heap: str) -> None:
    with pytest.raises(ConfigurationError, match="GRAPH_NEO4J_HEAP"):
        neo4j_server.check_settings(settings.model_copy(update={"neo4j_heap": heap}))


def test_assembly_cache_needs_matching_versions_and_its_jars(settings: Settings) -> None:
    layout = neo4j_layout(settings)
    assert not neo4j_assembled(settings)
    layout.lib.mkdir(parents=True)
    (layout.lib / "neo4j-5.26.19.jar").write_bytes(b"")
    versions = {"neo4j": "5.26.19", "apoc": "5.26.19", "browser": "5.24.0"}
    marker = {"versions": versions, "jars": ["lib/neo4j-5.26.19.jar"]}
    layout.marker.write_text(json.dumps(marker), encoding="utf-8")
    assert neo4j_assembled(settings)
    assert not neo4j_assembled(settings.model_copy(update={"browser_version": "5.21.0"}))
    (layout.lib / "neo4j-5.26.19.jar").unlink()
    assert not neo4j_assembled(settings)


def test_stale_pid_file_of_another_process_reads_as_stopped(settings: Settings) -> None:
    layout = neo4j_layout(settings)
    layout.pid_file.parent.mkdir(parents=True)
    layout.pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
    status = neo4j_status(settings)
    assert not status.running
    assert status.pid is None


def test_missing_redis_server_names_the_remedy(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_server, "find_redis_server", lambda: None)
    with pytest.raises(LocalServiceError, match=r"not installed.*apt-get install -y redis-server"):
        start_redis(settings)


def test_ensure_redis_installed_without_root_names_the_remedy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_server, "find_redis_server", lambda: None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(LocalServiceError, match=r"sudo apt-get install -y redis-server"):
        ensure_redis_installed()


def test_ensure_redis_installed_as_root_runs_apt_get(monkeypatch: pytest.MonkeyPatch) -> None:
    installed: list[Path] = []
    calls: list[list[str]] = []

    def fake_run(args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        if "install" in args:
            installed.append(Path("/usr/bin/redis-server"))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(
        redis_server, "find_redis_server", lambda: installed[0] if installed else None
    )
    monkeypatch.setattr(shutil, "which", lambda name, **_: f"/usr/bin/{name}")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(subprocess, "run", fake_run)
    assert ensure_redis_installed() == Path("/usr/bin/redis-server")
    assert [args[1:] for args in calls] == [
        ["update", "-q"],
        ["install", "-y", "-q", "redis-server"],
    ]


@pytest.mark.usefixtures("fake_bin")
def test_cli_error_is_one_line_without_traceback(settings: Settings) -> None:
    result = CliRunner().invoke(neo4j_group, ["start"], obj=settings)
    assert result.exit_code == 2
    assert result.output.startswith("error: Java 17 or newer")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("group", [neo4j_group, redis_group])
def test_cli_status_of_stopped_service_exits_3(settings: Settings, group: Any) -> None:
    result = CliRunner().invoke(group, ["status"], obj=settings)
    assert result.exit_code == 3
    assert "stopped" in result.output


@pytest.mark.parametrize("group", [neo4j_group, redis_group])
def test_cli_stop_of_stopped_service_succeeds(settings: Settings, group: Any) -> None:
    result = CliRunner().invoke(group, ["stop"], obj=settings)
    assert result.exit_code == 0
    assert "was not running" in result.output
