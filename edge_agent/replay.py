"""Replay of the queue server's event log: what the agent's MQTT session never saw.

The events subscription uses a persistent MQTT session, so events published while the agent is down
are queued by the site broker. What that session never saw (published before it first existed, or
while the broker had lost it) is read from ``GET /api/v1/events?after=last_source_seq``: at start,
after every reconnect and every ``replay_interval_s``. Those events go into the same inbox, deduplicated
by ``source_seq``; ``verified_through`` tells the pipeline up to where the log has been read, so it
processes an event only once everything before it is in (``core/replay.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from edge_agent.core.replay import next_backoff
from edge_agent.outbox import Outbox
from edge_agent.settings import AgentSettings
from motcua.contract.mqtt import decode_payload
from motcua.contract.uplink import EventPage

__all__ = ["EventLogReplayer", "ReplayRefused"]

logger = logging.getLogger(__name__)


class ReplayRefused(Exception):
    """The queue server will not serve its event log to this agent (token, URL or version): stop asking."""


class EventLogReplayer:
    """Reads the site's event log into the outbox's inbox; ``run()`` until stopped or refused."""

    def __init__(
        self,
        settings: AgentSettings,
        outbox: Outbox,
        *,
        stopping: threading.Event,
        on_progress: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.site = settings.site_id
        self.outbox = outbox
        self._stopping = stopping
        self._on_progress = on_progress
        # False once the queue server refuses: the pipeline then stops waiting for the log.
        self.active = True
        self.verified_through = 0
        self.replayed_pages = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wanted: asyncio.Event | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind to the agent's event loop (before the MQTT connections start)."""
        self._loop = loop
        self._wanted = asyncio.Event()

    def want(self) -> None:
        """Ask for a read of the event log (from any thread)."""
        loop, wanted = self._loop, self._wanted
        if loop is not None and wanted is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wanted.set)

    async def replay_once(self, client: Any) -> int:
        """Read the log from what is already here to its end into the inbox; returns how many were new."""
        import httpx

        new = 0
        after = max(await asyncio.to_thread(self.outbox.last_source_seq), self.verified_through)
        while not self._stopping.is_set():
            try:
                params = {"after": after, "limit": self.settings.replay_page}
                response = await client.get("/api/v1/events", params=params)
            except httpx.HTTPError as exc:
                raise ConnectionError(f"queue server unreachable: {exc.__class__.__name__}") from None
            if response.status_code in (401, 403, 404):
                raise ReplayRefused(f"the queue server answered {response.status_code}: {response.text[:200]}")
            if response.status_code != 200:
                raise ConnectionError(f"the queue server answered {response.status_code}")
            page = decode_payload(EventPage, response.content)
            if page.site != self.site:
                raise ReplayRefused(f"the queue server at that URL is site {page.site!r}, not {self.site!r}")
            if page.events:
                new += await asyncio.to_thread(self.outbox.receive_many, page.events)
            # Every log event up to next_after is now processed or in the inbox (the log has no late holes).
            self.verified_through = max(self.verified_through, page.next_after)
            self.replayed_pages += 1
            self._on_progress()
            if not page.events or page.next_after >= page.last_seq:
                return new
            after = page.next_after
        return new

    async def run(self) -> None:
        """Replay at start, when asked (reconnect, gap) and every ``replay_interval_s``; retry with a backoff."""
        import httpx

        assert self._wanted is not None, "attach() first"
        base = str(self.settings.server_url).rstrip("/")
        headers = {"Authorization": f"Bearer {self.settings.server_token}"}
        backoff = 0.0
        warned = False
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10.0) as client:
            while not self._stopping.is_set() and self.active:
                try:
                    new = await self.replay_once(client)
                except ReplayRefused as exc:
                    logger.error("replay of the site's event log is off: %s", exc)
                    self.active = False
                    self._on_progress()
                    return
                except (ConnectionError, ValueError) as exc:
                    if not warned:
                        logger.warning("could not read the site's event log (%s); retrying", exc)
                        warned = True
                    backoff = next_backoff(backoff)
                    await asyncio.sleep(backoff)
                    continue
                if warned:
                    logger.info("reading the site's event log again")
                    warned = False
                backoff = 0.0
                if new:
                    logger.info("replayed %d site event(s) the MQTT session had not delivered", new)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wanted.wait(), timeout=self.settings.replay_interval_s)
                self._wanted.clear()
