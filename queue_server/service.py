"""The queue server's use cases over one SQLite database: ``QueueService``.

Each use case loads state, asks the pure core, and persists state and events in one transaction; after
the commit the listeners (MQTT publisher, live console updates) are told. The use cases live in
``queue_server.usecases`` by seam (tickets, counter actions, queries, appointments); this class composes
them. Sibling desks (``queue_server.dossiers``, ``queue_server.feedback``) import this module, never the
reverse, and write their events through the public ``commit_events`` and ``notify``.
"""

from __future__ import annotations

from queue_server.idempotency import IdempotencyConflict
from queue_server.usecases.appointments import AppointmentUseCases
from queue_server.usecases.base import Clock, Listener, new_ticket_id, utc_now
from queue_server.usecases.counters import CounterUseCases
from queue_server.usecases.queries import QueueQueries

__all__ = ["Clock", "IdempotencyConflict", "Listener", "QueueService", "new_ticket_id", "utc_now"]


class QueueService(AppointmentUseCases, CounterUseCases, QueueQueries):
    """Use cases of one site's queue over one SQLite database.

    Built as ``QueueService(db, site_id, config=..., clock=..., listeners=...)`` (the fields of
    ``queue_server.usecases.base.ServiceCore``).
    """
