"""When the last backup was made, for the administrator's dashboard.

`ladoga backup` records the moment and the file in `LADOGA_HOME/last-backup.json`: the
backup itself lives outside the database, so its record does too (a restore must not
bring back an older record).
"""

import datetime
import json
from pathlib import Path

from django.conf import settings

RECORD = "last-backup.json"


def _record_path() -> Path:
    return Path(settings.HOME) / RECORD


def backup_recorded(*, path, when: datetime.datetime) -> None:
    _record_path().write_text(json.dumps({"at": when.isoformat(), "file": str(path)}))


def last_backup() -> dict | None:
    """{"at": aware datetime, "file": str} of the last backup, or None if none was made
    (or the record cannot be read)."""
    try:
        data = json.loads(_record_path().read_text())
        return {"at": datetime.datetime.fromisoformat(data["at"]), "file": str(data["file"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None
