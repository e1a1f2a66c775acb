"""The desk's printouts: the receipt and appointment slip and the supplement list, on the counter's printer.

Giấy tiếp nhận hồ sơ và hẹn trả kết quả (dossier code, procedure, papers received, appointment date, a QR to
follow the dossier) and phiếu hướng dẫn bổ sung hồ sơ (the papers still to bring), laid out as lines from
the dossier API's views and printed on the counter's network ESC/POS printer (``MOTCUA_COUNTER_PRINTERS``)
through ``motcua.runtime.escpos``: Vietnamese as a raster image, ASCII as text, the QR natively.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from motcua.runtime.escpos import Line, PrintLine, frame, print_document, render_lines

__all__ = [
    "PRESENTATION_VI",
    "follow_url",
    "line_json",
    "printer_url",
    "qr_png_data_uri",
    "receipt_lines",
    "render_png",
    "send",
    "supplement_lines",
]

PRESENTATION_VI = {"original": "bản chính", "copy": "bản sao", "shown": "xuất trình"}
PRESENTATION_EN = {"original": "original", "copy": "copy", "shown": "shown"}
_HOST_PORT = re.compile(r"^(?:tcp://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(?P<port>\d{1,5}))?$")


def printer_url(printers: Mapping[str, str], counter_id: str | None) -> str | None:
    """The ``tcp://host:port`` of a counter's printer (port 9100 by default), None when it has none."""
    if not counter_id or counter_id not in printers:
        return None
    match = _HOST_PORT.fullmatch(printers[counter_id].strip())
    if match is None:
        raise ValueError(f"bad printer address for counter {counter_id}")
    port = int(match["port"] or 9100)
    if not 0 < port < 65536:
        raise ValueError(f"bad printer port for counter {counter_id}")
    return f"tcp://{match['host']}:{port}"


def follow_url(public_url: str, code: str, token: str | None = None) -> str:
    """The page a citizen's phone opens to follow the dossier: ``{public_url}/d/{code}[?t={token}]``."""
    url = f"{public_url.rstrip('/')}/d/{quote(code, safe='')}"
    return f"{url}?t={quote(token, safe='')}" if token else url


def _local(iso: str | None, zone: ZoneInfo, fmt: str = "%H:%M, %d/%m/%Y") -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(zone).strftime(fmt)


def _applicant(view: Mapping[str, Any]) -> str | None:
    """The applicant's name as typed on the form (the field filled from the ID card's name)."""
    data = view.get("data") or {}
    for field in view.get("form") or []:
        if field.get("prefill") == "full_name" and data.get(field.get("name")):
            return str(data[field["name"]])
    return None


def _paper_text(item: Mapping[str, Any], count: int) -> str:
    name = str(item["vi"])
    presentation = str(item.get("presentation"))
    if presentation == "shown":  # looked at and handed back: no copies kept
        return name if "xuất trình" in name else f"{name} (xuất trình)"
    how = PRESENTATION_VI.get(presentation, presentation)
    return f"{name} ({how}: {count})"


def receipt_lines(
    view: Mapping[str, Any],
    *,
    site_name_vi: str,
    counter_name_vi: str | None,
    url: str,
    zone: ZoneInfo,
) -> list[Line]:
    """The receipt and appointment slip of a received dossier (``DossierView``), top to bottom."""
    procedure = view.get("procedure") or {}
    lines = [
        Line(site_name_vi.upper(), bold=True),
        Line("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", size="small", bold=True),
        Line("", kind="rule"),
        Line("GIẤY TIẾP NHẬN HỒ SƠ", size="large", bold=True),
        Line("VÀ HẸN TRẢ KẾT QUẢ", size="large", bold=True),
        Line("RECEIPT AND APPOINTMENT SLIP", size="small"),
        Line("", kind="blank"),
        Line("Mã hồ sơ / Dossier code:", size="small"),
        Line(str(view.get("code") or view.get("receipt_code") or ""), size="large", bold=True),
        Line("", kind="blank"),
        Line(f"Thủ tục: {procedure.get('name_vi') or view.get('procedure_name_vi') or ''}", align="left", bold=True),
    ]
    if procedure.get("national_code"):
        lines.append(Line(f"Mã TTHC: {procedure['national_code']}", size="small", align="left"))
    applicant = _applicant(view)
    if applicant:
        lines.append(Line(f"Người nộp: {applicant}", align="left"))
    lines.append(Line("Giấy tờ đã nhận:", align="left", bold=True))
    received = [item for item in view.get("checklist") or [] if item.get("received")]
    for i, item in enumerate(received, 1):
        lines.append(
            Line(
                f"{i}. {_paper_text(item, int(item.get('received_count') or item.get('count') or 1))}",
                size="small",
                align="left",
            )
        )
    if not received:
        lines.append(Line("(không có)", size="small", align="left"))
    lines += [
        Line("", kind="blank"),
        Line(f"Ngày nhận: {_local(view.get('received_at'), zone)}", align="left"),
        Line("HẸN TRẢ KẾT QUẢ", bold=True),
        Line(
            _local(view.get("due_at"), zone, "%H:%M, %d/%m/%Y") if view.get("due_at") else "—", size="large", bold=True
        ),
    ]
    if procedure.get("processing_time_vi"):
        lines.append(Line(f"Thời hạn giải quyết: {procedure['processing_time_vi']}", size="small"))
    staff = view.get("received_by")
    who = f"Cán bộ tiếp nhận: {staff}" if staff else "Cán bộ tiếp nhận: —"
    if counter_name_vi:
        who += f" – {counter_name_vi}"
    lines += [
        Line(who, size="small", align="left"),
        Line("", kind="rule"),
        Line(url, kind="qr"),
        Line("Quét mã QR để theo dõi hồ sơ", size="small"),
        Line("Scan to follow your dossier", size="small"),
        Line(url, size="small"),
        Line("", kind="blank"),
        Line("Mang theo giấy này khi đến nhận kết quả.", size="small", bold=True),
    ]
    return lines


def supplement_lines(missing: Mapping[str, Any], *, counter_name_vi: str | None, zone: ZoneInfo) -> list[Line]:
    """The phiếu hướng dẫn bổ sung hồ sơ (``MissingPapers``): what the citizen still has to bring."""
    procedure = missing.get("procedure") or {}
    lines = [
        Line(str(missing.get("site_name_vi") or "").upper(), bold=True),
        Line("", kind="rule"),
        Line("PHIẾU HƯỚNG DẪN", size="large", bold=True),
        Line("BỔ SUNG HỒ SƠ", size="large", bold=True),
        Line("WHAT TO BRING TO COMPLETE YOUR DOSSIER", size="small"),
        Line("", kind="blank"),
        Line(f"Thủ tục: {procedure.get('name_vi') or ''}", align="left", bold=True),
        Line(f"Mã phiếu: {missing.get('code') or missing.get('receipt_code') or ''}", align="left"),
        Line("Xin mang bổ sung các giấy tờ sau:", align="left", bold=True),
    ]
    for i, item in enumerate(missing.get("missing") or [], 1):
        lines.append(Line(f"{i}. {_paper_text(item, int(item.get('count') or 1))}", size="small", align="left"))
    note = missing.get("note_vi")
    if note:
        lines.append(Line(f"Lý do: {note}", size="small", align="left"))
    staff = missing.get("staff_id")
    who = f"Cán bộ hướng dẫn: {staff or '—'}" + (f" – {counter_name_vi}" if counter_name_vi else "")
    lines += [
        Line("", kind="blank"),
        Line(f"Ngày: {_local(missing.get('issued_at'), zone)}", size="small", align="left"),
        Line(who, size="small", align="left"),
        Line("", kind="rule"),
        Line("Khi đủ giấy tờ, mời ông/bà quay lại quầy để nộp hồ sơ.", size="small"),
    ]
    return lines


def send(lines: Sequence[PrintLine], url: str, *, timeout: float = 5.0) -> None:
    """Print on the printer at ``url`` (PrinterUnavailable on failure); blocking network I/O."""
    print_document(lines, url, timeout=timeout)


def render_png(lines: Sequence[PrintLine]) -> bytes:
    """The printout as a 1-bit PNG, as it comes out of the printer."""
    out = io.BytesIO()
    frame(render_lines(lines)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_png_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG ``data:`` URI (the browser-printed slip)."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(text.encode("utf-8"))
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").get_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def line_json(line: Line) -> dict[str, Any]:
    """A line as JSON for the browser-printed slip."""
    return {"text": line.text, "size": line.size, "bold": line.bold, "align": line.align, "kind": line.kind}
