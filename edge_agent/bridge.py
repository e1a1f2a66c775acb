"""A site mosquitto bridged to the province broker (for a laptop demo, tests and benchmarks).

Production sites put the output of ``motcua agent --print-bridge-config mqtt://province:1883`` in
``/etc/mosquitto/conf.d/motcua-bridge.conf``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from edge_agent.core.bridge import bridge_config
from motcua.contract.site import DEFAULT_SITE_ID
from motcua.runtime.broker import BrokerProcess, mosquitto_config, mosquitto_path, wait_for_port
from motcua.runtime.mqtt import parse_broker_url


@dataclass
class BridgedBroker(BrokerProcess):
    """A mosquitto whose config adds the bridge of ``site`` to ``province_url``."""

    site: str = DEFAULT_SITE_ID
    province_url: str = "mqtt://127.0.0.1:1883"

    def start(self, timeout: float = 10.0) -> BridgedBroker:
        """Write the config (listener + bridge) and start mosquitto."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        province = parse_broker_url(self.province_url)
        conf = self.data_dir / "mosquitto.conf"
        conf.write_text(
            mosquitto_config(self.host, self.port, self.data_dir)
            + bridge_config(self.site, province.host, province.port)
        )
        binary = mosquitto_path()
        if binary is None:
            raise RuntimeError("mosquitto is not installed")
        self.process = subprocess.Popen([binary, "-c", str(conf)], stdin=subprocess.DEVNULL)
        if not wait_for_port(self.host, self.port, timeout):
            self.stop()
            raise RuntimeError(f"bridged mosquitto did not start on {self.host}:{self.port}")
        return self


def start_bridged_broker(data_dir: Path, site: str, province_url: str, *, port: int | None = None) -> BridgedBroker:
    """Start a site mosquitto bridged to the province broker."""
    from motcua.runtime.broker import free_port

    return BridgedBroker(
        "127.0.0.1", port or free_port(), "mosquitto", data_dir, site=site, province_url=province_url
    ).start()
