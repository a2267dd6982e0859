from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """The functions core.text needs on SQLite (see there)."""
    if connection.vendor == "sqlite":
        from .text import SQLITE_FUNCTION, lower

        connection.connection.create_function(SQLITE_FUNCTION, 1, lower, deterministic=True)


class CoreConfig(AppConfig):
    name = "ladoga.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        connection_created.connect(_sqlite_functions, dispatch_uid="ladoga.core.sqlite_functions")
