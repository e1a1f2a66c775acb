"""Render a form layout (YAML) with its data to an A4 PDF: reportlab, DejaVu Serif embedded.

A layout is a YAML file (packaged defaults in ``queue_server/forms/templates/``, a site's copies in
``<data_dir>/forms/`` win): ``form`` (e.g. "Mẫu số 01"), ``title``, ``subtitle``, ``landscape``, ``body``
(a list of blocks: ``p`` a paragraph, ``table`` rows from a list of the data, ``spacer`` millimetres) and
``signatures`` (columns of a signature block). Every string is a Jinja2 template (sandboxed, auto-escaped)
rendered with the form's data; the result is reportlab paragraph markup, so ``<b>``, ``<i>`` and ``<br/>``
may be written in a layout. See docs/forms.md.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2.sandbox import SandboxedEnvironment
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PACKAGED = Path(__file__).with_name("templates")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT = "MotcuaSerif"
_FACES = {
    "": "DejaVuSerif.ttf",
    "-Bold": "DejaVuSerif-Bold.ttf",
    "-Italic": "DejaVuSerif-Italic.ttf",
    "-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
}


class LayoutError(ValueError):
    """A layout file that cannot be used (bad YAML, unknown block, template error)."""


@cache
def register_fonts(font_dir: str | None = None) -> str:
    """Register DejaVu Serif (four faces) once; the family name. Fonts are embedded (subset) in each PDF."""
    dirs = [Path(font_dir)] if font_dir else list(FONT_DIRS)
    for folder in dirs:
        if all((folder / name).is_file() for name in _FACES.values()):
            for suffix, name in _FACES.items():
                pdfmetrics.registerFont(TTFont(FONT + suffix, str(folder / name)))
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Italic", boldItalic=FONT + "-BoldItalic"
            )
            return FONT
    raise RuntimeError(f"DejaVu Serif fonts not found in {', '.join(map(str, dirs))} (install fonts-dejavu-core)")


_ENV = SandboxedEnvironment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def load_layout(name: str, site_dir: Path | None) -> dict[str, Any]:
    """The layout ``name`` (e.g. ``mau01``): the site's copy in ``site_dir`` if there, else the packaged one."""
    for folder in ([site_dir] if site_dir else []) + [PACKAGED]:
        path = folder / f"{name}.yaml"
        if path.is_file():
            try:
                layout = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise LayoutError(f"{path}: {exc}") from None
            if not isinstance(layout, dict):
                raise LayoutError(f"{path}: a layout is a mapping")
            layout["_source"] = str(path)
            return layout
    raise LayoutError(f"no layout '{name}'")


def _t(text: Any, data: Mapping[str, Any]) -> str:
    if text is None:
        return ""
    try:
        out = _ENV.from_string(str(text)).render(**data)
    except Exception as exc:  # a site's template error must not become a half-made paper
        raise LayoutError(f"template {str(text)[:60]!r}: {exc}") from None
    return unicodedata.normalize("NFC", out.strip())


@dataclass(frozen=True)
class Styles:
    normal: ParagraphStyle
    center: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle


def _styles(font: str, size: float) -> Styles:
    normal = ParagraphStyle(
        "n", fontName=font, fontSize=size, leading=size * 1.35, alignment=TA_JUSTIFY, spaceAfter=size * 0.35
    )
    return Styles(
        normal=normal,
        center=ParagraphStyle("c", parent=normal, alignment=TA_CENTER, spaceAfter=0),
        right=ParagraphStyle("r", parent=normal, alignment=TA_RIGHT),
        title=ParagraphStyle(
            "t",
            parent=normal,
            fontName=font + "-Bold",
            fontSize=size + 2,
            leading=(size + 2) * 1.3,
            alignment=TA_CENTER,
            spaceBefore=size * 0.8,
            spaceAfter=size * 0.2,
        ),
        cell=ParagraphStyle(
            "cell", parent=normal, fontSize=size - 1.5, leading=(size - 1.5) * 1.25, alignment=TA_LEFT, spaceAfter=0
        ),
        head=ParagraphStyle(
            "head",
            parent=normal,
            fontName=font + "-Bold",
            fontSize=size - 1.5,
            leading=(size - 1.5) * 1.25,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
    )


def _font(st: Styles) -> list[tuple[Any, ...]]:
    """Table cells draw with Helvetica unless told: name the embedded face (no unembedded font in the PDF)."""
    return [("FONTNAME", (0, 0), (-1, -1), st.normal.fontName)]


def _header(layout: Mapping[str, Any], data: Mapping[str, Any], st: Styles, width: float) -> list[Any]:
    left = _t(layout.get("agency_block", "{{ superior_agency|upper }}<br/><b>{{ agency|upper }}</b>"), data)
    right = _t(
        layout.get(
            "motto",
            "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br/><b><u>Độc lập - Tự do - Hạnh phúc</u></b>",
        ),
        data,
    )
    number = _t(layout.get("number", ""), data)
    place = _t(layout.get("place_date", "<i>{{ place }}{{ ', ' if place }}{{ issued_date_long }}</i>"), data)
    small = ParagraphStyle("h", parent=st.center, fontSize=st.normal.fontSize - 1, leading=st.normal.leading - 1)
    left_cells = [Paragraph(left, small)] + ([Paragraph(number, small)] if number else [])
    right_cells = [Paragraph(right, small), Spacer(1, 2 * mm), Paragraph(place, small)]
    header = Table([[left_cells, right_cells]], colWidths=[width * 0.4, width * 0.6])
    header.setStyle(TableStyle([*_font(st), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    out: list[Any] = []
    form = _t(layout.get("form", ""), data)
    if form:
        out.append(Paragraph(f"<b>{form}</b>", st.right))
    out.append(header)
    return out


def _table(block: Mapping[str, Any], data: Mapping[str, Any], st: Styles, width: float) -> Table:
    columns: Sequence[Mapping[str, Any]] = block.get("columns") or []
    if not columns:
        raise LayoutError("a table needs columns")
    rows_of = data.get(str(block.get("rows", "")), [])
    total = sum(float(c.get("width", 1)) for c in columns)
    widths = [width * float(c.get("width", 1)) / total for c in columns]
    cells: list[list[Any]] = [[Paragraph(_t(c.get("head", ""), data), st.head) for c in columns]]
    for n, row in enumerate(rows_of, start=1):
        ctx = {**data, "row": row, "n": n}
        cells.append([Paragraph(_t(c.get("cell", ""), ctx), st.cell) for c in columns])
    if len(cells) == 1:
        empty = _t(block.get("empty", "(không có)"), data)
        cells.append([Paragraph(empty, st.cell)] + [""] * (len(columns) - 1))
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_font(st),
                ("LEFTPADDING", (0, 0), (-1, -1), float(block.get("padding", 6))),
                ("RIGHTPADDING", (0, 0), (-1, -1), float(block.get("padding", 6))),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return table


def _signatures(sigs: Sequence[Mapping[str, Any]], data: Mapping[str, Any], st: Styles, width: float) -> Table:
    row = []
    for sig in sigs:
        parts = [f"<b>{_t(sig.get('title', ''), data)}</b>"]
        note = _t(sig.get("note", ""), data)
        if note:
            parts.append(f"<i>{note}</i>")
        parts.append("<br/>" * int(sig.get("space_lines", 3)))
        name = _t(sig.get("name", ""), data)
        if name:
            parts.append(f"<b>{name}</b>")
        row.append(Paragraph("<br/>".join(parts), st.center))
    table = Table([row], colWidths=[width / len(sigs)] * len(sigs))
    table.setStyle(TableStyle([*_font(st), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render_pdf(layout: Mapping[str, Any], data: Mapping[str, Any], *, font_dir: str | None = None) -> bytes:
    """The A4 PDF of ``layout`` filled with ``data``; the same inputs give the same bytes (invariant mode)."""
    font = register_fonts(font_dir)
    size = float(layout.get("font_size", 12))
    st = _styles(font, size)
    page = landscape(A4) if layout.get("landscape") else A4
    margins = layout.get("margins_mm", [20, 15, 20, 30])  # top, right, bottom, left (Decree 30/2020 margins)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        topMargin=margins[0] * mm,
        rightMargin=margins[1] * mm,
        bottomMargin=margins[2] * mm,
        leftMargin=margins[3] * mm,
        title=_t(layout.get("title", ""), data).replace("<br/>", " "),
        author=_t("{{ agency }}", data),
        subject=_t(layout.get("form", ""), data),
        creator="motcua",
        invariant=1,
        initialFontName=font,
        initialFontSize=size,
    )
    width = page[0] - (margins[1] + margins[3]) * mm
    story: list[Any] = _header(layout, data, st, width)
    story.append(Paragraph(_t(layout.get("title", ""), data), st.title))
    subtitle = _t(layout.get("subtitle", ""), data)
    if subtitle:
        story.append(Paragraph(subtitle, st.center))
    story.append(Spacer(1, 4 * mm))
    for block in layout.get("body") or []:
        if not isinstance(block, dict) or len(block) != 1:
            raise LayoutError(f"a body block is one of p, table, spacer: {block!r}")
        ((kind, value),) = block.items()
        if kind == "p":
            text = _t(value, data)
            if text:
                story.append(Paragraph(text, st.normal))
        elif kind == "table":
            story.append(_table(value, data, st, width))
            story.append(Spacer(1, 2 * mm))
        elif kind == "spacer":
            story.append(Spacer(1, float(value) * mm))
        else:
            raise LayoutError(f"unknown body block '{kind}'")
    sigs = layout.get("signatures") or []
    if sigs:
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([_signatures(sigs, data, st, width)]))
    doc.build(story)
    return buffer.getvalue()
