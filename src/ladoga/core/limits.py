"""Numbers checked against the column that will hold them, before anything is written.

A decimal column has `max_digits` and `decimal_places`, an integer column its range (and
PositiveInteger/PositiveSmallInteger a floor of 0); a value beyond them either fails inside
the database driver ("number out of range") or, on SQLite, is stored as a float no read can
turn back into the column's decimal. `number_violations` derives the bounds from the model
field itself, so API, forms, imports and portal all refuse the same values with the same
clear message.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Q
from django.utils.translation import gettext as _

from .errors import ValidationFailed, Violation

NUMBER_OUT_OF_RANGE = "number_out_of_range"
# PostgreSQL's integer columns (SQLite would hold any 64-bit number): one range on both.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
NUMERIC_FIELDS = (models.DecimalField, models.IntegerField, models.FloatField)


def _message(field: models.Field, error: ValidationError) -> str:
    detail = " ".join(str(message) for message in error.messages)
    return _("%(field)s: the number does not fit (%(detail)s)") % {
        "field": str(field.verbose_name).capitalize(),
        "detail": detail,
    }


def number_violation(field: models.Field, value) -> Violation | None:
    """The violation of a number that its model field's column cannot hold, or None."""
    if value is None or isinstance(value, bool) or not isinstance(field, NUMERIC_FIELDS):
        return None
    try:
        if isinstance(field, models.DecimalField):
            value = value if isinstance(value, Decimal) else Decimal(str(value))
            if not value.is_finite():
                raise ValidationError(_("Enter a finite number."))
        elif isinstance(field, models.FloatField):
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValidationError(_("Enter a finite number."))
        elif isinstance(field, models.IntegerField):
            low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
            if low is not None and not low <= int(value) <= high:
                raise ValidationError(
                    _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
                )
        field.run_validators(value)
    except ValidationError as error:
        return Violation(NUMBER_OUT_OF_RANGE, _message(field, error), field.name)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        return Violation(NUMBER_OUT_OF_RANGE, _("Enter a number."), field.name)
    return None


def numbers_check(instance: models.Model) -> None:
    """Refuse a record whose numbers do not fit their columns (nothing is written)."""
    violations = [
        found
        for field in instance._meta.concrete_fields
        if (found := number_violation(field, getattr(instance, field.attname, None)))
    ]
    if violations:
        raise ValidationFailed(violations)


def decimal_bound(field: models.DecimalField) -> Decimal:
    """The largest magnitude a decimal column holds (999.99 for max_digits=5, places=2)."""
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** (
        -field.decimal_places
    )


def readable_q(model: type[models.Model]) -> Q:
    """Rows whose decimals fit their columns: a row stored before the checks existed with a
    value out of range (only SQLite can hold one) cannot be read back as a decimal, so reads
    leave it out instead of failing for everyone."""
    match = Q()
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DecimalField):
            bound = decimal_bound(field)
            inside = Q(**{f"{field.name}__gte": -bound, f"{field.name}__lte": bound})
            match &= inside | Q(**{f"{field.name}__isnull": True}) if field.null else inside
    return match


class ReadableManager(models.Manager):
    """A default manager that leaves out rows whose decimals cannot be read back
    (`readable_q`), so one bad row never fails every read of its table."""

    def get_queryset(self):
        return super().get_queryset().filter(readable_q(self.model))
