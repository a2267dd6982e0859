"""The subject registry (I3): what an interaction or a task can be about.

An interaction's subject is a partner, another interaction, or a record of a higher domain
(a deal, a claim). This domain cannot import those, so each registers its subject type in
its AppConfig.ready():

    from ladoga.interactions.subjects import subject_type_register
    subject_type_register(Deal, label=_("Deal"), partner_of=lambda deal: deal.partner_id,
                          url_of=lambda deal: reverse("deals:detail", args=[deal.pk]))

A subject is stored as (`subject_type`, `subject_id`), the type being the model's label
("deals.deal"). Who may see a subject is asked of `accounts.access`, so a user who can see
a deal also sees the interactions and tasks about it (see `subjects_visible_q`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from ladoga.accounts import access
from ladoga.core.errors import ValidationFailed

from .errors import InteractionsCode


@dataclass(frozen=True)
class SubjectType:
    key: str
    model: type[Model]
    label: object
    partner_of: Callable[[Model], int | None]
    url_of: Callable[[Model], str] | None = None

    def url(self, record: Model) -> str:
        return self.url_of(record) if self.url_of else ""


_types: dict[str, SubjectType] = {}
# Types whose visibility is already granted through a foreign key of the record itself
# (interaction.partner, interaction.parent), so the access rule need not ask again.
_covered_by_foreign_keys = {"partners.partner", "interactions.interaction"}


def subject_type_register(
    model: type[Model],
    *,
    label,
    partner_of: Callable[[Model], int | None] | None = None,
    url_of: Callable[[Model], str] | None = None,
) -> SubjectType:
    """Declare that records of `model` can be the subject of interactions and tasks.

    partner_of: the id of the partner a record concerns (shown on that partner's timeline).
    url_of: the record's page, for links from the interaction.
    """
    key = model._meta.label_lower
    subject_type = SubjectType(
        key=key,
        model=model,
        label=label,
        partner_of=partner_of or (lambda record: getattr(record, "partner_id", None)),
        url_of=url_of,
    )
    _types[key] = subject_type
    return subject_type


def subject_types() -> list[SubjectType]:
    return list(_types.values())


def subject_type_of(key: str) -> SubjectType | None:
    return _types.get((key or "").lower())


def subject_key_of(record: Model) -> str:
    return record._meta.label_lower


def subject_resolve(*, key: str, pk: int | None, user, field: str = "subject") -> Model:
    """The subject record `key`:`pk` if `user` may see it.

    An unknown type or a record the user cannot see are refused the same way as a missing
    one, so the answer does not tell whether it exists.
    """
    subject_type = subject_type_of(key)
    if subject_type is None:
        raise ValidationFailed.single(
            InteractionsCode.SUBJECT_UNKNOWN,
            _("Unknown subject type %(type)s; choose from: %(known)s.")
            % {"type": key, "known": ", ".join(sorted(_types))},
            f"{field}.type" if field else None,
        )
    record = None
    if pk is not None:
        record = access.visible(subject_type.model, user).filter(pk=pk).first()
    if record is None:
        raise ValidationFailed.single(
            InteractionsCode.SUBJECT_NOT_FOUND,
            _("There is no %(type)s number %(id)s that you can see.")
            % {"type": str(subject_type.label).lower(), "id": pk},
            f"{field}.id" if field else None,
        )
    return record


def subject_of(subject_type: str, subject_id: int | None) -> Model | None:
    """The subject record of a stored pair (no access check: the holder was checked)."""
    found = subject_type_of(subject_type)
    if found is None or subject_id is None:
        return None
    return found.model._default_manager.filter(pk=subject_id).first()


def subjects_visible_q(user) -> Q | None:
    """Extra grants for access rules: records whose subject `user` may see, for subject
    types registered by higher domains (partners and interactions are covered by foreign
    keys). One subquery per type."""
    q = None
    for key, subject_type in _types.items():
        if key in _covered_by_foreign_keys:
            continue
        grant = Q(
            subject_type=key,
            subject_id__in=access.visible(subject_type.model, user).values("pk"),
        )
        q = grant if q is None else q | grant
    return q
