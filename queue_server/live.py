"""Live updates for the staff console: Server-Sent Events fed by the service's commit notifications."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator


class LiveHub:
    """Fans a 'something changed' signal out to every connected console (asyncio side)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[int]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the event loop that serves HTTP."""
        self._loop = loop

    def notify(self, seq: int) -> None:
        """Thread-safe: called after a commit with the last event sequence."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._fan_out, seq)

    def _fan_out(self, seq: int) -> None:
        for queue in list(self._queues):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(seq)

    async def stream(self, heartbeat_s: float = 15.0) -> AsyncIterator[str]:
        """SSE frames: ``event: change`` with the last sequence, and a comment as heartbeat."""
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=16)
        self._queues.add(queue)
        try:
            yield "retry: 2000\n\n"
            while True:
                try:
                    seq = await asyncio.wait_for(queue.get(), timeout=heartbeat_s)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                yield f"event: change\ndata: {json.dumps({'seq': seq})}\n\n"
        finally:
            self._queues.discard(queue)
