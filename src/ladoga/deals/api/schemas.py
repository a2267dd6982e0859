"""Request and response shapes of the deals API (DESIGN.md "API shape")."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from ladoga.core.api import FreeText, Money

# a stage move's or a party's comment: one line, as its column (max_length=500)
StageComment = Annotated[str, Field(max_length=500)]


class TemplateIn(Schema):
    title: str
    description: FreeText = ""
    assignee_kind: str = Field("manager", description="manager, role or user")
    assignee_role: str = Field("", description="head, manager, admin or claims (for a role)")
    assignee_user_id: int | None = None
    due_in_days: int = Field(1, description="working days after entering the stage")
    required: bool = False


class TemplateOut(TemplateIn):
    id: int


class StageIn(Schema):
    code: str = Field(description="stable, lower-case Latin: qualification, proposal…")
    name: str
    outcome: str = Field("open", description="open, won or lost")
    default_probability: int = Field(10, description="0–100 %")
    guards: list[str] = Field([], description="guard codes, see GET /deal-kinds/guards")
    requires_tasks_done: bool = False
    norm_days: int | None = Field(None, description="the stage's norm, 1–3650 days; null: none")
    task_templates: list[TemplateIn] = []


class StageOut(Schema):
    id: int
    code: str
    name: str
    position: int
    outcome: str
    default_probability: int
    probability: Decimal = Field(description="the computed estimate (D9), %")
    estimated_probability: Decimal | None
    sample_size: int
    sample_won: int
    guards: list[str]
    requires_tasks_done: bool
    norm_days: int | None
    task_templates: list[TemplateOut]

    @staticmethod
    def resolve_task_templates(obj):
        return list(obj.task_templates.all())


class DealLinkIn(Schema):
    title: str
    url: str


class DealReferenceLinkOut(DealLinkIn):
    id: int


class DealKindOut(Schema):
    id: int
    name: str
    process_type: str
    description: str
    is_active: bool
    default_probability: int
    stall_days: int | None
    estimated_probability: Decimal | None
    sample_size: int
    stages: list[StageOut]
    links: list[DealReferenceLinkOut]
    version: int

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())

    @staticmethod
    def resolve_links(obj):
        return list(obj.links.all())


class DealKindIn(Schema):
    name: str
    process_type: str = Field("strict", description="strict, manual or non_process")
    description: FreeText = ""
    default_probability: int = 20
    stall_days: int | None = Field(
        None, description="a deal is stalled after this many days (1–3650); null: never"
    )
    stages: list[StageIn] = []
    links: list[DealLinkIn] = []


class DealKindPatch(Schema):
    name: str | None = None
    process_type: str | None = None
    description: FreeText | None = None
    is_active: bool | None = None
    default_probability: int | None = None
    stall_days: int | None = Field(None, description="1–3650 days; null clears it")
    stages: list[StageIn] | None = Field(None, description="the whole new list, matched by code")
    links: list[DealLinkIn] | None = None


class GuardOut(Schema):
    code: str
    label: str
    message: str


class LossReasonOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    version: int


class LossReasonIn(Schema):
    name: str
    description: FreeText = ""


class DealOut(Schema):
    id: int
    number: str
    name: str
    description: str
    partner_id: int
    partner_name: str
    contact_ids: list[int]
    manager_id: int
    kind_id: int
    stage_id: int | None
    stage_code: str | None
    status: str
    amount: Money | None
    currency: str
    expected_close_date: datetime.date | None
    probability: Decimal = Field(description="what the deal shows: the override, else computed")
    probability_computed: Decimal
    probability_is_override: bool
    probability_override: int | None
    agreement_id: int | None
    source: str
    interaction_id: int | None
    loss_reason_id: int | None
    competitor_id: int | None
    lost_at_stage_id: int | None
    opened_on: datetime.date
    stage_entered_at: datetime.datetime
    closed_at: datetime.datetime | None
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_partner_name(obj):
        return obj.partner.name

    @staticmethod
    def resolve_contact_ids(obj):
        return [c.pk for c in obj.contacts.all()]

    @staticmethod
    def resolve_stage_code(obj):
        return obj.stage.code if obj.stage_id else None


class DealIn(Schema):
    name: str
    partner_id: int
    kind_id: int
    manager_id: int | None = Field(None, description="default: the caller")
    stage_id: int | None = Field(None, description="default: the kind's first stage")
    contact_ids: list[int] = []
    amount: Decimal | None = None
    currency: str = "RUB"
    expected_close_date: datetime.date | None = None
    probability_override: int | None = Field(None, description="0–100 %, set by hand")
    agreement_id: int | None = None
    source: str = ""
    interaction_id: int | None = Field(None, description="the interaction it is based on")
    description: FreeText = ""
    opened_on: datetime.date | None = None


class DealPatch(Schema):
    name: str | None = None
    description: FreeText | None = None
    manager_id: int | None = None
    contact_ids: list[int] | None = None
    amount: Decimal | None = None
    currency: str | None = None
    expected_close_date: datetime.date | None = None
    probability_override: int | None = Field(None, description="null clears the override")
    agreement_id: int | None = None
    source: str | None = None


class MoveIn(Schema):
    stage: int = Field(description="the id of a stage of the deal's kind")
    comment: StageComment = ""


class WinIn(Schema):
    comment: StageComment = ""


class LoseIn(Schema):
    reason: int | None = Field(None, description="the id of a loss reason (required)")
    competitor_id: int | None = None
    comment: StageComment = ""


class ReopenIn(Schema):
    comment: StageComment = ""


class TransitionOut(Schema):
    id: int
    action: str
    from_stage_id: int | None
    to_stage_id: int | None
    from_status: str
    to_status: str
    by_id: int | None
    at: datetime.datetime
    loss_reason_id: int | None
    comment: str
    seconds_in_stage: int


class DealDocumentOut(Schema):
    type: str = Field(
        description="interaction, proposal, order, invoice, shipment, supplier_order or file"
    )
    type_label: str
    id: int
    title: str
    date: datetime.date | None
    status: str
    amount: Money | None
    currency: str
    url: str


class PartyIn(Schema):
    role: str = Field(description="competitor, subcontractor, influencer, decision_maker, other")
    partner_id: int | None = None
    contact_id: int | None = None
    comment: StageComment = ""


class PartyOut(Schema):
    id: int
    role: str
    partner_id: int | None
    contact_id: int | None
    name: str
    comment: str

    @staticmethod
    def resolve_name(obj):
        return str(obj.party)


class ReportQuery(Schema):
    kind: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    manager: int | None = None
    currency: str = "RUB"
    format: str = Field("json", description="json, csv or xlsx")


class EfficiencyQuery(ReportQuery):
    group_by: str = Field("manager", description="manager or kind")


class ReasonLossOut(Schema):
    reason_id: int | None
    reason: str
    count: int
    amount: Money


class FunnelRowOut(Schema):
    stage_id: int
    code: str
    name: str
    outcome: str
    reached: int
    reached_amount: Money
    conversion: Decimal | None
    lost: int
    lost_amount: Money
    lost_by_reason: list[ReasonLossOut]


class FunnelOut(Schema):
    kind_id: int
    date_from: datetime.date | None
    date_to: datetime.date | None
    currency: str
    deals: int
    rows: list[FunnelRowOut]


class EfficiencyRowOut(Schema):
    key: int | None
    name: str
    won: int
    won_amount: Money
    lost: int
    lost_amount: Money
    in_progress: int
    in_progress_amount: Money
    win_rate: Decimal | None
    median_cycle_days: float | None


class EfficiencyOut(Schema):
    group_by: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    currency: str
    rows: list[EfficiencyRowOut]
    total: EfficiencyRowOut


class ForecastRowOut(Schema):
    month: datetime.date | None
    deals: int
    amount: Money
    weighted: Money


class ForecastOut(Schema):
    date_from: datetime.date | None
    date_to: datetime.date | None
    currency: str
    rows: list[ForecastRowOut]
    total_amount: Money
    total_weighted: Money
