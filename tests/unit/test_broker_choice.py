"""GRAPH_BROKER picks the ingest broker; RabbitMQ settings, config and CLI errors, no server."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dramatiq
import pytest
from click.testing import CliRunner
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Retries, TimeLimit
from pydantic import SecretStr, ValidationError

from graph_service.local import rabbitmq_server
from graph_service.local.cli import rabbitmq_group
from graph_service.local.rabbitmq_server import (
    consumer_timeout_ms,
    node_name,
    rabbitmq_env,
    rabbitmq_layout,
    render_rabbitmq_conf,
    start_rabbitmq,
)
from graph_service.settings import BrokerKind, Settings, load_settings
from ingest import quarantine_cli
from ingest.broker import GraphRabbitmqBroker, create_broker, rabbitmq_connection_url


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    return load_settings(local_dir=tmp_path / "local", **overrides)


def middleware_of(broker: Any, kind: type) -> Any:
    return next(m for m in broker.middleware if isinstance(m, kind))


def test_redis_is_the_default_broker(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    assert settings.broker is BrokerKind.REDIS
    broker = create_broker(settings)
    assert isinstance(broker, RedisBroker)
    broker.close()


def test_creating_a_broker_leaves_dramatiqs_global_broker_alone(tmp_path: Path) -> None:
    before = dramatiq.broker.global_broker
    broker = create_broker(settings_for(tmp_path))
    assert dramatiq.broker.global_broker is before
    assert dramatiq.broker.global_broker is not broker
    broker.close()


def test_rabbitmq_broker_gets_url_and_the_same_retry_and_time_limits(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        broker="rabbitmq",
        rabbitmq_url=SecretStr("amqp://u:p@mq.example:5673/%2Fingest"),
        ingest_max_retries=4,
        ingest_time_limit_s=42.0,
        ingest_min_backoff_ms=7,
        ingest_max_backoff_ms=70,
        broker_dead_message_ttl_ms=120_000,
    )
    broker = create_broker(settings)  # pika connects lazily: no server needed
    assert isinstance(broker, RabbitmqBroker)
    assert isinstance(broker, GraphRabbitmqBroker)
    params: Any = broker.parameters
    assert (params.host, params.port, params.virtual_host) == ("mq.example", 5673, "/ingest")
    assert params.credentials.username == "u"
    assert params.connection_attempts == 12 and params.retry_delay == 5
    assert broker.confirm_delivery is True
    assert broker.dead_message_ttl == 120_000
    retries = middleware_of(broker, Retries)
    assert (retries.max_retries, retries.min_backoff, retries.max_backoff) == (4, 7, 70)
    assert middleware_of(broker, TimeLimit).time_limit == 42_000


def test_dead_letter_queue_is_declared_with_the_ttl_from_settings() -> None:
    declared: list[dict[str, Any]] = []

    class Channel:
        def queue_declare(self, **kwargs: Any) -> None:
            declared.append(kwargs)

    broker = GraphRabbitmqBroker(url="amqp://127.0.0.1:1/%2F", dead_message_ttl=90_000)
    broker.state.channel = Channel()
    broker._declare_xq_queue("ingest")
    assert declared == [
        {"queue": "ingest.XQ", "durable": True, "arguments": {"x-message-ttl": 90_000}}
    ]


def test_connection_url_keeps_what_the_user_set() -> None:
    url = rabbitmq_connection_url("amqp://g:g@h:5672/%2F?retry_delay=1&heartbeat=30")
    parts = urlsplit(url)
    assert parts.path == "/%2F"
    assert parse_qs(parts.query) == {
        "retry_delay": ["1"],
        "heartbeat": ["30"],
        "connection_attempts": ["12"],
    }


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("broker", "kafka", "broker"),
        ("rabbitmq_url", "http://127.0.0.1:5672/", "GRAPH_RABBITMQ_URL must start with amqp://"),
        ("rabbitmq_url", "amqp:///%2F", "GRAPH_RABBITMQ_URL has no host"),
        ("rabbitmq_port", 0, "rabbitmq_port"),
    ],
)
def test_bad_broker_settings_name_the_field(field: str, value: Any, needle: str) -> None:
    with pytest.raises(ValidationError) as raised:
        load_settings(**{field: value})
    assert needle in str(raised.value)


def test_rabbitmq_url_is_secret_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRAPH_BROKER", "rabbitmq")
    monkeypatch.setenv("GRAPH_RABBITMQ_URL", "amqps://u:hunter2@mq:5671/v")
    settings = load_settings()
    assert settings.broker is BrokerKind.RABBITMQ
    assert "hunter2" not in repr(settings)


def test_dead_letters_cli_on_unreachable_rabbitmq_names_the_setting(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"amqp://guest:guest@127.0.0.1:{port}/%2F?connection_attempts=1&retry_delay=0"
    settings = settings_for(tmp_path, broker="rabbitmq", rabbitmq_url=url)
    for command in (["list"], ["redrive", "--all"], ["purge", "--all", "--yes"]):
        result = CliRunner().invoke(quarantine_cli.dead_letters_group, command, obj=settings)
        assert result.exit_code == 2, command
        assert "GRAPH_RABBITMQ_URL" in result.output and "cannot be reached" in result.output
        assert "Traceback" not in result.output


def test_conf_listens_on_loopback_port_with_a_consumer_timeout(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rabbitmq_port=5999, ingest_time_limit_s=3600)
    layout = rabbitmq_layout(settings)
    conf = dict(
        line.split(" = ", 1)
        for line in render_rabbitmq_conf(settings, layout).splitlines()
        if not line.startswith("#")
    )
    assert conf["listeners.tcp.1"] == "127.0.0.1:5999"
    assert conf["log.file"] == str(layout.log_file)
    # A chunk may run an hour: RabbitMQ must not drop its unacknowledged delivery sooner.
    assert int(conf["consumer_timeout"]) == consumer_timeout_ms(settings) > 3_600_000
    assert consumer_timeout_ms(settings_for(tmp_path)) == 30 * 60 * 1000


def test_node_env_keeps_every_path_in_its_home(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rabbitmq_port=5999)
    layout = rabbitmq_layout(settings)
    env = rabbitmq_env(settings, layout, dist_port=40123)
    assert env["RABBITMQ_NODE_PORT"] == "5999" and env["RABBITMQ_DIST_PORT"] == "40123"
    assert env["RABBITMQ_NODENAME"] == node_name(settings) == "graph-service-5999@localhost"
    for name in (
        "HOME",
        "RABBITMQ_MNESIA_BASE",
        "RABBITMQ_LOG_BASE",
        "RABBITMQ_CONFIG_FILE",
        "RABBITMQ_ENABLED_PLUGINS_FILE",
        "RABBITMQ_CONF_ENV_FILE",
    ):
        assert Path(env[name]).is_relative_to(layout.home), name


def test_start_without_the_package_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rabbitmq_server, "SERVER_SCRIPT", tmp_path / "missing")
    settings = settings_for(tmp_path)
    result = CliRunner().invoke(rabbitmq_group, ["start"], obj=settings)
    assert result.exit_code == 2
    assert "rabbitmq-server is not installed" in result.output
    assert "apt-get install -y rabbitmq-server" in result.output
    with pytest.raises(Exception, match="not installed"):
        start_rabbitmq(settings)


def test_status_of_a_stopped_node_exits_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(rabbitmq_group, ["status"], obj=settings_for(tmp_path))
    assert result.exit_code == 3
    assert "rabbitmq" in result.output and "stopped" in result.output
