"""The sane range of every business date a person or an integrator enters.

A deal opened next month and won today would have a cycle of −30 days, a claim dated next
year an "open" count of −1, and year 0001 a document number DL-1-000001. So each entered
date has a range, decided here per field in one table (`DATE_RULES`) and checked before any
record is written (`dates_check`, called for every save by `core.guards`):

* a **fact** (a deal opened, a claim registered or resolved, a payment or shipment made) is
  not before 2000-01-01 and not after today in the user's time zone;
* a **document** date (proposal, order, invoice, contract) may be prepared up to a year
  ahead;
* a **plan** (expected close, validity, prices from, due dates, meetings, reminders) reaches
  at most ten years ahead;
* a **birthday** is not before 1900 and not in the future.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .errors import ValidationFailed, Violation

EARLIEST = datetime.date(2000, 1, 1)
DATE_OUT_OF_RANGE = "date_out_of_range"
DOCUMENT_DAYS_AHEAD = 366
PLAN_YEARS_AHEAD = 10
PLAN_DAYS_AHEAD = PLAN_YEARS_AHEAD * 366


@dataclass(frozen=True)
class DateRule:
    """How far back and ahead of today a date may lie."""

    future_days: int
    earliest: datetime.date = EARLIEST


FACT = DateRule(future_days=0)
DOCUMENT = DateRule(future_days=DOCUMENT_DAYS_AHEAD)
PLAN = DateRule(future_days=PLAN_DAYS_AHEAD)
BIRTHDAY = DateRule(future_days=0, earliest=datetime.date(1900, 1, 1))
FREE = DateRule(future_days=PLAN_DAYS_AHEAD, earliest=datetime.date(1900, 1, 1))

# "app_label.model.field" → its rule. Dates the system sets itself (created, posted, closed,
# sent…) are not listed: nobody enters them.
DATE_RULES: dict[str, DateRule] = {
    "deals.deal.opened_on": FACT,
    "deals.deal.expected_close_date": PLAN,
    "claims.claim.date": FACT,
    "claims.claim.resolved_on": FACT,
    "sales.proposal.date": DOCUMENT,
    "sales.proposal.valid_until": PLAN,
    "sales.customerorder.date": DOCUMENT,
    "sales.customerorder.delivery_date": PLAN,
    "sales.supplierorder.date": DOCUMENT,
    "sales.invoice.date": DOCUMENT,
    "sales.invoicestage.due_date": PLAN,
    "sales.shipment.date": FACT,
    "sales.payment.date": FACT,
    "sales.payment.due_date": PLAN,
    "sales.agreement.valid_from": PLAN,
    "sales.agreement.valid_to": PLAN,
    "sales.contract.date": DOCUMENT,
    "sales.contract.valid_from": PLAN,
    "sales.contract.valid_to": PLAN,
    "sales.price.effective_from": PLAN,
    "interactions.interaction.start": PLAN,
    "interactions.interaction.end": PLAN,
    "interactions.interaction.review_after": PLAN,
    "interactions.task.due_date": PLAN,
    "interactions.reminder.remind_at": PLAN,
    "partners.contactperson.birthday": BIRTHDAY,
    "partners.propertyvalue.value_date": FREE,
}


def today() -> datetime.date:
    """Today in the active (the user's) time zone."""
    return timezone.localdate()


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def date_violation(
    value, *, field: str, rule: DateRule, code: str = DATE_OUT_OF_RANGE, label=None
) -> Violation | None:
    """The violation of a date outside its rule's range, or None."""
    if not isinstance(value, datetime.date):
        return None
    day = _as_date(value)
    latest = today() + datetime.timedelta(days=rule.future_days)
    name = str(label or field).capitalize()
    if day < rule.earliest:
        message = _("%(field)s cannot be earlier than %(date)s.") % {
            "field": name,
            "date": date_format(rule.earliest, "SHORT_DATE_FORMAT"),
        }
    elif day > latest:
        if rule.future_days == 0:
            message = _("%(field)s cannot be later than today.") % {"field": name}
        else:
            message = _("%(field)s cannot be later than %(date)s.") % {
                "field": name,
                "date": date_format(latest, "SHORT_DATE_FORMAT"),
            }
    else:
        return None
    return Violation(code, message, field)


def business_date_check(
    value,
    *,
    field: str,
    future_days: int = 0,
    earliest: datetime.date = EARLIEST,
    code: str = DATE_OUT_OF_RANGE,
    label=None,
):
    """Refuse a business date before `earliest` (2000-01-01) or more than `future_days`
    after today in the user's time zone (0: not after today)."""
    rule = DateRule(future_days=future_days, earliest=earliest)
    found = date_violation(value, field=field, rule=rule, code=code, label=label)
    if found:
        raise ValidationFailed([found])
    return value


def rule_of(model: type[models.Model], field: models.Field) -> DateRule | None:
    return DATE_RULES.get(f"{model._meta.label_lower}.{field.name}")


def dates_check(instance: models.Model) -> None:
    """Refuse a record with an entered date outside its field's range (DATE_RULES)."""
    violations = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DateField):
            continue
        rule = rule_of(type(instance), field)
        if rule is None:
            continue
        found = date_violation(
            getattr(instance, field.attname),
            field=field.name,
            rule=rule,
            label=field.verbose_name,
        )
        if found:
            violations.append(found)
    if violations:
        raise ValidationFailed(violations)


def days_between(start, end) -> int:
    """Whole days from `start` to `end`, never negative: a report's duration stays sane
    even over a row stored before the date checks existed."""
    return max((_as_date(end) - _as_date(start)).days, 0)
