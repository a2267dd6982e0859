"""What deal monitoring (A11) told managers: each occurrence once."""

from django.db import transaction

from ..models import Deal, DealAlert


@transaction.atomic
def deal_alert_record(*, deal: Deal, signal: str, key: str) -> bool:
    """Record that the deal's manager is being told about `signal` (occurrence `key`).
    False when they were told before: the caller then sends nothing."""
    _, created = DealAlert.objects.get_or_create(deal=deal, signal=signal, key=key[:64])
    return created
