"""The contact norm settings page (A10): list, create, edit, delete with confirmation;
managers read, heads configure; a bad number of days is shown and nothing is written."""

from ladoga.interactions.models import ContactNorm
from ladoga.interactions.services import contact_norm_create
from ladoga.partners.services import segment_create


def test_a_head_creates_edits_and_deletes_a_norm(browser_as, db):
    segment = segment_create(name="Key")
    head = browser_as("head")

    created = head.post(
        "/interactions/norms/new/",
        {
            "name": "Key",
            "segment": segment.pk,
            "days": 14,
            "counted": "responsible",
            "kinds": ["call", "meeting"],
            "is_active": "on",
        },
    )
    assert created.status_code == 302
    norm = ContactNorm.objects.get()
    assert (norm.days, norm.kinds) == (14, ["call", "meeting"])

    edited = head.post(
        f"/interactions/norms/{norm.pk}/",
        {"name": "Key", "abc": "A", "days": 7, "counted": "anyone", "kinds": ["call"]},
    )
    assert edited.status_code == 302
    norm.refresh_from_db()
    assert (norm.segment_id, norm.abc, norm.days, norm.counted) == (None, "A", 7, "anyone")

    confirm = head.get(f"/interactions/norms/{norm.pk}/delete/")
    assert 'data-testid="norm-delete-confirm"' in confirm.content.decode()
    assert ContactNorm.objects.exists()
    assert head.post(f"/interactions/norms/{norm.pk}/delete/").status_code == 302
    assert not ContactNorm.objects.exists()


def test_zero_days_on_the_page_shows_the_message_and_writes_nothing(browser_as, db):
    segment = segment_create(name="Key")

    response = browser_as("head").post(
        "/interactions/norms/new/",
        {
            "name": "Key",
            "segment": segment.pk,
            "days": 0,
            "counted": "responsible",
            "kinds": ["call"],
        },
    )

    assert response.status_code == 422
    assert "A norm is a whole number of days from 1 to 3650." in response.content.decode()
    assert not ContactNorm.objects.exists()


def test_a_manager_reads_the_norms_but_may_not_change_them(browser_as, db):
    norm = contact_norm_create(name="Class A", abc="A", days=14, kinds=["call"])
    manager = browser_as("owner")

    listing = manager.get("/interactions/norms/")
    assert listing.status_code == 200
    assert listing.content.decode().count('data-testid="norm-row"') == 1
    assert "class A" in listing.content.decode()
    assert manager.post(f"/interactions/norms/{norm.pk}/delete/").status_code == 403
    assert ContactNorm.objects.filter(pk=norm.pk).exists()
