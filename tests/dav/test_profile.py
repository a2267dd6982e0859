"""The profile page tells the user where their calendar and address book are."""


def test_the_profile_shows_the_dav_addresses(browser_as):
    page = browser_as("owner").get("/profile/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "http://testserver/dav/owner/calendar/" in text
    assert "http://testserver/dav/owner/contacts/" in text
    assert "API token" in text
