"""Issue 14, point 7: administrators manage users and departments on Ladoga's own pages.

The rules are the services' (the CLI's `ladoga user create` calls the same `user_create`):
the last active administrator stays one, nobody deactivates themselves, a department's
head is an active head of sales, a department is never inside itself. Every refusal says
why and writes nothing; every change lands in the record's history."""

import pytest

from ladoga.accounts.models import Department, User
from ladoga.accounts.roles import Role
from ladoga.accounts.services import (
    department_create,
    department_update,
    user_active_set,
    user_create,
    user_update,
)
from ladoga.core.errors import Conflict, StaleVersion, ValidationFailed

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quiet lake in the north"


def _state(user: User) -> tuple:
    user.refresh_from_db()
    return (user.version, user.first_name, user.role, user.is_active, user.password)


# --- Who may see the pages ------------------------------------------------------------------

PAGES = [
    "/settings/users/",
    "/settings/users/new/",
    "/settings/users/{owner}/",
    "/settings/users/{owner}/active/",
    "/settings/departments/",
    "/settings/departments/new/",
    "/settings/departments/{sales}/",
]


@pytest.mark.parametrize(
    ("actor", "status"),
    [("admin", 200), ("head", 403), ("owner", 403), ("claims", 403), ("portal", 302)],
)
def test_only_administrators_open_the_settings_pages(
    browser_as, actors, departments, actor, status
):
    client = browser_as(actor)
    for page in PAGES:
        path = page.format(owner=actors["owner"].pk, sales=departments["sales"].pk)

        response = client.get(path)

        assert response.status_code == status, path
        if actor == "portal":
            assert response["Location"] == "/portal/"


def test_anonymous_visitors_are_sent_to_sign_in(db):
    from django.test import Client

    response = Client().get("/settings/users/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_manager_posting_to_the_pages_changes_nothing(browser_as, actors):
    before = _state(actors["colleague"])

    response = browser_as("owner").post(f"/settings/users/{actors['colleague'].pk}/active/")

    assert response.status_code == 403
    assert _state(actors["colleague"]) == before


def test_an_unknown_user_answers_404(browser_as, actors):
    assert browser_as("admin").get("/settings/users/999999/").status_code == 404
    assert browser_as("admin").get("/settings/departments/999999/").status_code == 404


def test_the_menu_shows_the_sections_only_to_administrators(browser_as, actors):
    admin_page = browser_as("admin").get("/profile/").content.decode()
    head_page = browser_as("head").get("/profile/").content.decode()

    assert 'href="/settings/users/"' in admin_page
    assert 'href="/settings/departments/"' in admin_page
    assert "/settings/users/" not in head_page
    assert "/settings/departments/" not in head_page


# --- The users list ------------------------------------------------------------------------


def test_the_list_searches_by_name_in_any_case_and_filters(browser_as, actors):
    user_create(username="boris", role=Role.MANAGER, first_name="Борис", last_name="Ёлкин")
    client = browser_as("admin")

    found = client.get("/settings/users/", {"q": "ёлкин"}).content.decode()
    heads = client.get("/settings/users/", {"role": "head"}).content.decode()

    assert "Борис Ёлкин" in found and "Owner" not in found
    assert "Head" in heads and "Owner" not in heads


def test_the_list_filters_deactivated_users(browser_as, actors):
    user_active_set(user=actors["outsider"], active=False, by=actors["admin"])
    client = browser_as("admin")

    off = client.get("/settings/users/", {"active": "0"}).content.decode()
    on = client.get("/settings/users/", {"active": "1"}).content.decode()

    assert "Outsider" in off and "Owner" not in off
    assert "Outsider" not in on and "Owner" in on


def test_the_list_pages_with_a_steady_number_of_queries(
    browser_as, actors, departments, django_assert_max_num_queries
):
    for number in range(60):
        user_create(
            username=f"m{number:02}",
            role=Role.MANAGER,
            last_name=f"Manager {number:02}",
            department=departments["sales"],
        )
    client = browser_as("admin")
    client.get("/settings/users/")  # the session and the user are read once before

    with django_assert_max_num_queries(8):
        response = client.get("/settings/users/", {"page": 2})

    assert response.status_code == 200
    assert "Page 2 of 2 · 67 in all" in response.content.decode()


# --- Creating a user -----------------------------------------------------------------------


def test_an_administrator_creates_a_user_who_can_sign_in(browser_as, actors, departments):
    from django.test import Client

    response = browser_as("admin").post(
        "/settings/users/new/",
        {
            "username": "vera",
            "first_name": "Vera",
            "last_name": "Orlova",
            "email": "vera@example.com",
            "role": "head",
            "department": departments["other"].pk,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )

    vera = User.objects.get(username="vera")
    assert response.status_code == 302
    assert response["Location"] == f"/settings/users/{vera.pk}/"
    assert (vera.role, vera.department) == (Role.HEAD, departments["other"])
    assert vera.email == "vera@example.com"
    assert list(vera.groups.values_list("name", flat=True)) == ["role:head"]
    assert vera.created_by == actors["admin"]
    assert vera.history.get().history_user == actors["admin"]
    signed_in = Client().post("/login/", {"username": "vera", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "owner"}, "The user name owner is taken."),
        ({"username": "bad name!"}, "A user name is 1–150 letters, digits and @/./+/-/_ only."),
        ({"password": "12345678", "password_again": "12345678"}, "This password is too common."),
        ({"password_again": "something else"}, "The two passwords differ."),
        ({"role": "portal"}, "Select a valid choice. portal is not one of the available choices."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"first_name": "x" * 151}, "Ensure this value has at most 150 characters (it has 151)."),
    ],
)
def test_a_refused_user_shows_why_and_is_not_written(browser_as, actors, changes, message):
    data = {
        "username": "vera",
        "role": "manager",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **changes,
    }
    count = User.objects.count()

    response = browser_as("admin").post("/settings/users/new/", data)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert User.objects.count() == count


# --- Editing, deactivating -----------------------------------------------------------------


def test_an_administrator_edits_a_user_and_the_history_keeps_it(browser_as, actors, departments):
    owner = actors["owner"]

    response = browser_as("admin").post(
        f"/settings/users/{owner.pk}/",
        {
            "version": owner.version,
            "first_name": "Oleg",
            "last_name": "Petrov",
            "email": "oleg@example.com",
            "role": "head",
            "department": departments["other"].pk,
        },
    )

    owner.refresh_from_db()
    assert response.status_code == 302
    assert (owner.first_name, owner.role) == ("Oleg", "head")
    assert owner.department == departments["other"]
    assert list(owner.groups.values_list("name", flat=True)) == ["role:head"]
    latest = owner.history.first()
    assert latest.history_user == actors["admin"]
    page = browser_as("admin").get(f"/settings/users/{owner.pk}/").content.decode()
    assert "Sales manager" in page and "Head of sales" in page  # the history, as labels


def test_an_edit_on_an_old_version_is_refused(browser_as, actors):
    owner = actors["owner"]
    before = _state(owner)

    response = browser_as("admin").post(
        f"/settings/users/{owner.pk}/",
        {"version": owner.version - 1, "first_name": "Oleg", "role": "manager"},
    )

    assert response.status_code == 400
    assert "This record was changed by someone else" in response.content.decode()
    assert _state(owner) == before


def test_a_portal_user_keeps_the_portal_role(actors):
    portal = actors["portal"]
    before = _state(portal)

    with pytest.raises(ValidationFailed) as error:
        user_update(
            user=portal,
            expected_version=None,
            first_name="",
            last_name="",
            email="",
            role=Role.MANAGER,
            department=None,
        )

    assert error.value.codes == ["portal_role_fixed"]
    assert _state(portal) == before


def test_the_last_administrator_keeps_the_role(browser_as, actors):
    admin = actors["admin"]
    client = browser_as("admin")  # signing in writes last_login (a new version)
    before = _state(admin)

    response = client.post(
        f"/settings/users/{admin.pk}/",
        {"version": admin.version, "first_name": "Admin", "role": "manager"},
    )

    assert response.status_code == 400
    assert "Admin is the last active administrator: the role stays." in response.content.decode()
    assert _state(admin) == before


def test_the_last_administrator_cannot_be_deactivated(actors):
    second = user_create(username="second", role=Role.ADMIN, password=PASSWORD)
    user_active_set(user=second, active=False, by=actors["admin"])
    admin = actors["admin"]
    before = _state(admin)

    with pytest.raises(Conflict) as error:
        user_active_set(user=admin, active=False, by=second)

    assert error.value.codes == ["last_administrator"]
    assert str(error.value) == "Admin is the last active administrator and cannot be deactivated."
    assert _state(admin) == before


def test_with_another_administrator_one_may_leave(actors):
    second = user_create(username="second", role=Role.ADMIN, password=PASSWORD)

    user_active_set(user=actors["admin"], active=False, by=second)

    actors["admin"].refresh_from_db()
    assert actors["admin"].is_active is False


def test_an_administrator_cannot_deactivate_themselves(browser_as, actors):
    user_create(username="second", role=Role.ADMIN, password=PASSWORD)
    admin = actors["admin"]
    client = browser_as("admin")
    before = _state(admin)

    response = client.post(f"/settings/users/{admin.pk}/active/", follow=True)

    assert "You cannot deactivate yourself." in response.content.decode()
    assert _state(admin) == before


def test_a_deactivated_user_cannot_sign_in_nor_use_a_session_or_token(browser_as, actors, api_as):
    from django.test import Client

    owner_browser = browser_as("owner")
    owner_api = api_as("owner")
    assert owner_api.get("/api/v1/me").status_code == 200

    confirm = browser_as("admin").get(f"/settings/users/{actors['owner'].pk}/active/")
    response = browser_as("admin").post(f"/settings/users/{actors['owner'].pk}/active/")

    assert "Deactivate Owner? They can no longer sign in" in confirm.content.decode()
    assert response.status_code == 302
    actors["owner"].refresh_from_db()
    assert actors["owner"].is_active is False
    assert actors["owner"].history.first().history_user == actors["admin"]
    refused = Client().post("/login/", {"username": "owner", "password": PASSWORD})
    assert refused.status_code == 400
    assert owner_browser.get("/").status_code == 302
    assert owner_api.get("/api/v1/me").status_code == 401


def test_a_deactivated_user_is_activated_again(browser_as, actors):
    from django.test import Client

    user_active_set(user=actors["owner"], active=False, by=actors["admin"])

    browser_as("admin").post(f"/settings/users/{actors['owner'].pk}/active/")

    signed_in = Client().post("/login/", {"username": "owner", "password": PASSWORD})
    assert signed_in.status_code == 302


def test_an_administrator_sets_a_new_password(browser_as, actors):
    owner = actors["owner"]

    refused = browser_as("admin").post(
        f"/settings/users/{owner.pk}/password/", {"password": "owner", "password_again": "owner"}
    )
    unchanged = owner.password == User.objects.get(pk=owner.pk).password
    response = browser_as("admin").post(
        f"/settings/users/{owner.pk}/password/",
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert refused.status_code == 400
    assert "This password is too short." in refused.content.decode()
    assert unchanged
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


# --- Departments ---------------------------------------------------------------------------


def test_an_administrator_creates_a_department_with_a_head(browser_as, actors, departments):
    head = actors["head"]

    response = browser_as("admin").post(
        "/settings/departments/new/",
        {"name": "  Wholesale  ", "parent": departments["sales"].pk, "head": head.pk},
    )

    created = Department.objects.get(name="Wholesale")
    assert response.status_code == 302
    assert (created.parent, created.head) == (departments["sales"], head)
    assert created.history.get().history_user == actors["admin"]
    listed = browser_as("admin").get("/settings/departments/").content.decode()
    assert "Wholesale" in listed and "Head" in listed


def test_the_head_is_picked_from_the_heads_of_sales(browser_as, actors, departments):
    page = browser_as("admin").get("/settings/departments/new/").content.decode()
    count = Department.objects.count()

    response = browser_as("admin").post(
        "/settings/departments/new/", {"name": "Wholesale", "head": actors["owner"].pk}
    )

    assert f'<option value="{actors["head"].pk}">Head</option>' in page
    assert f'<option value="{actors["owner"].pk}">Owner</option>' not in page
    assert response.status_code == 400
    assert "Choose an active head of sales from the list." in response.content.decode()
    assert Department.objects.count() == count


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("owner", "Owner cannot head a department: a head is an active user with the role Head"),
        ("inactive", "Ivan cannot head a department: a head is an active user with the role Head"),
    ],
)
def test_the_service_refuses_a_head_who_is_not_an_active_head(actors, departments, who, message):
    inactive = user_create(username="ivan", role=Role.HEAD, first_name="Ivan")
    user_active_set(user=inactive, active=False)
    head = actors["owner"] if who == "owner" else inactive
    other = departments["other"]
    version = other.version

    with pytest.raises(ValidationFailed) as error:
        department_update(
            department=other, expected_version=version, name="Other sales", parent=None, head=head
        )

    assert error.value.codes == ["department_head_invalid"]
    assert message in str(error.value)
    other.refresh_from_db()
    assert (other.head, other.version) == (None, version)


def test_a_department_cannot_be_inside_its_own_sub_unit(browser_as, departments):
    sales = departments["sales"]
    branch = department_create(name="Branch", parent=sales)
    version = sales.version

    response = browser_as("admin").post(
        f"/settings/departments/{sales.pk}/",
        {"version": version, "name": "Sales", "parent": branch.pk},
    )

    assert response.status_code == 400
    assert "Sales cannot be inside itself or inside one of its sub-units." in (
        response.content.decode()
    )
    sales.refresh_from_db()
    assert (sales.parent, sales.version) == (None, version)


def test_a_department_name_is_unique_in_any_case(browser_as, departments):
    other = departments["other"]
    version = other.version

    response = browser_as("admin").post(
        f"/settings/departments/{other.pk}/", {"version": version, "name": "SALES"}
    )

    assert response.status_code == 400
    assert "A department named SALES already exists." in response.content.decode()
    other.refresh_from_db()
    assert (other.name, other.version) == ("Other sales", version)


def test_a_department_edit_on_an_old_version_is_refused(browser_as, departments):
    other = departments["other"]

    with pytest.raises(StaleVersion):
        department_update(
            department=other, expected_version=other.version + 1, name="X", parent=None, head=None
        )

    other.refresh_from_db()
    assert other.name == "Other sales"
