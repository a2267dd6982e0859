"""Point 11: a portal account acts for one partner, so it is never created bound to none."""

import pytest

from ladoga.accounts.models import User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import user_create
from ladoga.core.errors import ValidationFailed


def test_a_portal_user_without_a_partner_is_refused_and_not_written(db):
    with pytest.raises(ValidationFailed) as error:
        user_create(username="client", role=Role.PORTAL, password="a long enough password")

    assert error.value.codes == ["portal_partner_required"]
    assert str(error.value.violations[0].message) == "A portal user needs the partner it acts for."
    assert error.value.violations[0].field == "partner"
    assert not User.objects.filter(username="client").exists()


def test_a_portal_user_for_an_unknown_partner_is_not_written(db):
    with pytest.raises(ValidationFailed) as error:
        user_create(username="client", role=Role.PORTAL, partner_id=999_999)

    assert error.value.codes == ["portal_partner_unknown"]
    assert not User.objects.filter(username="client").exists()
