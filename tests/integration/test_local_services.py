"""The real local Neo4j and Redis: start, status, restart, stop, Browser, APOC, AOF.

Neo4j runs from the shared jar cache under the default local_dir (assembled with Maven on
first use) but with its own home, ports and data in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError

from graph_service.local import free_port, free_ports, wait_until
from graph_service.local.neo4j_server import (
    find_java,
    neo4j_assembled,
    neo4j_status,
    start_neo4j,
    stop_neo4j,
)
from graph_service.local.redis_server import (
    find_redis_server,
    redis_status,
    start_redis,
    stop_redis,
)
from graph_service.settings import Settings, load_settings
from tests.support import skip_or_fail

pytestmark = pytest.mark.integration

missing = skip_or_fail


@pytest.fixture(scope="module")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Path]]:
    """A running Neo4j on free ports with a throw-away home; stopped afterwards."""
    bolt, http = free_ports(2)
    settings = load_settings(
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_heap="512m",
        neo4j_pagecache="256m",
    )
    if find_java() is None:
        missing("Java 17+ is not installed; Neo4j cannot run")
    if not neo4j_assembled(settings) and shutil.which("mvn") is None:
        missing("Maven is not installed and the Neo4j jar cache is empty")
    home = tmp_path_factory.mktemp("neo4j-home")
    start_neo4j(settings, home=home)
    yield settings, home
    stop_neo4j(settings, home=home)
    assert not neo4j_status(settings, home=home).running


@pytest.fixture
def neo4j_driver(neo4j_settings: tuple[Settings, Path]) -> Iterator[Driver]:
    """A driver on the test server's Bolt port with the configured password."""
    settings, _ = neo4j_settings
    uri = f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(uri, auth=auth) as driver:
        yield driver


def test_neo4j_status_reports_running_server(neo4j_settings: tuple[Settings, Path]) -> None:
    settings, home = neo4j_settings
    status = neo4j_status(settings, home=home)
    assert status.running
    assert status.pid is not None
    assert status.ports == {"bolt": settings.neo4j_bolt_port, "http": settings.neo4j_http_port}
    assert status.version == settings.neo4j_version


def test_neo4j_start_is_idempotent(neo4j_settings: tuple[Settings, Path]) -> None:
    settings, home = neo4j_settings
    before = neo4j_status(settings, home=home).pid
    started = time.monotonic()
    start_neo4j(settings, home=home)
    assert neo4j_status(settings, home=home).pid == before
    assert time.monotonic() - started < 10


def test_neo4j_is_the_requested_community_version(
    neo4j_settings: tuple[Settings, Path], neo4j_driver: Driver
) -> None:
    settings, _ = neo4j_settings
    records, _, _ = neo4j_driver.execute_query("CALL dbms.components() YIELD versions, edition")
    assert records[0]["versions"] == [settings.neo4j_version]
    assert records[0]["edition"] == "community"


def test_neo4j_rejects_a_wrong_password(neo4j_settings: tuple[Settings, Path]) -> None:
    settings, _ = neo4j_settings
    uri = f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"
    with (
        GraphDatabase.driver(uri, auth=("neo4j", "not-the-password")) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


def test_apoc_core_is_loaded(neo4j_settings: tuple[Settings, Path], neo4j_driver: Driver) -> None:
    settings, _ = neo4j_settings
    records, _, _ = neo4j_driver.execute_query("RETURN apoc.version() AS version")
    assert records[0]["version"] == settings.apoc_version


def test_http_discovery_advertises_the_configured_bolt_port(
    neo4j_settings: tuple[Settings, Path],
) -> None:
    settings, _ = neo4j_settings
    url = f"http://127.0.0.1:{settings.neo4j_http_port}/"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode("utf-8")
    assert f"bolt://127.0.0.1:{settings.neo4j_bolt_port}" in body


def test_browser_page_is_served(neo4j_settings: tuple[Settings, Path]) -> None:
    settings, _ = neo4j_settings
    url = f"http://127.0.0.1:{settings.neo4j_http_port}/browser/"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        html = response.read().decode("utf-8")
    assert "<title>Neo4j Browser</title>" in html


def chromium_binary() -> str:
    """Debian's Chromium; missing is a skip locally and a failure under CI."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("chromium is not installed (apt-get install -y chromium; make test does it)")
    return chromium


def test_browser_renders_and_reaches_bolt_in_chromium(
    neo4j_settings: tuple[Settings, Path],
) -> None:
    chromium = chromium_binary()
    settings, _ = neo4j_settings
    dom = dump_dom(chromium, f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
    assert "Connect to Neo4j" in dom
    assert f'value="127.0.0.1:{settings.neo4j_bolt_port}"' in dom
    assert "Could not reach Neo4j" not in dom


def dump_dom(chromium: str, url: str) -> str:
    """The DOM of url after scripts ran, from headless Chromium with a throw-away profile."""
    # Chromium helper processes may still write to the profile as it is removed.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"]
        flags += ["--no-first-run", "--disable-background-networking", "--disable-sync"]
        flags += ["--disable-component-update", f"--user-data-dir={profile}"]
        flags += ["--virtual-time-budget=15000", "--dump-dom"]
        done = subprocess.run(
            [chromium, *flags, url], capture_output=True, text=True, timeout=120, check=True
        )
    return done.stdout


# Sets a React-controlled input the way typing does: native setter, then an input event.
FILL_INPUT_JS = """((selector, value) => {
  const input = document.querySelector(selector);
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
  input.dispatchEvent(new Event('input', {bubbles: true}));
})(%s, %s)"""


class DevToolsPage:
    """A minimal Chrome DevTools Protocol client for one page of headless Chromium."""

    def __init__(self, socket: Any) -> None:
        self._socket = socket
        self._next_id = 0

    def call(self, method: str, **params: object) -> dict[str, object]:
        """Send one command and return its result, skipping events."""
        self._next_id += 1
        self._socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == self._next_id:
                result: dict[str, object] = message.get("result", {})
                return result

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        # No result while a navigation replaces the page's JavaScript context.
        return cast(dict[str, object], result.get("result", {})).get("value")

    def fill(self, test_id: str, value: str) -> None:
        """Type value into the input with this data-testid."""
        self.evaluate(FILL_INPUT_JS % (json.dumps(f"[data-testid={test_id}]"), json.dumps(value)))

    def wait_for(self, expression: str, *, timeout_s: float = 30) -> bool:
        """True once expression is truthy in the page."""
        return wait_until(lambda: bool(self.evaluate(expression)), timeout_s=timeout_s)


@contextmanager
def devtools_page(chromium: str) -> Iterator[DevToolsPage]:
    """Headless Chromium with a throw-away profile, driven over the DevTools protocol."""
    import websockets.sync.client as sync_client

    port = free_port()
    # Chromium helper processes may still write to the profile as it is removed.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update"]
        flags += ["--disable-sync", f"--user-data-dir={profile}", f"--remote-debugging-port={port}"]
        browser = subprocess.Popen([chromium, *flags, "about:blank"], stderr=subprocess.DEVNULL)
        try:
            with sync_client.connect(first_page_socket(port), max_size=None) as socket:
                yield DevToolsPage(socket)
        finally:
            browser.terminate()
            browser.wait(timeout=30)


def first_page_socket(port: int) -> str:
    """The DevTools WebSocket URL of Chromium's first page, once it listens."""
    targets: list[dict[str, str]] = []

    def listed() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as response:
                targets.extend(json.load(response))
        except OSError:
            return False
        return True

    assert wait_until(listed, timeout_s=30), "Chromium DevTools did not open"
    return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")


def test_browser_logs_in_with_the_configured_password(
    neo4j_settings: tuple[Settings, Path],
) -> None:
    chromium = chromium_binary()
    settings, _ = neo4j_settings
    with devtools_page(chromium) as page:
        page.call("Page.navigate", url=f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
        assert page.wait_for("!!document.querySelector('[data-testid=password]')")
        page.fill("username", settings.neo4j_user)
        page.fill("password", settings.neo4j_password.get_secret_value())
        page.evaluate("document.querySelector('[data-testid=connect]').click()")
        assert page.wait_for("document.body.innerText.includes('You are connected as user')")


def test_neo4j_restart_keeps_data_and_password(neo4j_settings: tuple[Settings, Path]) -> None:
    settings, home = neo4j_settings
    marker = str(uuid.uuid4())
    uri = f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(uri, auth=auth) as driver:
        driver.execute_query("CREATE (:LocalServiceTest {marker: $marker})", marker=marker)
    assert stop_neo4j(settings, home=home)
    assert not neo4j_status(settings, home=home).running
    start_neo4j(settings, home=home)
    with GraphDatabase.driver(uri, auth=auth) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:LocalServiceTest {marker: $marker}) RETURN count(n) AS n", marker=marker
        )
    assert records[0]["n"] == 1


@pytest.fixture
def redis_settings(tmp_path: Path) -> Iterator[Settings]:
    """A running Redis on a free port with a throw-away local_dir; stopped afterwards."""
    if find_redis_server() is None:
        missing("redis-server is not installed (apt-get install -y redis-server)")
    settings = load_settings(local_dir=tmp_path, redis_port=free_port())
    start_redis(settings)
    yield settings
    stop_redis(settings)


def redis_client(settings: Settings) -> redis.Redis[str]:
    """A client on the test server."""
    return redis.Redis(port=settings.redis_port, decode_responses=True)


def test_redis_runs_with_aof_and_noeviction(redis_settings: Settings) -> None:
    client = redis_client(redis_settings)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert client.config_get("bind") == {"bind": "127.0.0.1"}
    assert Path(client.config_get("dir")["dir"]).is_relative_to(redis_settings.local_dir)
    client.close()


def test_redis_status_and_idempotent_start(redis_settings: Settings) -> None:
    status = redis_status(redis_settings)
    assert status.running
    assert status.ports == {"redis": redis_settings.redis_port}
    start_redis(redis_settings)
    assert redis_status(redis_settings).pid == status.pid


def test_redis_restart_keeps_data(redis_settings: Settings) -> None:
    client = redis_client(redis_settings)
    client.set("local-service-test", "kept")
    assert stop_redis(redis_settings)
    assert not redis_status(redis_settings).running
    start_redis(redis_settings)
    assert client.get("local-service-test") == "kept"
    client.close()


def test_redis_crash_loses_no_acknowledged_write(redis_settings: Settings) -> None:
    client = redis_client(redis_settings)
    client.set("local-service-crash", "kept")
    time.sleep(1.5)  # appendfsync everysec: the AOF reaches the disk within a second
    pid = redis_status(redis_settings).pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not redis_status(redis_settings).running, timeout_s=10)
    start_redis(redis_settings)
    assert client.get("local-service-crash") == "kept"
    client.close()
