from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "ladoga.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from ladoga.accounts import access
        from ladoga.accounts.roles import ROLE_PERMISSIONS, Role
        from ladoga.accounts.services import roles_sync
        from ladoga.core.events import listener_register

        from .models import WebhookDelivery, WebhookEndpoint
        from .services import deliveries_create

        access.register(WebhookEndpoint, owner="owner")
        access.register(WebhookDelivery, owner="endpoint__owner")
        ROLE_PERMISSIONS[Role.ADMIN] |= {"webhooks.manage_webhooks"}
        listener_register(deliveries_create)
        post_migrate.connect(lambda **kwargs: roles_sync(), sender=self, weak=False)
