from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ladoga.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from .services import roles_sync

        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
