"""No lost updates (X5): a change names the version it was based on."""

from django.utils.translation import gettext as _

from .errors import StaleVersion


def version_check(*, record, expected: int | None) -> None:
    """Refuse a change based on an older version of `record` (X5); None (`If-Match: *`)
    accepts any version."""
    if expected is not None and record.version != expected:
        raise StaleVersion.single(
            "version_stale",
            _(
                "This record was changed by someone else (version %(current)d, you had "
                "%(expected)d). Reload it and apply your change again."
            )
            % {"current": record.version, "expected": expected},
        )
