"""A real sync client: vdirsyncer pairs the Ladoga calendar and address book with folders,
brings the events and cards down, and takes a moved event back up (X10)."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import snapshot

pytestmark = pytest.mark.django_db(transaction=True)

VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"


def run(config: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(VDIRSYNCER), "-c", str(config), *args],
        input="y\n" * 10,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_vdirsyncer_syncs_down_and_a_moved_event_back(
    dav_url, token_of, calendar_data, contacts, tmp_path
):
    token = token_of("owner")
    config = tmp_path / "config"
    config.write_text(
        f"""[general]
status_path = "{tmp_path}/status/"

[pair calendar]
a = "ladoga_calendar"
b = "local_calendar"
collections = ["from a"]

[storage ladoga_calendar]
type = "caldav"
url = "{dav_url}"
username = "owner"
password = "{token}"

[storage local_calendar]
type = "filesystem"
path = "{tmp_path}/calendars/"
fileext = ".ics"

[pair contacts]
a = "ladoga_contacts"
b = "local_contacts"
collections = ["from a"]

[storage ladoga_contacts]
type = "carddav"
url = "{dav_url}"
username = "owner"
password = "{token}"

[storage local_contacts]
type = "filesystem"
path = "{tmp_path}/contacts/"
fileext = ".vcf"
"""
    )
    run(config, "discover")
    run(config, "sync")

    meeting = calendar_data["mine"]["meeting"]
    calendar_files = list((tmp_path / "calendars" / "calendar").glob("*.ics"))
    # Without a date range: every event of the owner (four) and the open task.
    assert len(calendar_files) == 5
    assert len(list((tmp_path / "contacts" / "contacts").glob("*.vcf"))) == 2
    (local,) = [p for p in calendar_files if f"UID:interaction-{meeting.pk}@" in p.read_text()]
    old_start = meeting.start.strftime("%Y%m%dT%H%M%SZ")
    old_end = meeting.end.strftime("%Y%m%dT%H%M%SZ")
    new_start = meeting.start + datetime.timedelta(days=2)
    text = local.read_text()
    assert f"DTSTART:{old_start}" in text
    local.write_text(
        text.replace(f"DTSTART:{old_start}", f"DTSTART:{new_start:%Y%m%dT%H%M%SZ}").replace(
            f"DTEND:{old_end}",
            f"DTEND:{new_start + datetime.timedelta(hours=1):%Y%m%dT%H%M%SZ}",
        )
    )
    run(config, "sync")

    start, end, place, version = snapshot(meeting)
    assert (start, end, place, version) == (
        new_start,
        new_start + datetime.timedelta(hours=1),
        "Romashka office",
        2,
    )
