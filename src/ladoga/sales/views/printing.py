from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ladoga.accounts.access import get_visible_or_404

from .. import services
from ..models import Invoice, Proposal


@login_required
def proposal_print(request, proposal_id: int):
    proposal = get_visible_or_404(
        Proposal.objects.select_related("partner", "counterparty", "agreement", "manager"),
        request.user,
        pk=proposal_id,
    )
    return render(
        request,
        "sales/print_proposal.html",
        {
            "document": proposal,
            "lines": proposal.lines.select_related("product").order_by("position", "id"),
            "company": services.own_company(),
        },
    )


@login_required
def invoice_print(request, invoice_id: int):
    invoice = get_visible_or_404(
        Invoice.objects.select_related("partner", "counterparty", "order__agreement"),
        request.user,
        pk=invoice_id,
    )
    return render(
        request,
        "sales/print_invoice.html",
        {
            "document": invoice,
            "lines": invoice.order.lines.select_related("product").order_by("position", "id"),
            "stages": invoice.stages.all(),
            "company": services.own_company(),
        },
    )
