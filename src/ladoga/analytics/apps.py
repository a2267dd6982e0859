from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "ladoga.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.partners.classes import class_provider_set

        from . import models as m
        from .classification_queries import current_classes

        # A client's class follows its partner's responsible manager (and the manager's
        # heads); the settings and runs are system-wide and open to every member of staff.
        access.register(m.ClientClassification, owner="partner__manager")
        class_provider_set(current_classes)
        from . import classification_reports

        classification_reports.register_all()
        from . import registrations, reports

        registrations.reports_register()
        reports.reports_register()
