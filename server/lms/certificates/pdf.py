"""Renders a certificate PDF (A4 landscape) from a course's certificate settings with reportlab.

Fonts: DejaVu when the system has it (wide Unicode coverage for learners' names), else the Vera
fonts reportlab ships with. Three layouts: default, classic and modern.
"""
from __future__ import annotations

import dataclasses
import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from lms.platform.pdffonts import document_fonts

_PALETTES = {
    "default": (colors.HexColor("#1f3a5f"), colors.HexColor("#4a6fa5")),
    "classic": (colors.HexColor("#6b4f1d"), colors.HexColor("#b8912f")),
    "modern": (colors.HexColor("#0f766e"), colors.HexColor("#14b8a6")),
}


@dataclasses.dataclass(frozen=True)
class CertificateContent:
    certificate_id: str
    learner_name: str
    course_title: str
    issued_at: datetime
    template: str
    custom_text: str
    show_date: bool
    show_course_name: bool
    hours: float | None  # None: not printed
    verify_url: str




def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to `size` at which `text` fits in `width`."""
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines[:4]


def render_certificate(content: CertificateContent) -> bytes:
    regular, bold = document_fonts()
    primary, accent = _PALETTES.get(content.template, _PALETTES["default"])
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"Certificate {content.certificate_id}")
    pdf.setAuthor("LMS")
    pdf.setSubject(content.course_title)

    if content.template == "modern":
        pdf.setFillColor(primary)
        pdf.rect(0, 0, 70, height, stroke=0, fill=1)
        pdf.setFillColor(accent)
        pdf.rect(70, 0, 8, height, stroke=0, fill=1)
        center = (width + 78) / 2
    else:
        pdf.setStrokeColor(primary)
        pdf.setLineWidth(6)
        pdf.rect(24, 24, width - 48, height - 48)
        if content.template == "classic":
            pdf.setStrokeColor(accent)
            pdf.setLineWidth(1.5)
            pdf.rect(36, 36, width - 72, height - 72)
        center = width / 2
    usable = width - 200

    pdf.setFillColor(primary)
    pdf.setFont(bold, 34)
    pdf.drawCentredString(center, height - 130, "Certificate of Completion")
    pdf.setFillColor(colors.black)
    pdf.setFont(regular, 15)
    pdf.drawCentredString(center, height - 180, "This certifies that")
    name_size = _fit(content.learner_name, bold, 30, usable)
    pdf.setFont(bold, name_size)
    pdf.drawCentredString(center, height - 225, content.learner_name)
    y = height - 265
    if content.show_course_name:
        pdf.setFont(regular, 15)
        pdf.drawCentredString(center, y, "has successfully completed the course")
        course_size = _fit(content.course_title, bold, 22, usable)
        pdf.setFillColor(primary)
        pdf.setFont(bold, course_size)
        pdf.drawCentredString(center, y - 32, content.course_title)
        pdf.setFillColor(colors.black)
        y -= 70
    else:
        pdf.setFont(regular, 15)
        pdf.drawCentredString(center, y, "has successfully completed the course requirements")
        y -= 40
    if content.custom_text:
        pdf.setFont(regular, 13)
        for line in _wrap(content.custom_text, regular, 13, usable):
            pdf.drawCentredString(center, y, line)
            y -= 18
    details = []
    if content.show_date:
        details.append(f"Issued {content.issued_at:%B %d, %Y}".replace(" 0", " "))
    if content.hours is not None:
        details.append(f"{content.hours:g} hours of learning")
    if details:
        pdf.setFont(regular, 12)
        pdf.drawCentredString(center, 110, "   ·   ".join(details))
    pdf.setFont(regular, 9)
    pdf.setFillColor(colors.HexColor("#555555"))
    pdf.drawCentredString(center, 70, f"Certificate ID {content.certificate_id}")
    pdf.drawCentredString(center, 56, f"Verify at {content.verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
