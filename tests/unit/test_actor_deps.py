"""The ingest actor builds its worker dependencies once, however many threads start at once."""

from __future__ import annotations

import threading
import time
from typing import Any

from dramatiq.brokers.stub import StubBroker

from ingest.actors import IngestDeps, SharedDeps, declare_actors


class NoChunks:
    """A Redis stand-in where every chunk was already processed (get returns None)."""

    def get(self, key: str) -> None:
        return None


def test_concurrent_first_messages_build_dependencies_once() -> None:
    built: list[int] = []

    def deps_factory() -> IngestDeps:
        built.append(1)
        time.sleep(0.2)  # loading models takes a while: long enough for threads to overlap
        fake: Any = None
        return IngestDeps(redis=NoChunks(), graph=fake, resolver=fake)  # type: ignore[arg-type]

    actor = declare_actors(StubBroker(), deps_factory)
    threads = [threading.Thread(target=actor.fn, args=(f"chunk-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1


def test_shared_dependencies_built_at_start_up_serve_the_first_message() -> None:
    built: list[int] = []

    def deps_factory() -> IngestDeps:
        built.append(1)
        fake: Any = None
        return IngestDeps(redis=NoChunks(), graph=fake, resolver=fake)  # type: ignore[arg-type]

    shared = SharedDeps(deps_factory)
    actor = declare_actors(StubBroker(), shared)
    warmed = shared()  # what `graph-service worker` does before taking messages
    assert built == [1]
    actor.fn("chunk-1")
    assert built == [1] and shared() is warmed
