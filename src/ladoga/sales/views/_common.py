"""The sales pages: orders with their posting result, agreements with approval, the
product catalogue, printable proposals and invoices, the own company's requisites.

What every page does alike lives here: paging, a form's round trip through its service
(`form_submit`), a one-button command or status move (`command_run`, `transition_run`),
and the partner-dependent selects of the proposal and order forms (`partner_options`,
`partner_options_show`, `partner_options_page`)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render

from ladoga.accounts.access import visible
from ladoga.core.errors import DomainError
from ladoga.partners.models import Counterparty, Partner
from ladoga.partners.queries import partners_visible_to

from .. import queries
from ..models import Agreement, AgreementStatus, Contract

PAGE_SIZE = 50

# The services name some fields as the API does (`base_id`); the forms call them `base`.
FIELD_ALIASES = {
    "base_id": "base",
    "price_type_id": "price_type",
    "partner_id": "partner",
    "agreement_id": "agreement",
    "counterparty_id": "counterparty",
    "contract_id": "contract",
    "loyalty_card_id": "loyalty_card",
}


def page_of(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def errors_onto(form, error: DomainError, rows: tuple[str, ...] = ()) -> int:
    """Show a service's violations on the form's fields (above the form when no field
    matches) and answer with the status to render the form with: 403 when the role may not
    do this, 400 otherwise. Violations about the `rows` (`lines…`, `stages`) are left for
    row_errors_onto."""
    for violation in error.violations:
        if (violation.field or "").split(".")[0] in rows:
            continue
        field = FIELD_ALIASES.get(violation.field, violation.field)
        form.add_error(field if field in form.fields else None, str(violation.message))
    return 403 if error.status == 403 else 400


def row_errors_onto(formset, error: DomainError, prefix: str, rows: list[int]) -> list[str]:
    """Put the violations about rows (`lines.2.quantity`) on the formset's row they came
    from (`rows[i]` is the form of the i-th row given to the service); the ones about the
    rows as a whole (`lines`, `stages`) are returned to show above the table."""
    general = []
    for violation in error.violations:
        parts = (violation.field or "").split(".")
        if parts[0] != prefix:
            continue
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = formset.forms[rows[int(parts[1])]]
            if parts[2] in form.fields:
                form.add_error(parts[2], str(violation.message))
                continue
        general.append(str(violation.message))
    return general


@dataclass
class Submission:
    """What became of a form: what the service answered (None when nothing was saved),
    the status to show the form with, and the violations about its rows as a whole."""

    saved: Any = None
    status: int = 200
    row_errors: list[str] = field(default_factory=list)


def form_submit(request, form, save: Callable, *, formset=None, filled_by: str = "") -> Submission:
    """A form's round trip on POST: when the form (and `formset`, if any) is valid,
    `save(data)` calls the service — `save(data, rows)` with a formset, `rows` being the
    cleaned data of the rows whose `filled_by` field is filled in and that are not marked
    for removal (a formset's DELETE box). The service's
    violations go onto the fields (onto the rows they name, for a formset) and nothing is
    saved; a GET only shows the form."""
    if request.method != "POST":
        return Submission()
    if not form.is_valid() or (formset is not None and not formset.is_valid()):
        return Submission(status=400)
    rows: list[int] = []
    try:
        if formset is None:
            return Submission(saved=save(form.cleaned_data))
        rows = [
            index
            for index, row in enumerate(formset.forms)
            if row.cleaned_data.get(filled_by) is not None and not row.cleaned_data.get("DELETE")
        ]
        return Submission(
            saved=save(form.cleaned_data, [formset.forms[index].cleaned_data for index in rows])
        )
    except DomainError as error:
        if formset is None:
            return Submission(status=errors_onto(form, error))
        return Submission(
            status=errors_onto(form, error, rows=(formset.prefix,)),
            row_errors=row_errors_onto(formset, error, formset.prefix, rows),
        )


# A refused document form (an order's or a proposal's, with its lines) goes through
# POST-redirect-GET too (web.prg): its input and errors travel in the session, once, to the
# form's next GET, so that a reload or a language switch shows the page, never posts again.
REFUSED = "prg:document:"


@dataclass
class Refused:
    """A refused document form kept for its page's next GET: the input, the head's
    errors, each row's errors, the errors about the rows as a whole."""

    data: QueryDict
    errors: dict
    rows: list
    row_errors: list[str]
    non_form: list[str]

    def show(self, form, formset) -> None:
        """Put the kept errors back on `form` and `formset` (bound to `data`), after a
        validation that gives them their cleaned data (the partner chosen, for its
        selects)."""
        form.is_valid()
        formset.is_valid()
        form._errors = ErrorDict({f: ErrorList(m) for f, m in self.errors.items()})
        for row, kept in zip(formset.forms, self.rows, strict=False):
            row._errors = ErrorDict({f: ErrorList(m) for f, m in kept.items()})
        formset._non_form_errors = formset.error_class(self.non_form)


def refused_keep(request, key: str, form, formset, row_errors: list[str]) -> None:
    """Keep a refused `form` and its `formset` (the same POST) for `refused_take`."""
    data = {name: request.POST.getlist(name) for name in request.POST}
    data.pop("csrfmiddlewaretoken", None)

    def errors_of(f) -> dict:
        return {name: [str(e) for e in errors] for name, errors in f.errors.items()}

    request.session[REFUSED + key] = {
        "data": data,
        "errors": errors_of(form),
        "rows": [errors_of(row) for row in formset.forms],
        "row_errors": [str(e) for e in row_errors],
        "non_form": [str(e) for e in formset.non_form_errors()],
    }


def refused_take(request, key: str) -> Refused | None:
    """The refused form kept under `key`, once (a reload shows the page afresh)."""
    kept = request.session.pop(REFUSED + key, None) if request.method == "GET" else None
    if not kept:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return Refused(data, kept["errors"], kept["rows"], kept["row_errors"], kept["non_form"])


def refused_redirect(request, key: str, form, formset, submitted: "Submission"):
    """After a refused POST: keep the form and answer a redirect to the same page."""
    refused_keep(request, key, form, formset, submitted.row_errors)
    return redirect(request.get_full_path())


def command_run(request, command: Callable, success: Callable[[Any], str]) -> bool:
    """Run a one-button command (`command()` calls the service) and say how it went: the
    service's violations as error messages, or `success(what it answered)`. Answers
    whether it ran."""
    try:
        result = command()
    except DomainError as error:
        for violation in error.violations:
            messages.error(request, str(violation.message))
        return False
    messages.success(request, success(result))
    return True


def agreements_accepted(user, document=None):
    """What a proposal or order form accepts as its agreement: any agreement the user may
    see that is not closed, and the `document`'s own whatever it has become since. The
    form offers fewer (`partner_options`); whether one applies to the document's partner
    is the posting control's to say."""
    own = Q(pk=document.agreement_id) if getattr(document, "agreement_id", None) else Q(pk__in=[])
    return queries.agreements_visible_to(user=user).filter(~Q(status=AgreementStatus.CLOSED) | own)


def transition_run(request, record, move: Callable[[str], Any], statuses, message: str) -> bool:
    """Move `record` (a document with a number) to the POSTed status with `move(status)`
    (the service's transition) and say how it went: the service's refusals, or `message`
    with the record's number and the status's label (`statuses` are its choices)."""
    status = request.POST.get("status", "")
    return command_run(
        request,
        lambda: move(status),
        lambda _moved: (
            message % {"number": record.number, "status": statuses(status).label.lower()}
        ),
    )


def picked_partner(request) -> Partner | None:
    """The partner named by `?partner=<id>` (None without one); 404 for one the user may
    not see, or for no number at all."""
    raw = request.GET.get("partner", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    partner = partners_visible_to(user=request.user).filter(pk=int(raw)).first()
    if partner is None:
        raise Http404
    return partner


def partner_options(user, partner: Partner | None, document=None) -> dict:
    """What a proposal or order form offers once `partner` is chosen, among the records
    the user may see: its active counterparties, the agreements offered to it
    (`queries.agreements_offered`) and its contracts, and the `document`'s own
    counterparty and agreement whatever they have become since. Nothing before a partner
    is chosen. (A form shows the ones of its fields: `DocumentHeadForm.partner_options_set`.)"""
    if partner is None:
        return {
            "counterparty": Counterparty.objects.none(),
            "agreement": Agreement.objects.none(),
            "contract": Contract.objects.none(),
        }
    counterparty_id = getattr(document, "counterparty_id", None)
    keep = Q(pk=counterparty_id) if counterparty_id is not None else Q(pk__in=[])
    return {
        "counterparty": visible(
            Counterparty.objects.filter(Q(status="active") | keep, partner=partner), user
        ).order_by("short_name", "id"),
        "agreement": queries.agreements_offered(
            partner=partner, user=user, keep=getattr(document, "agreement_id", None)
        ),
        "contract": queries.contracts_visible_to(user=user)
        .filter(partner=partner)
        .select_related("counterparty")
        .order_by("-date", "-id"),
    }


def partner_options_show(form, user, document=None, partner=None) -> None:
    """Offer in `form` the records of its partner: the `document`'s on an edit form, the
    partner sent with a new one that was refused, the `partner` it was opened for (from
    the partner card), none before one is picked."""
    if document is not None:
        partner = document.partner
    else:
        partner = getattr(form, "cleaned_data", {}).get("partner") or partner
    form.partner_options_set(
        partner_options(user, partner, document), partner_chosen=partner is not None
    )


def partner_options_page(request, form, options_url: str):
    """The partner-dependent selects of `form` (htmx, `sales/_partner_options.html`) for
    the partner in `?partner=`: that partner's records only. The fragment asks
    `options_url` again when the picked partner changes."""
    partner = picked_partner(request)
    form.partner_options_set(
        partner_options(request.user, partner), partner_chosen=partner is not None
    )
    return render(
        request,
        "sales/_partner_options.html",
        {"form": form, "picking": True, "options_url": options_url},
    )
