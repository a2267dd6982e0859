"""The name search keys gain two kinds per word of four letters or more (keys.py): its
first letter with its last three ("c:") and its first three letters with its last ("d:").
Existing partners get theirs here; the old kinds are unchanged and stay."""

from django.db import migrations
from django.db.models import Q

from ladoga.partners.keys import name_search_keys

CHUNK = 2_000


def forwards(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    PartnerNameKey = apps.get_model("partners", "PartnerNameKey")
    named = Partner.objects.order_by("pk").values_list("pk", "name")
    last = 0
    while chunk := list(named.filter(pk__gt=last)[:CHUNK]):
        PartnerNameKey.objects.bulk_create(
            [
                PartnerNameKey(partner_id=pk, key=key)
                for pk, name in chunk
                for key in sorted(name_search_keys(name))
                if key.startswith(("c:", "d:"))
            ],
            ignore_conflicts=True,
        )
        last = chunk[-1][0]


def backwards(apps, schema_editor):
    PartnerNameKey = apps.get_model("partners", "PartnerNameKey")
    PartnerNameKey.objects.filter(
        Q(key__startswith="c:") | Q(key__startswith="d:")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_partner_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
