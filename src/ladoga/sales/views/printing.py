"""The printable proposal and invoice (S6, S10): an A4 page, or the same content as a PDF
with `?format=pdf`. Both answer 404 for a document the user cannot see."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from ladoga.accounts.access import get_visible_or_404

from .. import pdf, services
from ..models import Invoice, Proposal


def _wants_pdf(request) -> bool:
    return request.GET.get("format") == "pdf"


def _pdf_response(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    name = re.sub(r"[^\w.-]", "_", number, flags=re.ASCII) or "document"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def proposal_print(request, proposal_id: int):
    proposal = get_visible_or_404(
        Proposal.objects.select_related("partner", "counterparty", "agreement", "manager"),
        request.user,
        pk=proposal_id,
    )
    context = {
        "document": proposal,
        "lines": proposal.lines.select_related("product").order_by("position", "id"),
        "company": services.own_company(),
    }
    if _wants_pdf(request):
        return _pdf_response(pdf.proposal_pdf(**context), proposal.number)
    return render(request, "sales/print_proposal.html", context)


@login_required
def invoice_print(request, invoice_id: int):
    invoice = get_visible_or_404(
        Invoice.objects.select_related("partner", "counterparty", "order__agreement"),
        request.user,
        pk=invoice_id,
    )
    context = {
        "document": invoice,
        "lines": invoice.order.lines.select_related("product").order_by("position", "id"),
        "stages": invoice.stages.all(),
        "company": services.own_company(),
    }
    if _wants_pdf(request):
        return _pdf_response(pdf.invoice_pdf(**context), invoice.number)
    return render(request, "sales/print_invoice.html", context)
