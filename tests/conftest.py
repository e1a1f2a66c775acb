"""Session-wide fixtures: a real mosquitto broker on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from motcua.broker import BrokerProcess, mosquitto_path, start_broker


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerProcess]:
    """A real mosquitto for the whole test session (CI installs it; its absence is a failure)."""
    assert mosquitto_path(), "mosquitto is not installed: run scripts/install-system-packages.sh"
    broker = start_broker(Path(tmp_path_factory.mktemp("mosquitto")), kind="mosquitto")
    yield broker
    broker.stop()
