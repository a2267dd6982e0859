from django.db import migrations


def install(apps, schema_editor):
    from ladoga.deals.defaults import install as install_defaults

    install_defaults(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
