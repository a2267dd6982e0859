from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "ladoga.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from .reports import reports_register

        reports_register()
