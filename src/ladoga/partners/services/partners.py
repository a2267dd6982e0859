"""Partner commands (P1): create, update, archive, restore; catalogues of groups, segments."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.core.errors import Conflict, ValidationFailed, Violation
from ladoga.core.events import Event, event_announce

from ..errors import PartnersCode
from ..keys import name_key, name_search_keys
from ..models import Partner, PartnerGroup, PartnerKind, PartnerNameKey, PartnerStatus, Segment
from ..models.partner import ROLE_FIELDS, PartnerRole
from ._common import clean, locked_checked, manager_check, name_taken, unknown_changes_check


def _roles_check(roles: Iterable[str]) -> tuple[dict[str, bool], list[Violation]]:
    roles = list(roles or [])
    unknown = [r for r in roles if r not in PartnerRole.values]
    if unknown:
        return {}, [
            Violation(
                PartnersCode.ROLE_UNKNOWN,
                _("Unknown role %(roles)s; choose from: %(known)s.")
                % {"roles": ", ".join(map(str, unknown)), "known": ", ".join(PartnerRole.values)},
                "roles",
            )
        ]
    return {field: role in roles for role, field in ROLE_FIELDS.items()}, []


def _name_check(name: str) -> tuple[str, list[Violation]]:
    name = clean(name)
    if not name:
        return name, [Violation(PartnersCode.NAME_REQUIRED, _("A partner needs a name."), "name")]
    if len(name) > 255:
        return name, [
            Violation(PartnersCode.NAME_REQUIRED, _("A name is at most 255 characters."), "name")
        ]
    return name, []


def _kind_check(kind: str) -> list[Violation]:
    if kind not in PartnerKind.values:
        return [
            Violation(
                PartnersCode.KIND_UNKNOWN,
                _("Unknown partner kind %(kind)s.") % {"kind": kind},
                "kind",
            )
        ]
    return []


def partner_name_keys_store(*partners: Partner, new: bool = False) -> None:
    """Refresh the indexed search keys of the partners' names (duplicates.py reads them);
    `new` partners have none to remove yet."""
    if not new:
        PartnerNameKey.objects.filter(partner__in=[p.pk for p in partners]).delete()
    PartnerNameKey.objects.bulk_create(
        PartnerNameKey(partner=partner, key=key)
        for partner in partners
        for key in sorted(name_search_keys(partner.name))
    )


def partner_fields_check(
    *,
    name: str,
    roles: Iterable[str] = (PartnerRole.CLIENT,),
    kind: str = PartnerKind.COMPANY,
    group: PartnerGroup | None = None,
    manager=None,
    is_potential_client: bool = False,
    comment: str = "",
    by=None,
) -> tuple[dict, list[Violation]]:
    """A new partner's model fields, checked: the rules of partner_create, shared with
    partners_create_many. The responsible manager defaults to the creator."""
    manager = manager if manager is not None else by
    name, violations = _name_check(name)
    role_flags, role_violations = _roles_check(roles)
    violations += role_violations + _kind_check(kind) + manager_check(manager)
    fields = {
        "name": name,
        "kind": kind,
        "group": group,
        "manager": manager,
        "is_potential_client": is_potential_client,
        "comment": comment or "",
        "name_key": name_key(name),
        "created_by": by,
        **role_flags,
    }
    return fields, violations


@transaction.atomic
def partner_create(
    *,
    name: str,
    roles: Iterable[str] = (PartnerRole.CLIENT,),
    kind: str = PartnerKind.COMPANY,
    group: PartnerGroup | None = None,
    manager=None,
    segments: Iterable[Segment] = (),
    is_potential_client: bool = False,
    comment: str = "",
    by=None,
) -> Partner:
    """Create an active partner. The responsible manager defaults to its creator.

    Does not look for duplicates; the registration wizard (partner_register) does.
    """
    fields, violations = partner_fields_check(
        name=name, roles=roles, kind=kind, group=group, manager=manager,
        is_potential_client=is_potential_client, comment=comment, by=by,
    )  # fmt: skip
    if violations:
        raise ValidationFailed(violations)
    partner = Partner.objects.create(**fields)
    if segments:
        partner.segments.set(segments)
    partner_name_keys_store(partner, new=True)
    event_announce(Event.PARTNER_CREATED, obj=partner)
    return partner


PARTNER_CHANGEABLE = {
    "name",
    "roles",
    "kind",
    "group",
    "manager",
    "segments",
    "is_potential_client",
    "comment",
}


def partner_changes_check(changes: dict) -> tuple[dict, list[Violation]]:
    """Changes to a partner, checked and shaped as model fields (roles become the role
    flags): the rules of partner_update, shared with partners_update_many."""
    unknown_changes_check(changes, PARTNER_CHANGEABLE)
    changes, violations = dict(changes), []
    if "name" in changes:
        changes["name"], found = _name_check(changes["name"])
        violations += found
    if "roles" in changes:
        flags, found = _roles_check(changes.pop("roles"))
        violations += found
        changes.update(flags)
    if "kind" in changes:
        violations += _kind_check(changes["kind"])
    if "manager" in changes:
        violations += manager_check(changes["manager"])
    if "comment" in changes:
        changes["comment"] = changes["comment"] or ""
    return changes, violations


@transaction.atomic
def partner_update(
    *, partner: Partner, expected_version: int | None, by=None, **changes
) -> Partner:
    """Change a partner's name, roles, kind, group, manager, segments, flag or comment.

    Refuses when the partner changed since the caller read `expected_version` (X5).
    """
    partner = locked_checked(Partner, partner, expected_version)
    changes, violations = partner_changes_check(changes)
    if violations:
        raise ValidationFailed(violations)
    segments = changes.pop("segments", None)
    for field, value in changes.items():
        setattr(partner, field, value)
    if "name" in changes:
        partner.name_key = name_key(partner.name)
    partner.save()
    if segments is not None:
        partner.segments.set(segments)
    if "name" in changes:
        partner_name_keys_store(partner)
    return partner


@transaction.atomic
def partner_archive(*, partner: Partner, expected_version: int | None = None, by=None) -> Partner:
    """Archive a partner: it leaves working lists and duplicate checks; nothing is deleted."""
    partner = locked_checked(Partner, partner, expected_version)
    if partner.status != PartnerStatus.ARCHIVED:
        partner.status = PartnerStatus.ARCHIVED
        partner.save(update_fields=["status"])
    return partner


@transaction.atomic
def partner_restore(*, partner: Partner, expected_version: int | None = None, by=None) -> Partner:
    """Bring an archived partner back (a merged duplicate stays archived)."""
    partner = locked_checked(Partner, partner, expected_version)
    if partner.merged_into_id is not None:
        raise ValidationFailed.single(
            PartnersCode.PARTNER_ARCHIVED,
            _("This partner was merged into another one and cannot be restored."),
        )
    if partner.status != PartnerStatus.ACTIVE:
        partner.status = PartnerStatus.ACTIVE
        partner.save(update_fields=["status"])
    return partner


@transaction.atomic
def partner_group_create(*, name: str, parent: PartnerGroup | None = None, by=None) -> PartnerGroup:
    name = clean(name)
    if not name:
        raise ValidationFailed.single(
            PartnersCode.GROUP_NAME_REQUIRED, _("A group needs a name."), "name"
        )
    if name_taken(PartnerGroup.objects.filter(parent=parent), name):
        raise Conflict.single(
            PartnersCode.GROUP_NAME_TAKEN,
            _("This group already has a sub-group named %(name)s.") % {"name": name},
            "name",
        )
    return PartnerGroup.objects.create(name=name, parent=parent, created_by=by)


@transaction.atomic
def partner_group_move(
    *,
    group: PartnerGroup,
    parent: PartnerGroup | None,
    expected_version: int | None = None,
    by=None,
) -> PartnerGroup:
    """Put a group under another one; a group cannot end up inside itself."""
    group = locked_checked(PartnerGroup, group, expected_version)
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == group.pk:
            raise ValidationFailed.single(
                PartnersCode.GROUP_CYCLE, _("A group cannot be put inside itself."), "parent"
            )
        ancestor = ancestor.parent
    group.parent = parent
    group.save(update_fields=["parent"])
    return group


@transaction.atomic
def segment_create(*, name: str, description: str = "", by=None) -> Segment:
    name = clean(name)
    if not name:
        raise ValidationFailed.single(
            PartnersCode.SEGMENT_NAME_REQUIRED, _("A segment needs a name."), "name"
        )
    if name_taken(Segment.objects.all(), name):
        raise Conflict.single(
            PartnersCode.SEGMENT_NAME_TAKEN,
            _("A segment named %(name)s already exists.") % {"name": name},
            "name",
        )
    return Segment.objects.create(name=name, description=description or "", created_by=by)
