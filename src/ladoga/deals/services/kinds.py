"""Commands on deal kinds (D1): create and change a kind with its stages, guards, task
templates and reference links, in one transaction each; and the loss-reason catalogue."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from ladoga.accounts.roles import Role
from ladoga.core.errors import Conflict, ValidationFailed, Violation

from .. import guards
from ..errors import DealsCode as C
from ..models import (
    NORM_DAYS_MAX,
    AssigneeKind,
    Deal,
    DealKind,
    KindLink,
    LossReason,
    ProcessType,
    Stage,
    StageOutcome,
    StageReach,
    StageTaskTemplate,
    StageTransition,
)
from ._common import MANAGE_KINDS, clean, locked, permission_check, probability_check, staff_check

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass
class TemplateSpec:
    title: str
    description: str = ""
    assignee_kind: str = AssigneeKind.MANAGER
    assignee_role: str = ""
    assignee_user: object = None
    due_in_days: int = 1
    required: bool = False


@dataclass
class StageSpec:
    code: str
    name: str
    outcome: str = StageOutcome.OPEN
    default_probability: int = 10
    guards: list[str] = field(default_factory=list)
    requires_tasks_done: bool = False
    task_templates: list[TemplateSpec] = field(default_factory=list)
    norm_days: int | None = None


@dataclass
class LinkSpec:
    title: str
    url: str


def norm_days_check(value, where: str) -> list[Violation]:
    """A norm in days is empty (no norm) or a whole number from 1 to 3650."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= NORM_DAYS_MAX:
        return [
            Violation(
                C.NORM_DAYS_INVALID,
                _("A norm is a whole number of days from 1 to %(max)s, or empty.")
                % {"max": NORM_DAYS_MAX},
                where,
            )
        ]
    return []


def _stages_check(process_type: str, stages: Sequence[StageSpec]) -> list[Violation]:
    violations: list[Violation] = []
    if process_type == ProcessType.NON_PROCESS:
        if stages:
            violations.append(
                Violation(C.KIND_STAGES_FORBIDDEN, _("A non-process kind has no stages."), "stages")
            )
        return violations
    outcomes = [s.outcome for s in stages]
    if StageOutcome.OPEN not in outcomes:
        violations.append(
            Violation(
                C.KIND_STAGES_REQUIRED,
                _("A kind with a process needs at least one stage in progress."),
                "stages",
            )
        )
    if outcomes.count(StageOutcome.WON) != 1 or outcomes.count(StageOutcome.LOST) != 1:
        violations.append(
            Violation(
                C.KIND_OUTCOME_STAGES,
                _("A kind with a process has exactly one won stage and one lost stage."),
                "stages",
            )
        )
    seen: set[str] = set()
    for index, stage in enumerate(stages):
        where = f"stages.{index}"
        if not CODE_RE.match(stage.code or ""):
            violations.append(
                Violation(
                    C.STAGE_CODE_INVALID,
                    _("A stage code is lower-case Latin letters, digits, - and _."),
                    f"{where}.code",
                )
            )
        elif stage.code in seen:
            violations.append(
                Violation(
                    C.STAGE_CODE_DUPLICATE,
                    _("The stage code %(code)s is used twice.") % {"code": stage.code},
                    f"{where}.code",
                )
            )
        seen.add(stage.code)
        if not clean(stage.name):
            violations.append(
                Violation(C.STAGE_NAME_REQUIRED, _("Give the stage a name."), f"{where}.name")
            )
        if stage.outcome not in StageOutcome.values:
            violations.append(
                Violation(
                    C.STAGE_OUTCOME_UNKNOWN,
                    _("A stage is in progress, won or lost."),
                    f"{where}.outcome",
                )
            )
        violations += probability_check(stage.default_probability, f"{where}.default_probability")
        violations += norm_days_check(stage.norm_days, f"{where}.norm_days")
        for code in stage.guards:
            if guards.guard_of(code) is None:
                violations.append(
                    Violation(
                        C.GUARD_UNKNOWN,
                        _("Unknown guard %(code)s; choose from: %(known)s.")
                        % {"code": code, "known": ", ".join(guards.guard_codes())},
                        f"{where}.guards",
                    )
                )
        for t_index, template in enumerate(stage.task_templates):
            violations += _template_check(template, f"{where}.task_templates.{t_index}")
    return violations


def _template_check(template: TemplateSpec, where: str) -> list[Violation]:
    violations = []
    if not clean(template.title):
        violations.append(
            Violation(C.TEMPLATE_TITLE_REQUIRED, _("Give the task a title."), f"{where}.title")
        )
    invalid = Violation(
        C.TEMPLATE_ASSIGNEE_INVALID,
        _("A task goes to the deal's manager, to a role of staff or to an active user."),
        f"{where}.assignee_kind",
    )
    if (
        template.assignee_kind not in AssigneeKind.values
        or (
            template.assignee_kind == AssigneeKind.ROLE
            and template.assignee_role
            not in (
                Role.HEAD,
                Role.MANAGER,
                Role.ADMIN,
                Role.CLAIMS,
            )
        )
        or (
            template.assignee_kind == AssigneeKind.USER
            and staff_check(template.assignee_user, C.TEMPLATE_ASSIGNEE_INVALID, "")
        )
    ):
        violations.append(invalid)
    if not isinstance(template.due_in_days, int) or not 0 <= template.due_in_days <= 365:
        violations.append(
            Violation(
                C.TEMPLATE_ASSIGNEE_INVALID,
                _("A task is due in 0 to 365 working days."),
                f"{where}.due_in_days",
            )
        )
    return violations


def _links_check(links: Sequence[LinkSpec]) -> list[Violation]:
    violations = []
    validate = URLValidator(schemes=["http", "https"])
    for index, link in enumerate(links):
        try:
            validate(link.url or "")
            ok = bool(clean(link.title))
        except DjangoValidationError:
            ok = False
        if not ok:
            violations.append(
                Violation(
                    C.LINK_INVALID,
                    _("A reference link has a title and an http(s) address."),
                    f"links.{index}",
                )
            )
    return violations


def _kind_checks(
    *, name: str, process_type: str, default_probability, stages, links, kind=None, stall_days=None
):
    violations: list[Violation] = []
    if not name:
        violations.append(Violation(C.KIND_NAME_REQUIRED, _("Give the kind a name."), "name"))
    if process_type not in ProcessType.values:
        violations.append(
            Violation(
                C.KIND_PROCESS_UNKNOWN,
                _("A kind's process is strict, manual or non-process."),
                "process_type",
            )
        )
    else:
        violations += _stages_check(process_type, stages)
    violations += probability_check(default_probability, "default_probability")
    violations += norm_days_check(stall_days, "stall_days")
    violations += _links_check(links)
    if violations:
        raise ValidationFailed(violations)
    taken = DealKind.objects.filter(name__iexact=name)
    if kind is not None:
        taken = taken.exclude(pk=kind.pk)
    if taken.exists():
        raise Conflict.single(
            C.KIND_NAME_TAKEN,
            _("There is already a deal kind named %(name)s.") % {"name": name},
            "name",
        )


def _ordered(stages: Sequence[StageSpec]) -> list[StageSpec]:
    """Open stages in the given order, then the won stage, then the lost one."""
    rank = {StageOutcome.OPEN: 0, StageOutcome.WON: 1, StageOutcome.LOST: 2}
    return sorted(stages, key=lambda s: rank.get(s.outcome, 0))


def _templates_store(stage: Stage, templates: Sequence[TemplateSpec], by) -> None:
    StageTaskTemplate.objects.filter(stage=stage).delete()
    StageTaskTemplate.objects.bulk_create(
        StageTaskTemplate(
            stage=stage,
            title=clean(t.title)[:255],
            description=t.description or "",
            assignee_kind=t.assignee_kind,
            assignee_role=t.assignee_role if t.assignee_kind == AssigneeKind.ROLE else "",
            assignee_user=t.assignee_user if t.assignee_kind == AssigneeKind.USER else None,
            due_in_days=t.due_in_days,
            required=t.required,
            position=index,
            created_by=by,
        )
        for index, t in enumerate(templates)
    )


def _stages_store(kind: DealKind, stages: Sequence[StageSpec], by) -> None:
    """Make the kind's stages exactly `stages`: matched by code, new ones created, missing
    ones removed — refused while a deal stands on or passed through one."""
    existing = {s.code: s for s in kind.stages.all()}
    wanted = {s.code for s in stages}
    gone = [s for code, s in existing.items() if code not in wanted]
    if gone:
        ids = [s.pk for s in gone]
        used = (
            Deal.objects.filter(stage_id__in=ids).exists()
            or StageTransition.objects.filter(to_stage_id__in=ids).exists()
            or StageReach.objects.filter(stage_id__in=ids).exists()
        )
        if used:
            raise Conflict.single(
                C.STAGE_IN_USE,
                _("The stages %(names)s have deals and cannot be removed.")
                % {"names": ", ".join(s.name for s in gone)},
                "stages",
            )
        Stage.objects.filter(pk__in=ids).delete()
    for position, spec in enumerate(_ordered(stages), start=1):
        stage = existing.get(spec.code) or Stage(kind=kind, code=spec.code, created_by=by)
        stage.name = clean(spec.name)[:150]
        stage.position = position
        stage.outcome = spec.outcome
        stage.default_probability = spec.default_probability
        stage.guards = list(dict.fromkeys(spec.guards))
        stage.requires_tasks_done = spec.requires_tasks_done
        stage.norm_days = spec.norm_days
        stage.save()
        _templates_store(stage, spec.task_templates, by)


def _links_store(kind: DealKind, links: Sequence[LinkSpec], by) -> None:
    KindLink.objects.filter(kind=kind).delete()
    KindLink.objects.bulk_create(
        KindLink(kind=kind, title=clean(link.title)[:255], url=link.url, created_by=by)
        for link in links
    )


def kind_specs(kind: DealKind) -> list[StageSpec]:
    """The kind's configuration as the service takes it."""
    return [
        StageSpec(
            code=stage.code,
            name=stage.name,
            outcome=stage.outcome,
            default_probability=stage.default_probability,
            guards=list(stage.guards),
            requires_tasks_done=stage.requires_tasks_done,
            norm_days=stage.norm_days,
            task_templates=[
                TemplateSpec(
                    title=t.title,
                    description=t.description,
                    assignee_kind=t.assignee_kind,
                    assignee_role=t.assignee_role,
                    assignee_user=t.assignee_user,
                    due_in_days=t.due_in_days,
                    required=t.required,
                )
                for t in stage.task_templates.all()
            ],
        )
        for stage in kind.stages.all()
    ]


@transaction.atomic
def deal_kind_create(
    *,
    name: str,
    process_type: str = ProcessType.STRICT,
    description: str = "",
    default_probability: int = 20,
    stall_days: int | None = None,
    stages: Sequence[StageSpec] = (),
    links: Sequence[LinkSpec] = (),
    by=None,
) -> DealKind:
    """Create a deal kind with its stages (open ones in order, then won and lost), their
    guards and task templates, and its reference links."""
    permission_check(by, MANAGE_KINDS)
    name = clean(name)[:150]
    _kind_checks(
        name=name,
        process_type=process_type,
        default_probability=default_probability,
        stages=stages,
        links=links,
        stall_days=stall_days,
    )
    kind = DealKind.objects.create(
        name=name,
        process_type=process_type,
        description=description or "",
        default_probability=default_probability,
        stall_days=stall_days,
        created_by=by,
    )
    _stages_store(kind, stages, by)
    _links_store(kind, links, by)
    return kind


KIND_CHANGEABLE = {
    "name",
    "process_type",
    "description",
    "is_active",
    "default_probability",
    "stall_days",
    "stages",
    "links",
}


@transaction.atomic
def deal_kind_update(*, kind: DealKind, expected_version: int | None, by=None, **changes):
    """Change a kind. `stages`, when given, is the whole new list (matched by code);
    `links` likewise. The process type is fixed once the kind has deals."""
    permission_check(by, MANAGE_KINDS)
    unknown = set(changes) - KIND_CHANGEABLE
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    kind = locked(DealKind, kind, expected_version)
    name = clean(changes.get("name", kind.name))[:150]
    process_type = changes.get("process_type", kind.process_type)
    stages = changes.get("stages")
    links = changes.get("links")
    current_stages = [
        StageSpec(code=s.code, name=s.name, outcome=s.outcome) for s in kind.stages.all()
    ]
    _kind_checks(
        name=name,
        process_type=process_type,
        default_probability=changes.get("default_probability", kind.default_probability),
        stages=stages if stages is not None else current_stages,
        links=links or (),
        kind=kind,
        stall_days=changes.get("stall_days", kind.stall_days),
    )
    if process_type != kind.process_type and kind.deals.exists():
        raise Conflict.single(
            C.KIND_PROCESS_LOCKED,
            _("The kind has deals: its process can no longer change."),
            "process_type",
        )
    kind.name = name
    kind.process_type = process_type
    if "description" in changes:
        kind.description = changes["description"] or ""
    if "is_active" in changes:
        kind.is_active = bool(changes["is_active"])
    if "default_probability" in changes:
        kind.default_probability = changes["default_probability"]
    if "stall_days" in changes:
        kind.stall_days = changes["stall_days"]
    kind.save()
    if stages is not None:
        _stages_store(kind, stages, by)
    if links is not None:
        _links_store(kind, links, by)
    return kind


@transaction.atomic
def loss_reason_create(*, name: str, description: str = "", by=None) -> LossReason:
    """Add a reason to the catalogue of why deals are lost (D10)."""
    permission_check(by, MANAGE_KINDS)
    name = clean(name)[:150]
    if not name:
        raise ValidationFailed.single(C.REASON_NAME_REQUIRED, _("Give the reason a name."), "name")
    if LossReason.objects.filter(name__iexact=name).exists():
        raise Conflict.single(
            C.REASON_NAME_TAKEN,
            _("There is already a reason named %(name)s.") % {"name": name},
            "name",
        )
    return LossReason.objects.create(name=name, description=description or "", created_by=by)


@transaction.atomic
def loss_reason_update(
    *, reason: LossReason, expected_version: int | None, by=None, **changes
) -> LossReason:
    permission_check(by, MANAGE_KINDS)
    reason = locked(LossReason, reason, expected_version)
    if "name" in changes:
        name = clean(changes["name"])[:150]
        if not name:
            raise ValidationFailed.single(
                C.REASON_NAME_REQUIRED, _("Give the reason a name."), "name"
            )
        if LossReason.objects.filter(name__iexact=name).exclude(pk=reason.pk).exists():
            raise Conflict.single(
                C.REASON_NAME_TAKEN,
                _("There is already a reason named %(name)s.") % {"name": name},
                "name",
            )
        reason.name = name
    if "description" in changes:
        reason.description = changes["description"] or ""
    if "is_active" in changes:
        reason.is_active = bool(changes["is_active"])
    reason.save()
    return reason
