"""Demo norms (12.8): stage norms and stall days on the demo deal kinds, and contact
norms by segment and by class, so monitoring and strategy have something to show."""

from ladoga.deals.models import DealKind, StageOutcome
from ladoga.interactions.models import ContactNorm
from ladoga.interactions.services import contact_norm_create
from ladoga.partners.models import Segment

# Days per open stage, by position: the first stages move fast, the later ones slower.
STAGE_NORMS = (7, 10, 14, 21, 30)
STALL_DAYS = {"strict": 14, "manual": 21, "non_process": 30}


def demo_norms(ctx) -> None:
    for kind in DealKind.objects.all():
        DealKind.objects.filter(pk=kind.pk).update(stall_days=STALL_DAYS.get(kind.process_type, 21))
        open_stages = kind.stages.filter(outcome=StageOutcome.OPEN).order_by("position", "id")
        for index, stage in enumerate(open_stages):
            norm = STAGE_NORMS[min(index, len(STAGE_NORMS) - 1)]
            type(stage).objects.filter(pk=stage.pk).update(norm_days=norm)
    if ContactNorm.objects.exists():
        return
    segment = Segment.objects.order_by("id").first()
    if segment is not None:
        contact_norm_create(
            name=f"{segment.name}: 30", segment=segment, days=30, kinds=["meeting", "call"]
        )
    contact_norm_create(
        name="A: 14", abc="A", days=14, kinds=["meeting", "call"], counted="responsible"
    )
    contact_norm_create(
        name="B: 45", abc="B", days=45, kinds=["meeting", "call", "email"], counted="anyone"
    )
