"""Fonts of the PDFs the service renders (certificates, receipts): one registration per process."""
from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def document_fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans where the system has it (accents, most scripts), else the Vera
    fonts reportlab ships, else Helvetica."""
    import reportlab

    candidates = [(_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf")]
    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates.append((bundled / "Vera.ttf", bundled / "VeraBd.ttf"))
    for regular, bold in candidates:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("CertSans", str(regular)))
            pdfmetrics.registerFont(TTFont("CertSans-Bold", str(bold)))
            return "CertSans", "CertSans-Bold"
    return "Helvetica", "Helvetica-Bold"
