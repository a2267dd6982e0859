"""Radicale rights plugin: a user reaches only their own principal and its two collections.

Permissions (Radicale's letters): the root and the principal can be listed ("R"), the
calendar's items read and written ("rw", writes are checked again by the storage, which
takes only time and place changes), the address book's items only read ("r", so PUT and
DELETE answer 403). No collection may be created, replaced or deleted ("W" is never given).

Another user's paths may be read but the storage never finds anything there, so they
answer 404 as everything else a user may not see in Ladoga (writes there answer 403).
"""

from radicale import pathutils, rights

from . import items


class Rights(rights.BaseRights):
    def authorization(self, user: str, user_groups: set, path: str) -> str:
        if not user:
            return ""
        sane_path = pathutils.strip_path(path)
        if not sane_path:
            return "R"
        owner, _, rest = sane_path.partition("/")
        if owner != user:
            return "r" if rest else "R"
        if not rest:
            return "R"
        if rest == items.CALENDAR:
            return "rw"
        if rest == items.CONTACTS:
            return "r"
        return ""
