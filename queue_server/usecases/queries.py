"""Reads of the queue: services, counters, the waiting lists with estimates, the event log, KPIs."""

from __future__ import annotations

from typing import Any

from motcua.contract.events import DomainEvent
from motcua.domain.dossier_kpis import compute_dossier_kpis
from motcua.domain.kpis import compute_kpis
from queue_server.core.feedback import compute_feedback_kpis
from queue_server.core.model import Counter, Service, Ticket, TicketStatus
from queue_server.store import feedback_repo, repo
from queue_server.usecases.base import ServiceCore


class QueueQueries(ServiceCore):
    """What the displays, consoles and reports read."""

    def services(self) -> list[Service]:
        """All services in display order."""
        with self._transaction() as conn:
            return list(repo.load_services(conn).values())

    def counters(self) -> list[tuple[Counter, Ticket | None]]:
        """All counters with the ticket each has called or is serving."""
        with self._transaction() as conn:
            active = repo.load_active(conn)
            return [(c, active.get(c.id)) for c in repo.load_counters(conn)]

    def counter(self, counter_id: str) -> tuple[Counter, Ticket | None]:
        """One counter with its current ticket."""
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            return counter, repo.load_active_at_counter(conn, counter_id)

    def queue(self) -> list[dict[str, Any]]:
        """Waiting per service, with the estimated wait of a ticket taken now."""
        with self._transaction() as conn:
            now = self.clock()
            waiting = self._waiting(conn)
            result = []
            for service in repo.load_services(conn).values():
                mine = [t for t in waiting if t.service == service.code]
                probe = Ticket(
                    id="__probe__",
                    day=self.today(now),
                    service=service.code,
                    number="",
                    priority=None,
                    status=TicketStatus.WAITING,
                    issued_at=now,
                    queued_at=now,
                )
                estimate = self._estimate(conn, probe, now)
                result.append(
                    {
                        "code": service.code,
                        "letter": service.letter,
                        "name_vi": service.name_vi,
                        "name_en": service.name_en,
                        "waiting": len(mine),
                        "priority_waiting": sum(1 for t in mine if t.priority),
                        "estimated_wait_min": estimate.minutes if estimate else None,
                        "tickets": [
                            {
                                "id": t.id,
                                "number": t.number,
                                "priority": t.priority,
                                "issued_at": t.issued_at.isoformat(),
                            }
                            for t in sorted(mine, key=lambda t: (not t.head_of_queue, t.issued_at))
                        ],
                    }
                )
            return result

    def waiting(self) -> list[Ticket]:
        """Every waiting ticket of the site."""
        with self._transaction() as conn:
            return self._waiting(conn)

    def events_after(self, after: int, limit: int) -> tuple[list[tuple[int, DomainEvent]], int]:
        """Up to ``limit`` events of the log with ``seq`` > ``after``, oldest first, and the newest ``seq``.

        Read on the WAL reader connection, so a reader never waits for a writer. The log has no holes that
        fill later: sequence numbers are given under the one writer lock and committed in that order, so
        once ``seq`` N is visible every event before N is visible too.
        """
        rows = self.db.read("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        events = [repo.event_from_row(row) for row in rows]
        newest = self.db.read("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")[0]["seq"]
        return events, max(newest if isinstance(newest, int) else 0, events[-1][0] if events else 0)

    def kpis(self, day: str | None = None) -> dict[str, Any]:
        """KPIs of one service day, computed from the event log (citizen feedback included)."""
        with self._transaction() as conn:
            now = self.clock()
            the_day = day or self.today(now)
            events = repo.load_events_of_day(conn, the_day)
            report = compute_kpis(events, now if the_day == self.today(now) else None)
            # Satisfaction % (per criterion / counter / service), comment sentiment, flagged comments.
            report["feedback"] = compute_feedback_kpis(events, feedback_repo.load_sentiments(conn, the_day))
            report["dossiers"] = compute_dossier_kpis(events)  # desk time, productivity, on-time, digitisation
        report["day"] = the_day
        report["site"] = self.site_id
        return report

    def counter_today(self, counter_id: str) -> dict[str, Any]:
        """Today's served count and mean service time at one counter.

        Every open counter page asks for this after every change in the site, so the per-counter figures
        are computed once per new event, not once per request.
        """
        with self._transaction() as conn:
            day = self.today()
            last = repo.last_event_seq(conn)
            if self._by_counter_cache is None or self._by_counter_cache[:2] != (day, last):
                by_counter = compute_kpis(repo.load_events_of_day(conn, day))["by_counter"]
                self._by_counter_cache = (day, last, by_counter)
            stats = self._by_counter_cache[2].get(counter_id)
        return {
            "served": stats["served"] if stats else 0,
            "mean_service_min": stats["service_min"]["mean"] if stats else None,
        }
