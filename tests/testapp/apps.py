from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A tiny domain used only by the tests of the shared conventions (access, versions,
    history, attachments, numbering), so they do not depend on any business domain."""

    name = "tests.testapp"
    label = "testapp"

    def ready(self):
        from ladoga.accounts import access
        from ladoga.core.files import attachable_register

        from .models import Memo

        access.register(Memo, owner="owner", portal_partner="partner_id")
        attachable_register(Memo)
