from ladoga.web.templatetags.history import history_entries
from tests.testapp.models import Memo


def test_history_records_who_changed_what(owner):
    memo = Memo.objects.create(owner=owner, title="Draft")
    memo.title = "Final"
    memo._history_user = owner
    memo.save()

    entries = history_entries(memo)

    assert [e["action"] for e in entries] == ["changed", "created"]
    assert entries[0]["who"] == owner
    assert entries[0]["changes"] == [{"field": "title", "old": "Draft", "new": "Final"}]


def test_version_rises_on_every_save(owner):
    memo = Memo.objects.create(owner=owner, title="A")
    assert memo.version == 1

    memo.title = "B"
    memo.save(update_fields=["title"])

    memo.refresh_from_db()
    assert memo.version == 2


def test_history_tab_renders(owner):
    from django.template import Context, Template

    memo = Memo.objects.create(owner=owner, title="Draft")
    memo.title = "Final"
    memo.save()

    html = Template("{% load history %}{% history_tab memo %}").render(Context({"memo": memo}))

    assert "Final" in html and "Draft" in html
