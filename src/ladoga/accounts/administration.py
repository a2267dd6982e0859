"""The settings pages where administrators manage people (issue 14, point 7): users (list
with search and filters, create, edit, a new password, deactivate and activate) and
departments (list, create, edit with the head). Everyone else gets 403, as on the other
settings pages. The rules are the services', the same the CLI and the API follow."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from . import queries, services
from .forms import (
    DepartmentForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserPasswordSetForm,
)
from .models import Department, User

PAGE_SIZE = 50


def administrator_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _user_or_404(request, user_id: int) -> User:
    return get_object_or_404(queries.users_administered_by(user=request.user), pk=user_id)


def _department_or_404(request, department_id: int) -> Department:
    return get_object_or_404(
        queries.departments_administered_by(user=request.user), pk=department_id
    )


# --- Users -------------------------------------------------------------------------------


@administrator_required
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = queries.users_administered_by(user=request.user)
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        active = {"1": True, "0": False}.get(data["active"])
        users = queries.users_filter(users, q=data["q"], role=data["role"], active=active)
        filtered = bool(data["q"] or data["role"] or active is not None)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users.html",
        {"form": form, "page": page, "filtered": filtered, "query": query.urlencode()},
    )


@administrator_required
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                username=data["username"],
                role=data["role"],
                password=data["password"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                department=data["department"],
                language=request.LANGUAGE_CODE,
                by=request.user,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("User %(user)s created.") % {"user": created})
            return redirect("user_edit", created.pk)
    status = 400 if form.errors else 200
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


def _user_initial(person: User) -> dict:
    return {
        "version": person.version,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "department": person.department_id,
    }


@administrator_required
def user_edit(request, user_id: int):
    person = _user_or_404(request, user_id)
    form = UserEditForm(request.POST or None, initial=_user_initial(person), user=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.user_update(
                user=person, expected_version=data.pop("version"), by=request.user, **data
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("User %(user)s saved.") % {"user": person})
            return redirect("user_edit", person.pk)
    return _user_page(request, person, form=form)


def _user_page(request, person: User, *, form=None, password_form=None):
    form = form or UserEditForm(initial=_user_initial(person), user=person)
    password_form = password_form or UserPasswordSetForm()
    status = 400 if form.errors or password_form.errors else 200
    return render(
        request,
        "accounts/user_edit.html",
        {"person": person, "form": form, "password_form": password_form},
        status=status,
    )


@administrator_required
def user_password_set(request, user_id: int):
    person = _user_or_404(request, user_id)
    form = UserPasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_set(
                user=person, password=form.cleaned_data["password"], by=request.user
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("%(user)s has a new password. Tell it to them.") % {"user": person}
            )
            return redirect("user_edit", person.pk)
    return _user_page(request, person, password_form=form)


@administrator_required
def user_active_set(request, user_id: int):
    """GET asks to confirm; POST deactivates (or activates) the user."""
    person = _user_or_404(request, user_id)
    if request.method == "POST":
        try:
            services.user_active_set(user=person, active=not person.is_active, by=request.user)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            if person.is_active:
                text = _("%(user)s is deactivated: they can no longer sign in.")
            else:
                text = _("%(user)s is active again and can sign in.")
            messages.success(request, text % {"user": person})
        return redirect("user_edit", person.pk)
    return render(request, "accounts/user_active.html", {"person": person})


# --- Departments -------------------------------------------------------------------------


@administrator_required
def department_list(request):
    departments = queries.departments_administered_by(user=request.user)
    return render(request, "accounts/departments.html", {"departments": departments})


@administrator_required
def department_edit(request, department_id: int = 0):
    department = _department_or_404(request, department_id) if department_id else None
    heads = queries.department_heads_available()
    initial = {}
    if department is not None:
        # The present head stays choosable even if no longer a head, so that other
        # changes can be saved; choosing them anew is checked by the service.
        heads = heads | User.objects.filter(pk=department.head_id)
        initial = {
            "version": department.version,
            "name": department.name,
            "parent": department.parent_id,
            "head": department.head_id,
        }
    form = DepartmentForm(request.POST or None, initial=initial, department=department, heads=heads)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if department is None:
                saved = services.department_create(by=request.user, **data)
            else:
                saved = services.department_update(
                    department=department, expected_version=version, by=request.user, **data
                )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Department %(name)s saved.") % {"name": saved})
            return redirect("department_list")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/department_form.html",
        {"form": form, "department": department},
        status=status,
    )
