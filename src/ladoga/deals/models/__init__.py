from .alert import AlertSignal, DealAlert
from .deal import (
    CLOSED_STATUSES,
    Deal,
    DealAction,
    DealSource,
    DealStageTask,
    DealStatus,
    LossReason,
    StageReach,
    StageTransition,
)
from .environment import DealParty, PartyRole
from .funnel import FunnelCell, FunnelMeasure
from .kind import (
    NORM_DAYS_MAX,
    AssigneeKind,
    DealKind,
    KindLink,
    ProcessType,
    Stage,
    StageOutcome,
    StageTaskTemplate,
)

__all__ = [
    "CLOSED_STATUSES",
    "NORM_DAYS_MAX",
    "AlertSignal",
    "AssigneeKind",
    "Deal",
    "DealAction",
    "DealAlert",
    "DealKind",
    "DealParty",
    "DealSource",
    "DealStageTask",
    "DealStatus",
    "FunnelCell",
    "FunnelMeasure",
    "KindLink",
    "LossReason",
    "PartyRole",
    "ProcessType",
    "Stage",
    "StageOutcome",
    "StageReach",
    "StageTaskTemplate",
    "StageTransition",
]
