"""The portal's demo data: a portal user for one demo client, with a claim or two filed
on the portal (staff get the notifications). Its password is the demo administrator's."""

from django.conf import settings

from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.partners.models import Partner

from .services import portal_claim_file

DEMO_PORTAL_USER = "client"


def demo_portal(ctx) -> None:
    partner = (
        Partner.objects.filter(status="active", is_client=True, claims__isnull=False)
        .order_by("pk")
        .first()
    )
    if partner is None:
        return
    password_file = settings.HOME / "demo-admin.txt"
    password = password_file.read_text().strip() if password_file.exists() else None
    user = user_create(
        username=DEMO_PORTAL_USER,
        role=Role.PORTAL,
        password=password,
        first_name="Клиент",
        last_name=partner.name[:100],
        language="ru",
        partner_id=partner.pk,
    )
    essences = [
        "Во вчерашней поставке не хватает двух поддонов кирпича.",
        "Прошу вернуть деньги за повреждённый при доставке перфоратор.",
    ]
    for essence in essences[: 1 + ctx.rng.randint(0, 1)]:
        portal_claim_file(user=user, partner_id=partner.pk, essence=essence)
