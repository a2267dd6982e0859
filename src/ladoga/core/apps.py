from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ladoga.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .guards import guards_connect
        from .signals import attachments_connect

        guards_connect()
        attachments_connect()
