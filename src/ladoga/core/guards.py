"""One gate every record passes before it is written: text, numbers and dates.

`input_check(instance)` refuses, with one 422 listing every violation, a record holding
text with control characters or longer than its field's limit (`core.text`), a number its
column cannot hold (`core.limits`) or an entered date outside its range (`core.dates`). It
runs on every save of a Ladoga model (a `pre_save` receiver), so the API, the forms, the
imports and the portal all meet the same rules; code that writes with bulk_create calls it
itself.
"""

from django.db import models
from django.db.models.signals import pre_save

from .dates import dates_check
from .errors import ValidationFailed, Violation
from .limits import NUMBER_OUT_OF_RANGE, numbers_check
from .text import (
    TEXT_CONTROL_CHARACTER,
    TEXT_TOO_LONG,
    control_characters_found,
    control_characters_message,
    text_limit,
    text_too_long_message,
)

TEXT_FIELDS = (models.CharField, models.TextField)


def texts_check(instance: models.Model) -> None:
    """Refuse text with a C0 control character (a one-line field refuses line breaks too)
    and text longer than its field's limit (`core.text.text_limit`, docs/limits.md)."""
    violations = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, TEXT_FIELDS):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        multiline = isinstance(field, models.TextField)
        if control_characters_found(value, multiline=multiline):
            violations.append(
                Violation(TEXT_CONTROL_CHARACTER, control_characters_message(), field.name)
            )
        limit = text_limit(field)
        if limit is not None and len(value) > limit:
            violations.append(
                Violation(
                    TEXT_TOO_LONG,
                    text_too_long_message(field.verbose_name, limit, len(value)),
                    field.name,
                )
            )
    if violations:
        raise ValidationFailed(violations)


def _unchanged(instance: models.Model, violations: list[Violation]) -> set[str]:
    """The fields among the violations whose value is the one already stored: a record
    saved before the checks existed can still be worked on (a deal opened "next month"
    can be won) while nobody can enter a new bad value."""
    if instance._state.adding or instance.pk is None:
        return set()
    names = {v.field for v in violations if v.field and v.code != NUMBER_OUT_OF_RANGE}
    if not names:
        return set()
    model = type(instance)
    attnames = {model._meta.get_field(name).attname: name for name in names}
    stored = model._base_manager.filter(pk=instance.pk).values(*attnames).first() or {}
    return {
        name
        for attname, name in attnames.items()
        if attname in stored and stored[attname] == getattr(instance, attname)
    }


def input_check(instance: models.Model) -> None:
    """All three checks, their violations together; a value already stored as it is
    passes (see `_unchanged`)."""
    violations = []
    for check in (texts_check, numbers_check, dates_check):
        try:
            check(instance)
        except ValidationFailed as error:
            violations += error.violations
    if violations:
        kept = _unchanged(instance, violations)
        violations = [v for v in violations if v.field not in kept]
    if violations:
        raise ValidationFailed(violations)


def guarded(model: type[models.Model]) -> bool:
    """Ladoga's own records; not the history rows, which copy a record already checked."""
    return model.__module__.startswith("ladoga.") and not hasattr(model, "instance_type")


def _before_save(sender, instance, raw=False, **kwargs):
    if not raw and guarded(sender):
        input_check(instance)


def guards_connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="ladoga.core.guards")
