"""Run amqtt, the embedded Python MQTT broker, from a YAML config: ``python -m motcua.runtime.embedded_broker CONF``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

import yaml


async def _serve(config_path: Path) -> None:
    from amqtt.broker import Broker

    config = yaml.safe_load(config_path.read_text())
    broker = Broker(config)
    await broker.start()
    try:
        await asyncio.Event().wait()
    finally:
        await broker.shutdown()


def main() -> None:
    """Serve until killed."""
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
