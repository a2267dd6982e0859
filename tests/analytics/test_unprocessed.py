"""Unprocessed interactions: the report per responsible user and the list's export."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ladoga.interactions.models import Interaction


@pytest.fixture
def waiting(actors):
    now = timezone.now()
    made = []
    for who, title in (
        ("owner", "Call back"),
        ("owner", "=cmd|' /C calc'!A0"),
        ("outsider", "Visit"),
    ):
        made.append(
            Interaction.objects.create(kind="call", title=title, start=now, responsible=actors[who])
        )
    return made


def test_the_report_counts_per_responsible_with_links(api_as, actors, waiting):
    body = api_as("admin").get("/api/v1/reports/unprocessed-interactions").json()
    assert [(r["responsible"], r["count"]) for r in body["rows"]] == [("Owner", 2), ("Outsider", 1)]
    assert body["totals"][0]["count"] == 3
    mine = api_as("owner").get("/api/v1/reports/unprocessed-interactions").json()
    assert [(r["responsible"], r["count"]) for r in mine["rows"]] == [("Owner", 2)]


def test_the_report_page_links_to_the_list(browser_as, actors, waiting):
    html = browser_as("admin").get("/reports/unprocessed-interactions/").content.decode()
    assert f'href="/interactions/unprocessed/?responsible={actors["owner"].pk}"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_unprocessed_list_exports(browser_as, actors, waiting, fmt):
    response = browser_as("owner").get("/interactions/unprocessed/", {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0] == "When,Kind,Topic,Partner,Responsible"
        assert len(lines) == 3  # the owner's two, not the outsider's
        assert "'=cmd" in content.decode("utf-8-sig")  # formula neutralised
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("When", "Kind", "Topic", "Partner", "Responsible")
        assert len(rows) == 3
