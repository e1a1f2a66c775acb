"""Which site events the agent may process now, while it also replays the site's event log over HTTP.

Events arrive over MQTT, from the agent's persistent session, and from the replay of the queue server's
log (``GET /api/v1/events``), which brings what the session never saw. MQTT may hand over event 12 while
the replay has yet to bring 3..11. Processing 12 first would move ``last_source_seq`` past 3..11, which
would then be dropped as already seen. So an event is processed only when it follows the last one
processed, or when the replay has read the log up to just before it (``verified_through``: every event of
the log up to there is processed or waiting in the inbox, so what is missing below it does not exist).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["next_backoff", "processable"]


def processable(seqs: Sequence[int], last: int, verified_through: int) -> int:
    """How many of the inbox's ``seqs`` (ascending) may be processed now, in order, after ``last``."""
    count = 0
    for seq in seqs:
        if seq > max(last, verified_through) + 1:
            break
        last = max(last, seq)
        count += 1
    return count


def next_backoff(current: float, *, first: float = 1.0, maximum: float = 30.0) -> float:
    """The pause before the next attempt after a failed one: doubling from ``first`` up to ``maximum``."""
    return first if current <= 0 else min(current * 2, maximum)
