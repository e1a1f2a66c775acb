"""Dossier KPIs (pure): desk time, productivity against the level's target, on time, digitisation, shares."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent
from motcua.domain.dossier_kpis import LEVEL_TARGETS, compute_dossier_kpis, projected_year

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def received(staff: str, desk_min: float, *, kiosk: bool, digitised: int, papers: int = 3) -> DomainEvent:
    return DomainEvent.of(
        ev.DOSSIER_RECEIVED,
        AT,
        ev.DossierReceived(
            dossier_id=f"d-{staff}-{desk_min}",
            procedure_code="HT-KS-02",
            status="received",
            staff_id=staff,
            desk_min=desk_min,
            prepared_at_kiosk=kiosk,
            papers_received=papers,
            papers_digitised=digitised,
        ),
    )


def ready(on_time: bool, early: bool, digitised: bool) -> DomainEvent:
    return DomainEvent.of(
        ev.DOSSIER_RESULT_READY,
        AT,
        ev.DossierResultReady(
            dossier_id="r",
            procedure_code="P",
            status="result_ready",
            on_time=on_time,
            early=early,
            result_digitised=digitised,
        ),
    )


def test_the_plan_figures_from_events():
    events = [
        received("NV01", 10, kiosk=True, digitised=3),
        received("NV01", 20, kiosk=False, digitised=0),
        received("NV01", 40, kiosk=True, digitised=1),
        received("NV02", 25, kiosk=False, digitised=3),
        ready(True, True, True),
        ready(True, False, False),
        ready(False, False, True),
        DomainEvent.of(
            ev.DOSSIER_SUPPLEMENT_REQUESTED,
            AT,
            ev.DossierSupplementRequested(dossier_id="x", procedure_code="P", status="supplement_requested"),
        ),
        DomainEvent(ev.TICKET_ISSUED, AT, {}),
    ]
    k = compute_dossier_kpis(events, level="district", working_days=5)
    assert k["received"] == 4 and k["kiosk_share"] == 50.0
    assert k["desk_time_min"]["p50"] == 22.5 and k["desk_time_min"]["max"] == 40.0
    assert k["desk_time_min"]["within_target_share"] == 75.0
    assert k["by_staff"]["NV01"] == {
        "received": 3,
        "projected_year": 150.0,
        "target_min": 1000,
        "target_max": None,
        "meets_target": False,
    }
    assert k["results"] == {"count": 3, "on_time": 2, "early": 1, "late": 1, "on_time_rate": 66.7, "early_rate": 33.3}
    assert k["digitisation"] == {"dossiers_rate": 75.0, "papers_rate": 58.3, "results_rate": 66.7}
    assert k["supplement_rate"] == 25.0


def test_projection_and_targets():
    assert projected_year(8, 1) == 2000.0  # 8 a day over 250 working days meets the province's 1,800
    assert LEVEL_TARGETS["commune"] == (500, 800)
    k = compute_dossier_kpis([received("A", 5, kiosk=True, digitised=1)] * 8, level="province")
    assert k["by_staff"]["A"]["meets_target"] is True
    empty = compute_dossier_kpis([])
    assert empty["kiosk_share"] is None and empty["results"]["on_time_rate"] is None
    with pytest.raises(ValueError, match="level"):
        compute_dossier_kpis([], level="ward")
    with pytest.raises(ValueError, match="working_days"):
        projected_year(1, 0)
