"""A demo province centre: services and counters, seeded idempotently."""

from __future__ import annotations

from queue_server.core.model import Counter, Service
from queue_server.store import repo
from queue_server.store.db import Database

# Typical minutes per citizen before any has been measured (the EWMA takes over after the first).
DEMO_SERVICE_MINUTES = {"HT": 9.0, "CT": 4.0, "DD": 14.0, "KD": 12.0, "GT": 7.0, "XH": 10.0, "TK": 3.0}


def demo_services() -> tuple[Service, ...]:
    """The queues of the packaged procedure catalogue, with typical service times."""
    from queue_server.catalogue import load_default_catalogue

    return tuple(
        Service(s.code, s.letter, s.name_vi, s.name_en, DEMO_SERVICE_MINUTES.get(s.code, 8.0))
        for s in load_default_catalogue().services
    )


def _counter(number: int, services: tuple[str, ...], floor: int) -> Counter:
    return Counter(
        id=str(number),
        name_vi=f"Quầy {number}",
        name_en=f"Counter {number}",
        services=services,
        area_vi=f"Quầy {number} – Tầng {floor}",
        area_en=f"Counter {number} – Floor {floor}",
    )


DEMO_COUNTERS: tuple[Counter, ...] = (
    _counter(1, ("HT", "CT"), 1),
    _counter(2, ("HT", "CT"), 1),
    _counter(3, ("CT", "HT"), 1),
    _counter(4, ("DD",), 1),
    _counter(5, ("DD", "KD"), 1),
    _counter(6, ("KD", "GT"), 2),
    _counter(7, ("GT", "XH"), 2),
    _counter(8, ("XH", "TK", "HT"), 2),
)


def seed_demo(db: Database) -> None:
    """Insert or update the demo services and counters; running it twice changes nothing."""
    with db.transaction() as conn:
        for position, service in enumerate(demo_services()):
            repo.upsert_service(conn, service, position)
        for position, counter in enumerate(DEMO_COUNTERS):
            repo.upsert_counter(conn, counter, position)
