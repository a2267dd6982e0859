from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DavConfig(AppConfig):
    name = "ladoga.dav"
    label = "dav"
    verbose_name = _("Calendar and address book sync")

    def ready(self):
        from ladoga.accounts.profile import profile_panel_register

        from .views import profile_panel_context

        # The profile page shows the addresses to give a calendar or address-book program.
        profile_panel_register("dav/profile_panel.html", profile_panel_context)
