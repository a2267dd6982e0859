"""The funnel's "reached" cells change meaning (issue 17): a deal now counts at every earlier
open stage it passed, not only the stages it stood at. Recompute them from the facts."""

from django.db import migrations


def rebuild(apps, schema_editor):
    # The cells are derived data; the live rebuild is the one definition of them.
    from ladoga.deals import funnel

    funnel.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0003_stage_norms_and_alerts"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
