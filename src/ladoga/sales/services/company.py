"""The own organisation's requisites (S10)."""

from django.db import transaction

from ..models import OwnCompany
from ._common import clean, locked_checked, permission_check, stamp, unknown_changes_check

COMPANY_FIELDS = {
    "name",
    "full_name",
    "inn",
    "kpp",
    "ogrn",
    "address",
    "phone",
    "email",
    "bank_name",
    "bik",
    "account",
    "correspondent_account",
    "director",
    "accountant",
}


def own_company() -> OwnCompany:
    """The own company's row, made empty on first use."""
    return OwnCompany.objects.get_or_create(pk=1)[0]


@transaction.atomic
def company_update(*, expected_version: int | None, by=None, **changes) -> OwnCompany:
    """Change the requisites printed on proposals and invoices (administrators)."""
    permission_check(by, "sales.change_owncompany")
    unknown_changes_check(changes, COMPANY_FIELDS)
    company = locked_checked(OwnCompany, own_company(), expected_version)
    for key, value in changes.items():
        setattr(company, key, clean(value))
    stamp(company, by).save()
    return company
