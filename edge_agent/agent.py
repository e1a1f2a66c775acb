"""The edge agent: heartbeat on every device; on the site server also the event pipeline.

Site server pipeline::

    queue server ──events (QoS 1)──▶ site broker ──▶ inbox (fsync, dedupe by source_seq) ──▶ PUBACK
    inbox ──processor (sentiment off the event loop, redaction)──▶ outbox (fsync, per-site seq)
    outbox ──Uplinker──▶ MQTT bridge or HTTPS ──▶ monitor ──ack──▶ delete from outbox

This module is the wiring: the MQTT connections, the outbox, the uplink transport and the tasks. The
parts are ``pipeline.py`` (site events and device statuses in; sentiment and redaction — what goes up
is decided in ``core/uplink.py`` — out), ``replay.py`` (the queue server's event log, for what the
persistent MQTT session never saw), ``kpi_snapshots.py`` (today's KPIs) and ``uplink.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from edge_agent.health import LastError, read_health, status_payload, will
from edge_agent.kpi_snapshots import KpiSnapshots
from edge_agent.outbox import Outbox
from edge_agent.pipeline import Pipeline
from edge_agent.replay import EventLogReplayer
from edge_agent.settings import AgentSettings
from edge_agent.uplink import HttpTransport, MqttTransport, Transport, Uplinker
from motcua.contract.mqtt import encode_payload, topic_device_status, topic_device_statuses, topic_events
from motcua.runtime.mqtt import MqttConnection

__all__ = ["Agent", "device_status_filter"]

logger = logging.getLogger(__name__)


def device_status_filter(site: str) -> str:
    """``motcua/{site}/device/+/status``."""
    return topic_device_statuses(site)


class Agent:
    """One agent process; ``run()`` until ``stop()``."""

    def __init__(self, settings: AgentSettings, *, scorer: Any | None = None) -> None:
        self.settings = settings
        self.site = settings.site_id
        self.last_error = LastError()
        logging.getLogger().addHandler(self.last_error)
        self._stopping = threading.Event()
        self.outbox: Outbox | None = None
        self.pipeline: Pipeline | None = None
        self.replayer: EventLogReplayer | None = None
        self.kpis: KpiSnapshots | None = None
        self.uplinker: Uplinker | None = None
        self.transport: Transport | None = None
        self.status_conn = MqttConnection(
            settings.broker_url,
            client_id=f"motcua-agent-{self.site}-{settings.device_id}-status",
            will=will(self.site, settings.device_id, settings.role),
            on_connection=self._on_status_connection,
        )
        self.site_conn: MqttConnection | None = None
        if settings.collects:
            self._wire_site_server(settings, scorer)

    def _wire_site_server(self, settings: AgentSettings, scorer: Any | None) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        outbox = self.outbox = Outbox(
            settings.data_dir / "agent-outbox.db",
            self.site,
            limits=settings.outbox_limits(),
            on_overflow=self._on_overflow,
        )
        pipeline = self.pipeline = Pipeline(
            settings, outbox, stopping=self._stopping, notify_uplink=self._notify_uplink, scorer=scorer
        )
        self.kpis = KpiSnapshots(settings, outbox, stopping=self._stopping, notify_uplink=self._notify_uplink)
        site_conn = self.site_conn = MqttConnection(
            settings.broker_url,
            client_id=f"motcua-agent-{self.site}-events",
            clean_session=False,
        )
        site_conn.subscribe(topic_events(self.site), pipeline.on_event, qos=1)
        site_conn.subscribe(device_status_filter(self.site), pipeline.on_device_status, qos=1)
        if settings.replay and settings.server_url and settings.server_token:
            replayer = self.replayer = EventLogReplayer(
                settings, outbox, stopping=self._stopping, on_progress=pipeline.wake
            )
            pipeline.replayer = replayer
            site_conn.add_connection_listener(lambda up: replayer.want() if up else None)
        if settings.uplink == "mqtt":
            self.transport = MqttTransport(site_conn, self.site, outbox)
        elif settings.uplink == "http":
            assert settings.monitor_url
            assert settings.site_token
            self.transport = HttpTransport(settings.monitor_url, settings.site_token)
        if self.transport is not None:
            uplinker = self.uplinker = Uplinker(
                outbox,
                self.transport,
                site=self.site,
                batch_size=settings.batch_size,
                ack_timeout=settings.ack_timeout_s,
                retry_max=settings.retry_max_s,
            )
            if isinstance(self.transport, MqttTransport):
                self.transport.on_link_up = uplinker.link_up
                site_conn.add_connection_listener(lambda up: uplinker.link_up() if up else None)

    # callbacks (network and outbox threads)
    def _on_status_connection(self, connected: bool) -> None:
        if connected:
            self._publish_status()

    def _on_overflow(self, report: dict[str, Any]) -> None:
        logger.error(
            "uplink outbox over its limits: dropped %s business events and %s health samples (reported upward)",
            report.get("dropped_business"),
            report.get("dropped_health"),
        )

    def _notify_uplink(self) -> None:
        if self.uplinker is not None:
            self.uplinker.notify()

    # heartbeat
    def _publish_status(self) -> None:
        details = read_health(
            data_dir=self.settings.data_dir,
            thermal_dir=self.settings.thermal_dir,
            printer_status_file=self.settings.printer_status_file,
            role=self.settings.role,
            last_error=self.last_error,
        )
        if self.outbox is not None:
            stats = self.outbox.stats()
            details["outbox_events"] = stats.events
            details["outbox_bytes"] = stats.bytes
        status = status_payload(self.settings.device_id, self.settings.role, "online", details)
        self.status_conn.publish(
            topic_device_status(self.site, self.settings.device_id), encode_payload(status), qos=1, retain=True
        )

    async def _heartbeat(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.settings.heartbeat_s)
            if self.status_conn.connected:
                await asyncio.to_thread(self._publish_status)

    # running
    async def run_async(self) -> None:
        """Run until ``stop()``."""
        loop = asyncio.get_running_loop()
        if self.pipeline is not None:
            self.pipeline.attach(loop)
        if self.replayer is not None:
            self.replayer.attach(loop)
        self.status_conn.start()
        tasks = [asyncio.create_task(self._heartbeat())]
        if self.site_conn is not None:
            assert self.pipeline is not None
            assert self.kpis is not None
            self.site_conn.start()
            tasks.append(asyncio.create_task(self.pipeline.run()))
            tasks.append(asyncio.create_task(self.kpis.run()))
            if self.replayer is not None:
                tasks.append(asyncio.create_task(self.replayer.run()))
        if self.uplinker is not None:
            self.uplinker.start()
        try:
            while not self._stopping.is_set():
                await asyncio.sleep(0.2)
                for task in tasks:
                    if task.done() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._shutdown()

    def run(self) -> None:
        """Run until ``stop()`` (blocking)."""
        asyncio.run(self.run_async())

    def stop(self) -> None:
        """Ask ``run`` to return."""
        self._stopping.set()

    def _shutdown(self) -> None:
        if self.uplinker is not None:
            self.uplinker.stop()
        if self.site_conn is not None:
            self.site_conn.stop()
        offline = status_payload(self.settings.device_id, self.settings.role, "offline", {"reason": "stopped"})
        if self.status_conn.connected:
            info = self.status_conn.publish(
                topic_device_status(self.site, self.settings.device_id), encode_payload(offline), qos=1, retain=True
            )
            with contextlib.suppress(Exception):
                info.wait_for_publish(2.0)
        self.status_conn.stop()
        if self.transport is not None:
            self.transport.close()
        if self.outbox is not None:
            self.outbox.close()
        logging.getLogger().removeHandler(self.last_error)
