"""Configuring deal kinds in the UI (D1): the kind, its stages with their guards and task
templates, its reference documents (links and files), and the loss-reason catalogue.
Each form changes one thing and hands the whole new configuration to the same service the
API uses (`deal_kind_update`), so the rules are the service's."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.core.services import attachment_add, attachments_of
from ladoga.web.forms import form_errors_from

from .. import guards, queries, services
from ..forms import FileForm, KindForm, LinkForm, ReasonForm, StageForm, TemplateForm
from ..models import DealKind, LossReason
from ._common import error_messages, staff_required, version_of

MANAGE = "deals.manage_deal_kinds"


def _kind_or_404(request, kind_id: int) -> DealKind:
    return access.get_visible_or_404(
        queries.kinds_visible_to(user=request.user), request.user, pk=kind_id
    )


def _update(request, kind: DealKind, **changes) -> bool:
    try:
        services.deal_kind_update(
            kind=kind, expected_version=version_of(request), by=request.user, **changes
        )
    except DomainError as error:
        error_messages(request, error)
        return False
    messages.success(request, _("Deal kind saved."))
    return True


@staff_required("deals.view_dealkind")
def kind_list(request):
    return render(
        request,
        "deals/kinds.html",
        {"kinds": queries.kinds_visible_to(user=request.user).order_by("name")},
    )


@staff_required(MANAGE)
def kind_create(request):
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stages = []
        if data["process_type"] != "non_process":
            stages = [
                services.StageSpec("new", _("New"), default_probability=10),
                services.StageSpec("won", _("Won"), outcome="won", default_probability=100),
                services.StageSpec("lost", _("Lost"), outcome="lost", default_probability=0),
            ]
        try:
            kind = services.deal_kind_create(
                name=data["name"],
                process_type=data["process_type"],
                description=data["description"],
                default_probability=data["default_probability"],
                stall_days=data["stall_days"],
                stages=stages,
                by=request.user,
            )
        except DomainError as error:
            form_errors_from(form, error)
        else:
            return redirect("deals:kind_detail", kind.pk)
    return render(request, "deals/kind_form.html", {"form": form})


@staff_required("deals.view_dealkind")
def kind_detail(request, kind_id: int):
    kind = _kind_or_404(request, kind_id)
    stages = list(kind.stages.all())
    can_manage = request.user.has_perm(MANAGE)
    return render(
        request,
        "deals/kind_detail.html",
        {
            "kind": kind,
            "stages": [
                {
                    "stage": stage,
                    "form": StageForm(
                        initial={
                            "version": kind.version,
                            "code": stage.code,
                            "name": stage.name,
                            "outcome": stage.outcome,
                            "default_probability": stage.default_probability,
                            "guards": stage.guards,
                            "requires_tasks_done": stage.requires_tasks_done,
                            "norm_days": stage.norm_days,
                        },
                        prefix=f"s{stage.pk}",
                    ),
                    "guards": [
                        guards.guard_of(code) for code in stage.guards if guards.guard_of(code)
                    ],
                    "templates": list(stage.task_templates.all()),
                }
                for stage in stages
            ],
            "kind_form": KindForm(
                initial={
                    "version": kind.version,
                    "name": kind.name,
                    "process_type": kind.process_type,
                    "default_probability": kind.default_probability,
                    "stall_days": kind.stall_days,
                    "description": kind.description,
                    "is_active": kind.is_active,
                }
            ),
            "new_stage_form": StageForm(initial={"version": kind.version}, prefix="new"),
            "template_form": TemplateForm(user=request.user, initial={"version": kind.version}),
            "link_form": LinkForm(initial={"version": kind.version}),
            "file_form": FileForm(),
            "files": attachments_of(kind),
            "can_manage": can_manage,
        },
    )


@require_POST
@staff_required(MANAGE)
def kind_edit(request, kind_id: int):
    kind = _kind_or_404(request, kind_id)
    form = KindForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _update(
            request,
            kind,
            name=data["name"],
            process_type=data["process_type"],
            default_probability=data["default_probability"],
            stall_days=data["stall_days"],
            description=data["description"],
            is_active=data["is_active"],
        )
    else:
        messages.error(request, _("Check the kind's fields."))
    return redirect("deals:kind_detail", kind.pk)


@require_POST
@staff_required(MANAGE)
def stage_save(request, kind_id: int, stage_id: int = 0):
    """Change a stage (its code stays), add one (stage_id 0), or move it up/down."""
    kind = _kind_or_404(request, kind_id)
    specs = services.kind_specs(kind)
    stages = list(kind.stages.all())
    index = next((i for i, s in enumerate(stages) if s.pk == stage_id), None)
    if stage_id and index is None:
        raise Http404
    action = request.POST.get("action", "save")
    if action in ("up", "down") and index is not None:
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(specs):
            specs[index], specs[other] = specs[other], specs[index]
        _update(request, kind, stages=specs)
        return redirect("deals:kind_detail", kind.pk)
    if action == "remove" and index is not None:
        del specs[index]
        _update(request, kind, stages=specs)
        return redirect("deals:kind_detail", kind.pk)
    form = StageForm(request.POST, prefix=f"s{stage_id}" if stage_id else "new")
    if not form.is_valid():
        messages.error(request, _("Check the stage's fields."))
        return redirect("deals:kind_detail", kind.pk)
    data = form.cleaned_data
    spec = services.StageSpec(
        code=data["code"] if index is None else specs[index].code,
        name=data["name"],
        outcome=data["outcome"],
        default_probability=data["default_probability"],
        guards=list(data["guards"]),
        requires_tasks_done=data["requires_tasks_done"],
        norm_days=data["norm_days"],
        task_templates=specs[index].task_templates if index is not None else [],
    )
    if index is None:
        # A new stage in progress goes after the others in progress.
        position = sum(1 for s in specs if s.outcome == "open")
        specs.insert(position, spec)
    else:
        specs[index] = spec
    _update(request, kind, stages=specs)
    return redirect("deals:kind_detail", kind.pk)


@require_POST
@staff_required(MANAGE)
def template_save(request, kind_id: int, stage_id: int, template_index: int = -1):
    """Add a task template to a stage, or remove the template at `template_index`."""
    kind = _kind_or_404(request, kind_id)
    specs = services.kind_specs(kind)
    stages = list(kind.stages.all())
    index = next((i for i, s in enumerate(stages) if s.pk == stage_id), None)
    if index is None:
        raise Http404
    templates = specs[index].task_templates
    if template_index >= 0:
        if template_index >= len(templates):
            raise Http404
        del templates[template_index]
    else:
        form = TemplateForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Check the task's fields."))
            return redirect("deals:kind_detail", kind.pk)
        data = form.cleaned_data
        templates.append(
            services.TemplateSpec(
                title=data["title"],
                assignee_kind=data["assignee_kind"],
                assignee_role=data["assignee_role"] or "",
                assignee_user=data["assignee_user"],
                due_in_days=data["due_in_days"],
                required=data["required"],
            )
        )
    _update(request, kind, stages=specs)
    return redirect("deals:kind_detail", kind.pk)


@require_POST
@staff_required(MANAGE)
def link_save(request, kind_id: int, link_id: int = 0):
    """Add a reference link (link_id 0) or remove one."""
    kind = _kind_or_404(request, kind_id)
    links = [services.LinkSpec(title=x.title, url=x.url) for x in kind.links.all()]
    if link_id:
        ids = [x.pk for x in kind.links.all()]
        if link_id not in ids:
            raise Http404
        del links[ids.index(link_id)]
    else:
        form = LinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("A reference link has a title and an http(s) address."))
            return redirect("deals:kind_detail", kind.pk)
        links.append(
            services.LinkSpec(title=form.cleaned_data["title"], url=form.cleaned_data["url"])
        )
    _update(request, kind, links=links)
    return redirect("deals:kind_detail", kind.pk)


@require_POST
@staff_required(MANAGE)
def kind_file(request, kind_id: int):
    kind = _kind_or_404(request, kind_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(target=kind, upload=form.cleaned_data["file"], by=request.user)
        except DomainError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("File attached."))
    return redirect("deals:kind_detail", kind.pk)


@staff_required("deals.view_lossreason")
def reasons(request):
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise Http404
        if form.is_valid():
            try:
                services.loss_reason_create(name=form.cleaned_data["name"], by=request.user)
            except DomainError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Reason added."))
                return redirect("deals:reasons")
    return render(
        request,
        "deals/reasons.html",
        {
            "reasons": queries.loss_reasons_visible_to(user=request.user),
            "form": form,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@require_POST
@staff_required(MANAGE)
def reason_toggle(request, reason_id: int):
    reason = access.get_visible_or_404(LossReason, request.user, pk=reason_id)
    try:
        services.loss_reason_update(
            reason=reason, expected_version=None, by=request.user, is_active=not reason.is_active
        )
    except DomainError as error:
        error_messages(request, error)
    return redirect("deals:reasons")
