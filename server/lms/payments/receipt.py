"""Renders an order's receipt as a one-page A4 PDF with reportlab (fonts as the certificates use)."""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from lms.payments import money
from lms.payments.models import Order, OrderItem
from lms.platform.pdffonts import document_fonts


def render_receipt(order: Order, items: list[OrderItem], buyer_name: str, site: str) -> bytes:
    regular, bold = document_fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Receipt for order {order.id}")
    pdf.setAuthor("LMS")
    currency = order.currency
    y = height - 72
    pdf.setFont(bold, 22)
    pdf.drawString(56, y, "Receipt")
    pdf.setFont(regular, 10)
    pdf.drawRightString(width - 56, y, site)
    y -= 30
    paid = order.paid_at.strftime("%Y-%m-%d %H:%M UTC") if order.paid_at else "-"
    for label, value in (("Order", f"#{order.id}"), ("Buyer", buyer_name), ("Status", order.status),
                         ("Paid", paid), ("Payment", order.gateway + (f" ({order.payment_reference})"
                                                                        if order.payment_reference else ""))):
        pdf.setFont(bold, 10)
        pdf.drawString(56, y, label)
        pdf.setFont(regular, 10)
        pdf.drawString(140, y, value[:90])
        y -= 16
    y -= 14
    pdf.setStrokeColor(colors.grey)
    pdf.line(56, y + 10, width - 56, y + 10)
    pdf.setFont(bold, 10)
    for x, text in ((56, "Course"), (330, "Qty"), (380, "Unit price"), (470, "Amount")):
        pdf.drawString(x, y - 4, text)
    y -= 22
    pdf.setFont(regular, 10)
    for item in items:
        title = item.course_title if len(item.course_title) <= 48 else item.course_title[:47] + "…"
        if item.status == "refunded":
            title += " (refunded)"
        pdf.drawString(56, y, title)
        pdf.drawString(330, y, str(item.quantity))
        pdf.drawString(380, y, money.fmt(item.unit_price, currency))
        pdf.drawString(470, y, money.fmt(item.line_total, currency))
        y -= 16
    y -= 8
    pdf.line(56, y + 10, width - 56, y + 10)
    for label, amount in (("Subtotal", order.subtotal), ("Discount" + (f" ({order.coupon_code})"
                                                                       if order.coupon_code else ""),
                                                          -order.discount if order.discount else order.discount),
                          ("Total", order.total), ("Refunded", order.refunded_amount)):
        if label == "Refunded" and not order.refunded_amount:
            continue
        pdf.setFont(bold if label == "Total" else regular, 10)
        pdf.drawString(380, y - 4, label)
        pdf.drawString(470, y - 4, f"{money.fmt(amount, currency)} {currency}")
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
