"""Builds a small hand-made dossier history with the server's typed payload models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from monitor.analytics.model import Event
from motcua.contract import events as ev
from motcua.contract.uplink import UplinkEvent

DAY = date(2026, 11, 26)  # a Thursday
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 08:00 in Việt Nam


class DossierFeed:
    """One site's dossier lifecycle events, built through the payload models as the server builds them."""

    def __init__(self, site: str = "s1") -> None:
        self.site = site
        self.seq = 0
        self.events: list[Event] = []

    def add(self, type_: str, at: datetime, payload: ev.EventData) -> Event:
        self.seq += 1
        event = ev.DomainEvent.of(type_, at, payload)
        item = Event(self.site, self.seq, event.type, event.at, event.data)
        self.events.append(item)
        return item

    def uplink(self) -> list[UplinkEvent]:
        return [UplinkEvent(site=e.site, seq=e.seq, kind="business", type=e.type, at=e.at, data=dict(e.data)) for e in self.events]

    @staticmethod
    def base(dossier_id: str, status: str, **extra: object) -> dict[str, object]:
        return {"dossier_id": dossier_id, "procedure_code": "HT-KS-01", "service": "HT", "status": status, **extra}

    def received(
        self,
        dossier_id: str,
        minute: float,
        *,
        staff: str = "cb01",
        desk_min: float | None = 12.0,
        kiosk: bool = False,
        papers: int = 2,
        digitised: int = 2,
        due_in: timedelta = timedelta(days=3),
    ) -> Event:
        at = T0 + timedelta(minutes=minute)
        return self.add(
            ev.DOSSIER_RECEIVED,
            at,
            ev.DossierReceived(
                **self.base(dossier_id, "received", code=f"HS-{dossier_id}", staff_id=staff, due_at=(at + due_in).isoformat()),
                channel="kiosk" if kiosk else "desk",
                prepared_at_kiosk=kiosk,
                desk_min=desk_min,
                papers_required=papers,
                papers_received=papers,
                papers_digitised=digitised,
            ),
        )

    def result(self, dossier_id: str, at: datetime, *, on_time: bool = True, early: bool = False, digitised: bool = True) -> Event:
        return self.add(
            ev.DOSSIER_RESULT_READY,
            at,
            ev.DossierResultReady(
                **self.base(dossier_id, "result_ready"), on_time=on_time, early=early, result_digitised=digitised
            ),
        )

    def supplement(self, dossier_id: str, at: datetime) -> Event:
        return self.add(
            ev.DOSSIER_SUPPLEMENT_REQUESTED,
            at,
            ev.DossierSupplementRequested(**self.base(dossier_id, "supplement_requested"), kinds=["CCCD"]),
        )

    def closed(self, type_: str, dossier_id: str, at: datetime) -> Event:
        return self.add(type_, at, ev.DossierClosed(**self.base(dossier_id, type_.split(".")[1]), reason_given=True))

    def overdue(self, dossier_id: str, at: datetime, due_at: datetime) -> Event:
        return self.add(ev.DOSSIER_OVERDUE, at, ev.DossierEvent(**self.base(dossier_id, "received", due_at=due_at.isoformat())))
