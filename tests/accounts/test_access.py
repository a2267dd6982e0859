"""accounts.access decides what each actor sees; tested on a test-only model (Memo)."""

import pytest
from django.http import Http404

from ladoga.accounts import access
from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import department_create, user_create
from tests.testapp.models import Memo


@pytest.fixture
def memo(owner):
    return Memo.objects.create(owner=owner, title="Owner's memo", partner_id=7)


@pytest.mark.parametrize(
    "actor, sees",
    [
        ("owner", True),
        ("colleague", False),
        ("outsider", False),
        ("head", True),
        ("admin", True),
        ("claims", False),
        ("portal", False),
    ],
)
def test_visibility_by_actor(actors, memo, actor, sees):
    assert access.visible(Memo, actors[actor]).filter(pk=memo.pk).exists() is sees
    assert access.can_see(memo, actors[actor]) is sees


def test_head_sees_records_of_sub_departments(actors, departments):
    branch = department_create(name="Branch", parent=departments["sales"])
    branch_manager = user_create(username="branch", role=Role.MANAGER, department=branch)
    memo = Memo.objects.create(owner=branch_manager, title="Branch memo")

    assert access.can_see(memo, actors["head"])
    assert not access.can_see(memo, actors["outsider"])


def test_head_of_a_department_sees_it_without_belonging_to_it(actors, departments):
    other_head = user_create(username="otherhead", role=Role.HEAD)
    Department.objects.filter(pk=departments["other"].pk).update(head=other_head)
    memo = Memo.objects.create(owner=actors["outsider"], title="Other memo")

    assert access.can_see(memo, other_head)
    assert not access.can_see(memo, actors["head"])


def test_inactive_and_anonymous_users_see_nothing(actors, memo):
    from django.contrib.auth.models import AnonymousUser

    User.objects.filter(pk=actors["admin"].pk).update(is_active=False)
    actors["admin"].refresh_from_db()

    assert not access.visible(Memo, actors["admin"]).exists()
    assert not access.visible(Memo, AnonymousUser()).exists()


def test_portal_user_sees_only_its_partner_records(actors, memo, monkeypatch):
    Memo.objects.create(owner=actors["owner"], title="Another partner's", partner_id=8)
    monkeypatch.setattr(access, "_portal_partner_resolvers", [lambda user: 7])

    seen = list(access.visible(Memo, actors["portal"]).values_list("title", flat=True))

    assert seen == ["Owner's memo"]


def test_extra_grant_widens_visibility(actors, memo, monkeypatch):
    rule = access._rules[Memo]
    monkeypatch.setitem(
        access._rules,
        Memo,
        access.Rule(
            owner=rule.owner,
            also=lambda user: None if user.role != Role.CLAIMS else ~access.Q(pk__in=[]),
        ),
    )

    assert access.can_see(memo, actors["claims"])
    assert not access.can_see(memo, actors["colleague"])


def test_unregistered_model_fails_closed(actors):
    with pytest.raises(LookupError, match="no access rule"):
        access.visible(Department, actors["admin"])


def test_invisible_record_is_404_not_403(actors, memo):
    with pytest.raises(Http404):
        access.get_visible_or_404(Memo, actors["outsider"], pk=memo.pk)
    assert access.get_visible_or_404(Memo, actors["owner"], pk=memo.pk) == memo


def test_visibility_is_one_query(actors, memo, django_assert_num_queries):
    with django_assert_num_queries(2):  # the department tree, then the records
        list(access.visible(Memo, actors["head"]))
    with django_assert_num_queries(1):
        list(access.visible(Memo, actors["owner"]))


def test_owned_records_need_no_access_filter_on_an_owner_path(actors, memo):
    mine = access.owned(Memo, actors["owner"], "owner")

    assert list(mine) == [memo]
    assert str(mine.query) == str(Memo.objects.filter(owner=actors["owner"].pk).query)
    assert not access.owned(Memo, actors["colleague"], "owner").exists()


def test_owned_by_a_path_that_grants_nothing_still_applies_the_rule(actors):
    """`created_by` is not an owner path of Memo: having written a colleague's memo does
    not let the owner see it."""
    written = Memo.objects.create(
        owner=actors["colleague"], created_by=actors["owner"], title="Colleague's"
    )

    assert not access.owned(Memo, actors["owner"], "created_by").exists()
    assert list(access.owned(Memo, actors["admin"], "owner")) == []
    assert list(access.owned(Memo, actors["colleague"], "owner")) == [written]


def test_owned_gives_a_portal_user_only_what_the_portal_rule_allows(actors, memo, monkeypatch):
    Memo.objects.filter(pk=memo.pk).update(owner=actors["portal"])
    monkeypatch.setattr(access, "_portal_partner_resolvers", [lambda user: 8])

    assert not access.owned(Memo, actors["portal"], "owner").exists()


def test_each_role_is_a_group_with_its_permissions(actors):
    from django.contrib.auth.models import Group

    admins = Group.objects.get(name="role:admin")
    assert admins.permissions.filter(codename="add_user").exists()
    assert (
        not Group.objects.get(name="role:manager").permissions.filter(codename="add_user").exists()
    )
    assert list(actors["head"].groups.values_list("name", flat=True)) == ["role:head"]
    assert actors["admin"].has_perm("accounts.add_user")
    assert not actors["owner"].has_perm("accounts.add_user")
