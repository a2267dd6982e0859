"""The sales pages: orders with their posting result, agreements with approval, the
product catalogue, printable proposals and invoices, the own company's requisites."""

from django.core.paginator import Paginator

from ladoga.core.errors import DomainError

PAGE_SIZE = 50

# The services name some fields as the API does (`base_id`); the forms call them `base`.
FIELD_ALIASES = {
    "base_id": "base",
    "price_type_id": "price_type",
    "partner_id": "partner",
    "agreement_id": "agreement",
    "counterparty_id": "counterparty",
    "contract_id": "contract",
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
