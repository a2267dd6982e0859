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
    "AssigneeKind",
    "Deal",
    "DealAction",
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
