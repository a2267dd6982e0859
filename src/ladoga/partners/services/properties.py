"""Additional properties (P6): definitions (administrators) and values."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation

from ..errors import PartnersCode
from ..models import (
    ContactPerson,
    Partner,
    PropertyAppliesTo,
    PropertyChoice,
    PropertyDefinition,
    PropertyType,
    PropertyValue,
)
from ._common import clean, name_taken, partner_active_check


@transaction.atomic
def property_definition_create(
    *,
    name: str,
    applies_to: str,
    value_type: str,
    choices: Iterable[str] = (),
    position: int = 0,
    by=None,
) -> PropertyDefinition:
    """Define an additional property of partners or contact persons (P6)."""
    name = clean(name)
    choices = [clean(c) for c in choices if clean(c)]
    violations = []
    if not name:
        violations.append(
            Violation(PartnersCode.PROPERTY_NAME_REQUIRED, _("A property needs a name."), "name")
        )
    if applies_to not in PropertyAppliesTo.values:
        violations.append(
            Violation(
                PartnersCode.PROPERTY_NOT_APPLICABLE,
                _("A property applies to partners or contact persons."),
                "applies_to",
            )
        )
    if value_type not in PropertyType.values:
        violations.append(
            Violation(
                PartnersCode.PROPERTY_TYPE_UNKNOWN,
                _("A property is text, a number, a date or a choice."),
                "value_type",
            )
        )
    elif value_type == PropertyType.CHOICE and not choices:
        violations.append(
            Violation(
                PartnersCode.PROPERTY_CHOICES_REQUIRED,
                _("A choice property needs at least one value to choose from."),
                "choices",
            )
        )
    if violations:
        raise ValidationFailed(violations)
    if name_taken(PropertyDefinition.objects.filter(applies_to=applies_to), name):
        raise Conflict.single(
            PartnersCode.PROPERTY_NAME_REQUIRED,
            _("A property named %(name)s already exists.") % {"name": name},
            "name",
        )
    definition = PropertyDefinition.objects.create(
        name=name, applies_to=applies_to, value_type=value_type, position=position, created_by=by
    )
    PropertyChoice.objects.bulk_create(
        [
            PropertyChoice(definition=definition, label=label, position=index)
            for index, label in enumerate(dict.fromkeys(choices))
        ]
    )
    return definition


def property_value_parse(definition: PropertyDefinition, value) -> dict:
    """The typed columns for `value` of `definition`; ValidationFailed when it does not fit.

    Numbers come as numbers or decimal strings, dates as dates or ISO strings, choices as
    the choice's id or its label.
    """

    def invalid(message):
        return ValidationFailed.single(
            PartnersCode.PROPERTY_VALUE_INVALID,
            message % {"name": definition.name},
            str(definition.pk),
        )

    kind = definition.value_type
    columns = {
        "value_text": "",
        "value_key": "",
        "value_number": None,
        "value_date": None,
        "value_choice": None,
    }
    if kind == PropertyType.NUMBER:
        if isinstance(value, bool):
            raise invalid(_("%(name)s is a number."))
        try:
            number = Decimal(str(value).replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise invalid(_("%(name)s is a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
            raise invalid(_("%(name)s is a number below 10¹⁴."))
        columns["value_number"] = number.quantize(Decimal("0.000001"))
    elif kind == PropertyType.DATE:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if not isinstance(value, datetime.date):
            try:
                value = datetime.date.fromisoformat(str(value))
            except ValueError:
                raise invalid(_("%(name)s is a date (YYYY-MM-DD).")) from None
        columns["value_date"] = value
    elif kind == PropertyType.CHOICE:
        choices = list(definition.choices.all())
        found = next(
            (
                c
                for c in choices
                if (isinstance(value, PropertyChoice) and c.pk == value.pk)
                or (isinstance(value, int) and not isinstance(value, bool) and c.pk == value)
                or (isinstance(value, str) and c.label.lower() == clean(value).lower())
            ),
            None,
        )
        if found is None:
            raise invalid(
                _("%(name)s is one of: ") + ", ".join(c.label.replace("%", "%%") for c in choices)
            )
        columns["value_choice"] = found
    else:
        text = clean(value)
        if len(text) > 1000:
            raise invalid(_("%(name)s is at most 1000 characters."))
        columns["value_text"] = text
        columns["value_key"] = text.casefold()[:255]
    return columns


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@transaction.atomic
def property_values_set(
    *, owner: Partner | ContactPerson, values: Mapping, by=None
) -> list[PropertyValue]:
    """Set additional property values of a partner or contact person (P6).

    `values` maps a PropertyDefinition (or its id) to a value; an empty value removes it.
    Properties not named are left as they are. Every bad value is reported at once.
    """
    is_partner = isinstance(owner, Partner)
    applies_to = PropertyAppliesTo.PARTNER if is_partner else PropertyAppliesTo.CONTACT
    partner_active_check(owner if is_partner else owner.partner)
    owner_field = "partner" if is_partner else "contact"
    ids = [d.pk if isinstance(d, PropertyDefinition) else d for d in values]
    definitions = PropertyDefinition.objects.in_bulk([i for i in ids if isinstance(i, int)])
    violations: list[Violation] = []
    parsed: list[tuple[PropertyDefinition, dict | None]] = []
    for key, value in values.items():
        pk = key.pk if isinstance(key, PropertyDefinition) else key
        definition = definitions.get(pk) if isinstance(pk, int) else None
        if definition is None or definition.applies_to != applies_to:
            violations.append(
                Violation(
                    PartnersCode.PROPERTY_NOT_APPLICABLE,
                    _("Property %(id)s does not apply here.") % {"id": pk},
                    str(pk),
                )
            )
            continue
        if _empty(value):
            parsed.append((definition, None))
            continue
        try:
            parsed.append((definition, property_value_parse(definition, value)))
        except ValidationFailed as error:
            violations += error.violations
    if violations:
        raise ValidationFailed(violations)
    result = []
    for definition, columns in parsed:
        current = PropertyValue.objects.filter(definition=definition, **{owner_field: owner})
        row = current.first()
        if columns is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = PropertyValue.objects.create(
                definition=definition, created_by=by, **{owner_field: owner}, **columns
            )
        else:
            for field, value in columns.items():
                setattr(row, field, value)
            row.save()
        result.append(row)
    return result
