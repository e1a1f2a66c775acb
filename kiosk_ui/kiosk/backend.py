"""The kiosk's adapters to the outside: the server (catalogue, search, tickets, dossiers), the catalogue
cache on disk (public data only), the printer with its status file, and the CCCD camera.

Everything here blocks; the controller calls it on worker threads, never on the UI thread.
Nothing a citizen typed or scanned is logged or written to disk.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from kiosk_ui.client import QueueClient
from kiosk_ui.core.cccd import CitizenIdentity
from kiosk_ui.core.kiosk_catalogue import Catalogue, ProcedureDetail, ProcedureSummary
from kiosk_ui.core.kiosk_visit import TicketView
from kiosk_ui.core.slip import TicketSlip
from kiosk_ui.kiosk_settings import KioskSettings
from motcua.contract.tickets import PriorityPublic

__all__ = ["CatalogueSource", "KioskBackend", "PrinterStatusFile", "TicketPrinter", "scan_identity", "slip_for"]

logger = logging.getLogger(__name__)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CatalogueSource:
    """The public catalogue: from the server when it answers, else from the cache file."""

    def __init__(self, settings: KioskSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.cache_path = settings.catalogue_cache
        self._http = httpx.Client(
            base_url=settings.server_url,
            headers={"Authorization": f"Bearer {settings.token}", "Accept": "application/json"},
            timeout=settings.request_timeout_s,
            transport=transport,
        )
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _get(self, path: str, **params: Any) -> Any:
        response = self._http.get(path, params=params or None)
        response.raise_for_status()
        return response.json()

    def load_cache(self) -> Catalogue | None:
        """The cached catalogue, or None if there is none (or it is unreadable)."""
        try:
            return Catalogue.from_json_text(self.cache_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("catalogue cache unreadable (%s); ignoring it", type(exc).__name__)
            return None

    def save_cache(self, catalogue: Catalogue) -> None:
        """Write the catalogue (public data) to the cache file."""
        with self._lock:
            try:
                _atomic_write(self.cache_path, catalogue.to_json_text())
            except OSError as exc:
                logger.warning("cannot write the catalogue cache: %s", type(exc).__name__)

    def fetch(self, *, with_details: bool = True) -> Catalogue:
        """Download the whole public catalogue (raises httpx.HTTPError when the server does not answer)."""
        fields = self._get("/api/v1/fields")
        services = self._get("/api/v1/services")
        # The lanes this site's server offers (its configuration), in the contract's shape.
        priorities = [PriorityPublic.model_validate(p).model_dump() for p in self._get("/api/v1/priorities")]
        procedures: list[dict[str, Any]] = []
        for item in fields:
            body = self._get("/api/v1/procedures", field=item["code"], limit=100)
            procedures += body.get("items", [])
        try:
            counters = self._get("/api/v1/counters")
        except httpx.HTTPStatusError:
            counters = []  # a token without the reader role: no "where to go" before the ticket
        details = []
        if with_details:
            for proc in procedures:
                try:
                    details.append(self._get(f"/api/v1/procedures/{proc['code']}"))
                except httpx.HTTPStatusError:
                    continue
        return Catalogue.from_parts(
            fields=fields,
            procedures=procedures,
            details=details,
            services=services,
            priorities=priorities,
            counters=counters,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def refresh(self, *, with_details: bool = True) -> Catalogue | None:
        """Fetch the catalogue (cached when complete, with every procedure page); None when the server is down."""
        try:
            catalogue = self.fetch(with_details=with_details)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            logger.warning("catalogue refresh failed: %s", type(exc).__name__)
            return None
        if with_details:
            self.save_cache(catalogue)
        return catalogue

    def ping(self) -> bool:
        """True when the server answers its health check now (short timeout: this runs every few seconds)."""
        try:
            return self._http.get("/api/v1/healthz", timeout=min(2.0, self.settings.request_timeout_s)).is_success
        except httpx.HTTPError:
            return False

    def procedure(self, code: str) -> ProcedureDetail | None:
        """One procedure's page from the server; None when it cannot be had."""
        try:
            return ProcedureDetail.from_json(self._get(f"/api/v1/procedures/{code}"))
        except (httpx.HTTPError, ValueError) as exc:
            logger.info("procedure detail unavailable: %s", type(exc).__name__)
            return None

    def search(self, query: str, catalogue: Catalogue) -> tuple[list[ProcedureSummary], bool]:
        """The server's search (with or without diacritics); the cached catalogue's when it is down."""
        try:
            body = self._get("/api/v1/procedures", q=query, limit=20)
            return [ProcedureSummary.from_json(item) for item in body.get("items", [])], False
        except (httpx.HTTPError, ValueError):
            return catalogue.search(query), True


class KioskBackend:
    """Tickets and dossiers through :class:`QueueClient` (idempotent retries with the caller's key)."""

    def __init__(self, settings: KioskSettings, client: QueueClient | None = None) -> None:
        self.settings = settings
        self.client = client or QueueClient(
            settings.server_url,
            settings.token,
            timeout=settings.request_timeout_s,
            retries=settings.request_retries,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def issue_ticket(self, service: str, priority: str | None, lang: str, key: str) -> TicketView:
        """Issue (or, with the same key, fetch again) a ticket; ClientError subclasses on failure."""
        issued = self.client.issue_ticket(service, priority, "en" if lang == "en" else "vi", key)
        return TicketView.of(issued, self.settings.track_base)

    def submit_dossier(self, procedure_code: str, ticket_id: str | None, data: dict[str, str], key: str) -> str:
        """Submit the dossier; its receipt code."""
        return self.client.submit_dossier(procedure_code, ticket_id, data, key).receipt_code

    def submit_feedback(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        """POST /api/v1/feedback (retried with the same key); ClientError subclasses on failure."""
        return self.client.submit_feedback(body, key)


def slip_for(
    ticket: TicketView, *, centre_name: str, lang: str, catalogue: Catalogue, receipt_code: str | None
) -> TicketSlip:
    """The printed slip of a ticket (no personal data on it)."""
    priority = catalogue.priority(ticket.priority)
    area_vi = ", ".join(ticket.counters_vi) or catalogue.where_to_go(ticket.service, "vi")
    area_en = ", ".join(ticket.counters_en) or catalogue.where_to_go(ticket.service, "en")
    return TicketSlip(
        centre_name=centre_name,
        number=ticket.number,
        service_name_vi=ticket.service_name_vi,
        service_name_en=ticket.service_name_en,
        counter_area_vi=area_vi,
        counter_area_en=area_en,
        issued_at=ticket.issued_at,
        estimated_wait_min=ticket.estimated_wait_min,
        people_ahead=ticket.people_ahead,
        track_url=ticket.track_url,
        priority_label_vi=f"Ưu tiên: {priority.name_vi}" if priority else None,
        priority_label_en=f"Priority: {priority.name_en}" if priority else None,
        receipt_code=receipt_code,
        lang="en" if lang == "en" else "vi",
    )


class PrinterStatusFile:
    """``printer_state.json`` for the edge agent: state, reason, counts, times. Never any ticket or citizen data."""

    def __init__(self, path: Path, printer_url: str) -> None:
        self.path = path
        self.printer_kind = printer_url.split(":", 1)[0]
        self.printed = 0
        self.failures = 0
        self.consecutive_failures = 0
        self.state = "unknown"
        self.reason: str | None = None
        self.last_ok_at: str | None = None
        self.last_fault_at: str | None = None
        self._lock = threading.Lock()

    def record(self, *, ok: bool, reason: str | None = None) -> None:
        """Record one print attempt and rewrite the file."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            if ok:
                self.printed += 1
                self.consecutive_failures = 0
                self.state, self.reason, self.last_ok_at = "ok", None, now
            else:
                self.failures += 1
                self.consecutive_failures += 1
                self.state, self.reason, self.last_fault_at = "fault", reason, now
            body = {
                "state": self.state,
                "reason": self.reason,
                "printer": self.printer_kind,
                "printed": self.printed,
                "failures": self.failures,
                "consecutive_failures": self.consecutive_failures,
                "last_ok_at": self.last_ok_at,
                "last_fault_at": self.last_fault_at,
                "updated_at": now,
            }
            try:
                _atomic_write(self.path, json.dumps(body, indent=1))
            except OSError as exc:
                logger.warning("cannot write the printer state file: %s", type(exc).__name__)


class TicketPrinter:
    """Prints slips through ``kiosk_ui.printing``; every outcome goes to the status file and the log."""

    def __init__(self, url: str, status: PrinterStatusFile) -> None:
        self.url = url
        self.status = status
        self.last_output: bytes | None = None  # the bytes of the last slip sent to a dummy: printer
        self._warned: str | None = None

    def warm_up(self) -> None:
        """Import the printing stack and render a sample slip once, so the first citizen does not wait for it."""
        from escpos.printer import Dummy

        from kiosk_ui.printing import print_slip
        from kiosk_ui.printing.samples import sample_slip

        print_slip(sample_slip("vi", priority=True), Dummy(), paper_check=False)

    def print_slip(self, slip: TicketSlip) -> str | None:
        """Print; None when printed, else the fault's reason code (the ticket stays on screen)."""
        from escpos.printer import Dummy

        from kiosk_ui.printing import PrinterUnavailable, open_printer, print_slip

        try:
            device = open_printer(self.url)
            print_slip(slip, device)
            if isinstance(device, Dummy):
                self.last_output = bytes(device.output)
            else:
                device.close()
        except PrinterUnavailable as fault:
            if self._warned != fault.reason:  # warn once per kind of fault, then stay quiet
                logger.warning("printer fault: %s", fault.reason)
                self._warned = fault.reason
            self.status.record(ok=False, reason=fault.reason)
            return fault.reason
        if self._warned is not None:
            logger.info("printer works again")
            self._warned = None
        self.status.record(ok=True)
        return None


def scan_identity(source: int | str, timeout: float, should_stop: Callable[[], bool]) -> CitizenIdentity | None:
    """Read a CCCD QR from the camera (index or video file) or a still image; None if none was found."""
    from kiosk_ui.camera import decode_file, scan_cccd
    from kiosk_ui.core.cccd import parse_cccd_qr

    if isinstance(source, str) and source.lower().endswith(_IMAGE_SUFFIXES):
        text = decode_file(source)
        if text is None:
            return None
        try:
            return parse_cccd_qr(text)
        except ValueError:
            return None
    return scan_cccd(source, timeout, should_stop=should_stop)
