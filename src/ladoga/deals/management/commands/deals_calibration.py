"""`ladoga manage deals_calibration`: how well the win probability (D9) predicts outcomes.

Prints the Brier score of the estimate on held-out finished deals, beside the score of the
stage defaults alone and of a constant win rate (see probability.calibration)."""

from django.core.management.base import BaseCommand

from ladoga.deals import probability


class Command(BaseCommand):
    help = "Print the Brier score of the deal win-probability estimate on held-out deals."

    def add_arguments(self, parser):
        parser.add_argument(
            "--holdout-every",
            type=int,
            default=5,
            help="hold out every n-th finished deal in id order (default 5: 20 %%)",
        )
        parser.add_argument(
            "--weight", type=float, default=None, help="prior weight K (default: settings)"
        )

    def handle(self, *args, holdout_every: int, weight: float | None, **options):
        result = probability.calibration(holdout_every=holdout_every, weight=weight)
        out = self.stdout
        out.write(
            f"finished deals: {result.training_deals} for training, "
            f"{result.held_out_deals} held-out; kinds with stages: {result.kinds}"
        )
        if result.brier is None:
            out.write("no held-out deal passed through a stage: nothing to score")
            return
        out.write(f"predictions (held-out deal × stage reached): {result.predictions}")
        out.write(f"prior weight K: {result.weight:g}")
        out.write(f"Brier score, smoothed estimate:  {result.brier:.4f}")
        out.write(f"Brier score, stage defaults:     {result.brier_defaults:.4f}")
        out.write(f"Brier score, constant win rate:  {result.brier_base_rate:.4f}")
        out.write("(lower is better; 0.25 is a coin toss)")
