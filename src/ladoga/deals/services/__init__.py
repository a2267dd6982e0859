"""Writes of the deals domain: one function per business command (DESIGN.md).

Every command takes keyword arguments only, runs in one transaction, raises DomainError
subclasses with DealsCode (or guard) codes and writes nothing when it fails. `by=None` is
the system itself (demo data, migrations) and skips the role checks.
"""

from .alerts import deal_alert_record
from .closing import deal_lose, deal_reopen, deal_win
from .deals import deal_create, deal_update
from .documents import deal_order_create, deal_proposal_create, deal_supplier_order_create
from .environment import deal_party_add, deal_party_remove
from .kinds import (
    LinkSpec,
    StageSpec,
    TemplateSpec,
    deal_kind_create,
    deal_kind_update,
    kind_specs,
    loss_reason_create,
    loss_reason_update,
)
from .lifecycle import entry_violations
from .stage_tasks import deal_task_create, tasks_create_for_stage, template_assignee
from .stages import deal_move

__all__ = [
    "LinkSpec",
    "StageSpec",
    "TemplateSpec",
    "deal_alert_record",
    "deal_create",
    "deal_kind_create",
    "deal_kind_update",
    "deal_lose",
    "deal_move",
    "deal_order_create",
    "deal_party_add",
    "deal_party_remove",
    "deal_proposal_create",
    "deal_reopen",
    "deal_supplier_order_create",
    "deal_task_create",
    "deal_update",
    "deal_win",
    "entry_violations",
    "kind_specs",
    "loss_reason_create",
    "loss_reason_update",
    "tasks_create_for_stage",
    "template_assignee",
]
