"""Roles: what each kind of user may do, and how far they see (X1).

Each role is a Django group carrying its permissions; `Role` on the user names the group
and decides the access scope in `access.scope_of`. Later domains add their permissions
to ROLE_PERMISSIONS (app_label.codename) and `roles_sync` puts them on the groups.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HEAD = "head", _("Head of sales")
    MANAGER = "manager", _("Sales manager")
    CLAIMS = "claims", _("Claims officer")
    PORTAL = "portal", _("Portal client")


STAFF_ROLES = (Role.ADMIN, Role.HEAD, Role.MANAGER, Role.CLAIMS)

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ADMIN: {
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "sales.approve_agreement",
    },
    Role.HEAD: {"accounts.view_user", "accounts.view_department", "sales.approve_agreement"},
    Role.MANAGER: {"accounts.view_user", "accounts.view_department"},
    Role.CLAIMS: {"accounts.view_user", "accounts.view_department"},
    Role.PORTAL: set(),
}


def group_name(role: str) -> str:
    return f"role:{role}"
