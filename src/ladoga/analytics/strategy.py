"""Relationship strategy (A10): the clients past their contact norm.

A norm says how often the clients of a segment (or of an ABC/XYZ class) must be contacted
and which contacts count. A client is due `days` days after its last counted contact
(never contacted: after the day it was registered) and past the norm from the day after;
a client under several norms is shown once, under the norm it is most overdue on.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.access import visible
from ladoga.accounts.models import User
from ladoga.core.reports import Kind, ReportColumn, ReportTable
from ladoga.interactions.models import (
    ContactNorm,
    CountedContacts,
    EmailStatus,
    Interaction,
    InteractionKind,
)
from ladoga.partners.classes import classes_of
from ladoga.partners.models import Partner, PartnerStatus

from .people import managers_checked


@dataclass(frozen=True)
class OverdueClient:
    partner_id: int
    partner_name: str
    manager_id: int
    manager_name: str
    norm_id: int
    norm_name: str
    norm_days: int
    last_contact_on: datetime.date | None
    last_contact_kind: str  # an InteractionKind value, "" when never contacted
    due_on: datetime.date
    days_overdue: int

    @property
    def url(self) -> str:
        return reverse("partners:detail", args=[self.partner_id])

    @property
    def last_contact_label(self) -> str:
        return str(dict(InteractionKind.choices).get(self.last_contact_kind, ""))


def day_end(on: datetime.date) -> datetime.datetime:
    """The first moment after `on` in the current time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()),
        timezone.get_current_timezone(),
    )


def _counted_contacts(norm: ContactNorm, on: datetime.date) -> QuerySet[Interaction]:
    """The contacts of a client (OuterRef) that count for `norm`, newest first."""
    contacts = Interaction.objects.filter(
        partner=OuterRef("pk"), kind__in=norm.kinds, start__lt=day_end(on)
    ).exclude(email_status=EmailStatus.DRAFT)
    if norm.counted == CountedContacts.RESPONSIBLE:
        contacts = contacts.filter(responsible=OuterRef("manager_id"))
    return contacts.order_by("-start", "-id")


def _clients_of(norm: ContactNorm, clients: QuerySet[Partner], classes) -> QuerySet[Partner]:
    if norm.segment_id:
        return clients.filter(segments=norm.segment_id)
    ids = [
        pk
        for pk, found in classes.items()
        if found.abc == norm.abc and (not norm.xyz or found.xyz == norm.xyz)
    ]
    return clients.filter(pk__in=ids)


def past_norm(clients: QuerySet[Partner], *, on: datetime.date) -> list[OverdueClient]:
    """The clients among `clients` past an active norm on day `on`. One query per active
    norm, one for the classes and one for the managers' names."""
    clients = clients.filter(is_client=True, status=PartnerStatus.ACTIVE, manager__isnull=False)
    norms = list(ContactNorm.objects.filter(is_active=True).order_by("days", "id"))
    classes = {}
    if any(not norm.segment_id for norm in norms):
        classes = classes_of(clients.values_list("pk", flat=True))
    worst: dict[int, OverdueClient] = {}
    for norm in norms:
        contacts = _counted_contacts(norm, on)
        rows = (
            _clients_of(norm, clients, classes)
            .annotate(
                last_start=Subquery(contacts.values("start")[:1]),
                last_kind=Subquery(contacts.values("kind")[:1]),
            )
            .values("pk", "name", "manager_id", "created_at", "last_start", "last_kind")
        )
        for row in rows:
            last = timezone.localdate(row["last_start"]) if row["last_start"] else None
            since = last or timezone.localdate(row["created_at"])
            due_on = since + datetime.timedelta(days=norm.days)
            overdue = (on - due_on).days
            if overdue <= 0:
                continue
            found = OverdueClient(
                partner_id=row["pk"],
                partner_name=row["name"],
                manager_id=row["manager_id"],
                manager_name="",
                norm_id=norm.pk,
                norm_name=norm.name,
                norm_days=norm.days,
                last_contact_on=last,
                last_contact_kind=row["last_kind"] or "",
                due_on=due_on,
                days_overdue=overdue,
            )
            before = worst.get(found.partner_id)
            if before is None or found.days_overdue > before.days_overdue:
                worst[found.partner_id] = found
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in={row.manager_id for row in worst.values()})
    }
    rows = [
        OverdueClient(**{**row.__dict__, "manager_name": names.get(row.manager_id, "")})
        for row in worst.values()
    ]
    return sorted(
        rows, key=lambda r: (r.manager_name, -r.days_overdue, r.partner_name, r.partner_id)
    )


def clients_past_norm(
    *, user, on: datetime.date, manager_ids: list[int] | None = None
) -> list[OverdueClient]:
    """The clients `user` may see that are past their contact norm on day `on`, with the
    norm, the last counted contact and the days overdue; optionally only those of
    `manager_ids` (Http404 when one of them is outside what `user` sees)."""
    managers = managers_checked(user=user, manager_ids=manager_ids)
    clients = visible(Partner.objects.all(), user)
    if managers is not None:
        clients = clients.filter(manager_id__in=managers)
    return past_norm(clients, on=on)


@dataclass
class ContactNormReport:
    on: datetime.date
    rows: list[OverdueClient]


def contact_norm_report(*, user, on=None, manager=None) -> ContactNormReport:
    on = on or timezone.localdate()
    rows = clients_past_norm(user=user, on=on, manager_ids=[manager.pk] if manager else None)
    return ContactNormReport(on=on, rows=rows)


def contact_norm_table(result: ContactNormReport) -> ReportTable:
    columns = [
        ReportColumn("partner", _("Client")),
        ReportColumn("manager", _("Manager")),
        ReportColumn("norm", _("Norm")),
        ReportColumn("norm_days", _("Every, days"), Kind.INT),
        ReportColumn("last_contact_on", _("Last contact"), Kind.DATE),
        ReportColumn("last_contact_kind", _("Contact kind")),
        ReportColumn("days_overdue", _("Days overdue"), Kind.INT),
    ]
    rows = [
        {
            "partner": row.partner_name,
            "manager": row.manager_name,
            "norm": row.norm_name,
            "norm_days": row.norm_days,
            "last_contact_on": row.last_contact_on,
            "last_contact_kind": row.last_contact_label or _("never"),
            "days_overdue": row.days_overdue,
            "_url": row.url,
        }
        for row in result.rows
    ]
    totals = [{"partner": _("Total clients: %(n)s") % {"n": len(rows)}, "_level": 2}]
    return ReportTable(columns=columns, rows=rows, totals=totals)


def contact_norm_chart(result: ContactNormReport) -> dict | None:
    if not result.rows:
        return None
    per_manager: dict[str, int] = {}
    for row in result.rows:
        per_manager[row.manager_name] = per_manager.get(row.manager_name, 0) + 1
    return {
        "kind": "hbars",
        "title": str(_("Clients past their norm, per manager")),
        "labels": list(per_manager),
        "series": [{"name": str(_("Clients")), "values": list(per_manager.values())}],
        "unit": "count",
    }
