"""The demo site's waiting room as the display tests feed it: its seven services, eight counters calling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from motcua.contract.mqtt import QueueSummary, RecentCall, ServiceWaiting, topic_queue_summary
from queue_server.demo import DEMO_COUNTERS, demo_services

from .conftest import Publisher


def demo_waiting() -> list[ServiceWaiting]:
    """The demo site's seven services, with waiting counts as a busy morning has them."""
    return [
        ServiceWaiting(code=s.code, letter=s.letter, name_vi=s.name_vi, name_en=s.name_en, waiting=w,
                       priority_waiting=1, estimated_wait_min=float(w))
        for s, w in zip(demo_services(), (128, 34, 9, 0, 57, 12, 3), strict=True)
    ]  # fmt: skip


def many_waiting(count: int) -> list[ServiceWaiting]:
    """More services than fit on one screen, each with the demo's longest name."""
    longest = max(demo_services(), key=lambda s: len(s.name_vi))
    return [
        ServiceWaiting(code=f"S{i}", letter=chr(ord("A") + i), name_vi=f"{longest.name_vi} {i + 1}",
                       name_en=f"{longest.name_en} {i + 1}", waiting=100 + i, priority_waiting=0,
                       estimated_wait_min=1.0)
        for i in range(count)
    ]  # fmt: skip


def eight_counters_calling(publisher: Publisher, services: list[ServiceWaiting]) -> None:
    """A retained summary whose eight recent calls come from the demo's eight counters, then a live call."""
    now = datetime.now(UTC)
    recent = [
        RecentCall(number=f"{services[i % len(services)].letter}{100 + i:03d}", counter_id=c.id,
                   counter_name_vi=c.name_vi, counter_name_en=c.name_en, called_at=now - timedelta(minutes=i + 1))
        for i, c in enumerate(DEMO_COUNTERS)
    ]  # fmt: skip
    summary = QueueSummary(site=publisher.site, seq=40, updated_at=now, services=services, recent_calls=recent)
    publisher.send(topic_queue_summary(publisher.site), summary, retain=True)
