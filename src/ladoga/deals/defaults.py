"""The deal kinds and loss reasons Ladoga ships with (D1, D10), installed by the data
migration 0002 in the installation's language (settings.LANGUAGE_CODE).

"Typical sale" is the strict process of 1C:ERP: qualification → needs → client classified →
proposal → negotiation → order → won / lost, each stage with its guards and tasks. "Project
sale" is a manual kind (any stage, in any order); "Quick sale" has no process at all.
"""

from django.utils.translation import gettext_lazy as _

TYPICAL_SALE = {
    "name": _("Typical sale"),
    "process_type": "strict",
    "description": _(
        "Stages in order; each stage checks its conditions before a deal may enter it."
    ),
    "default_probability": 20,
    "stages": [
        {
            "code": "qualification",
            "name": _("Qualification"),
            "default_probability": 10,
            "requires_tasks_done": True,
            "tasks": [
                {
                    "title": _("Qualify the client: need, budget, timing, who decides"),
                    "due_in_days": 2,
                    "required": True,
                }
            ],
        },
        {
            "code": "needs",
            "name": _("Needs analysis"),
            "default_probability": 20,
            "guards": ["deal_contacts_missing"],
            "tasks": [{"title": _("Meet the client and write down the needs"), "due_in_days": 3}],
        },
        {
            "code": "client_classified",
            "name": _("Client classified"),
            "default_probability": 30,
            "guards": ["deal_agreement_missing"],
            "tasks": [{"title": _("Agree the terms of sale"), "due_in_days": 2}],
        },
        {
            "code": "proposal",
            "name": _("Commercial proposal"),
            "default_probability": 45,
            "guards": ["deal_agreement_missing", "deal_amount_date_missing"],
            "requires_tasks_done": True,
            "tasks": [
                {
                    "title": _("Prepare and send the commercial proposal"),
                    "due_in_days": 2,
                    "required": True,
                }
            ],
        },
        {
            "code": "negotiation",
            "name": _("Negotiation"),
            "default_probability": 60,
            "guards": ["deal_proposal_missing", "deal_tasks_open"],
            "tasks": [
                {"title": _("Discuss the proposal with the decision maker"), "due_in_days": 5},
                {
                    "title": _("Approve the discount and the terms"),
                    "assignee_kind": "role",
                    "assignee_role": "head",
                    "due_in_days": 2,
                },
            ],
        },
        {
            "code": "order",
            "name": _("Customer order"),
            "default_probability": 80,
            "guards": ["deal_proposal_missing", "deal_decision_maker_missing"],
            "tasks": [
                {
                    "title": _("Make and post the customer order"),
                    "due_in_days": 1,
                    "required": True,
                }
            ],
        },
        {
            "code": "won",
            "name": _("Won"),
            "outcome": "won",
            "default_probability": 100,
            "guards": ["deal_order_not_posted"],
        },
        {"code": "lost", "name": _("Lost"), "outcome": "lost", "default_probability": 0},
    ],
}

PROJECT_SALE = {
    "name": _("Project sale"),
    "process_type": "manual",
    "description": _("Large projects: any stage in any order, skipping allowed."),
    "default_probability": 15,
    "stages": [
        {"code": "lead", "name": _("Lead"), "default_probability": 5},
        {
            "code": "presentation",
            "name": _("Presentation"),
            "default_probability": 15,
            "tasks": [{"title": _("Present the solution to the client"), "due_in_days": 5}],
        },
        {"code": "pilot", "name": _("Pilot"), "default_probability": 35},
        {"code": "tender", "name": _("Tender"), "default_probability": 50},
        {
            "code": "contract",
            "name": _("Contract"),
            "default_probability": 75,
            "tasks": [
                {
                    "title": _("Have the contract checked by the lawyer"),
                    "assignee_kind": "role",
                    "assignee_role": "head",
                    "due_in_days": 3,
                }
            ],
        },
        {"code": "won", "name": _("Won"), "outcome": "won", "default_probability": 100},
        {"code": "lost", "name": _("Lost"), "outcome": "lost", "default_probability": 0},
    ],
}

QUICK_SALE = {
    "name": _("Quick sale"),
    "process_type": "non_process",
    "description": _("Small sales without a process: only in progress, won or lost."),
    "default_probability": 40,
    "stages": [],
}

KINDS = [TYPICAL_SALE, PROJECT_SALE, QUICK_SALE]

LOSS_REASONS = [
    _("Price too high"),
    _("Chose a competitor"),
    _("No budget"),
    _("Project cancelled"),
    _("Client stopped answering"),
    _("Delivery terms did not suit"),
]


def install(apps, schema_editor=None) -> None:
    """Create the shipped kinds and reasons with the migration's historical models."""
    from django.conf import settings
    from django.utils import translation

    DealKind = apps.get_model("deals", "DealKind")
    Stage = apps.get_model("deals", "Stage")
    StageTaskTemplate = apps.get_model("deals", "StageTaskTemplate")
    LossReason = apps.get_model("deals", "LossReason")
    with translation.override(settings.LANGUAGE_CODE):
        for spec in KINDS:
            if DealKind.objects.filter(name=str(spec["name"])).exists():
                continue
            kind = DealKind.objects.create(
                name=str(spec["name"]),
                process_type=spec["process_type"],
                description=str(spec["description"]),
                default_probability=spec["default_probability"],
            )
            for position, stage_spec in enumerate(spec["stages"], start=1):
                stage = Stage.objects.create(
                    kind=kind,
                    code=stage_spec["code"],
                    name=str(stage_spec["name"]),
                    position=position,
                    outcome=stage_spec.get("outcome", "open"),
                    default_probability=stage_spec["default_probability"],
                    guards=stage_spec.get("guards", []),
                    requires_tasks_done=stage_spec.get("requires_tasks_done", False),
                )
                for t_position, task in enumerate(stage_spec.get("tasks", [])):
                    StageTaskTemplate.objects.create(
                        stage=stage,
                        title=str(task["title"]),
                        assignee_kind=task.get("assignee_kind", "manager"),
                        assignee_role=task.get("assignee_role", ""),
                        due_in_days=task["due_in_days"],
                        required=task.get("required", False),
                        position=t_position,
                    )
        for name in LOSS_REASONS:
            LossReason.objects.get_or_create(name=str(name))
