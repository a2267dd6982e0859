from ladoga.core.history import FieldChange, history_entries
from tests.testapp.models import Memo


def test_history_records_who_changed_what(owner):
    memo = Memo.objects.create(owner=owner, title="Draft")
    memo.title = "Final"
    memo._history_user = owner
    memo.save()

    entries = history_entries(memo)

    assert [e.action for e in entries] == ["changed", "created"]
    assert entries[0].who == owner
    assert entries[0].changes == [FieldChange(field="title", old="Draft", new="Final")]


def test_a_reference_shows_the_records_name_or_that_it_is_gone(owner, actors):
    from ladoga.accounts.models import User

    colleague = actors["colleague"]
    memo = Memo.objects.create(owner=owner, title="Draft")
    gone = User.objects.create(username="gone", first_name="Gone")
    memo.owner = gone
    memo.save()
    memo.owner = colleague
    memo.save()
    gone_id = gone.pk
    User.objects.filter(pk=gone_id).delete()  # the memo's history keeps the id

    entries = history_entries(Memo.objects.get(pk=memo.pk))

    assert entries[0].changes == [
        FieldChange(field="owner", old=f"#{gone_id} (deleted)", new=str(colleague))
    ]
    assert entries[1].changes == [
        FieldChange(field="owner", old=str(owner), new=f"#{gone_id} (deleted)")
    ]


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
