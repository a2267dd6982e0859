"""What a partner import reports (P12): the outcome of each row (create, update, duplicate,
error) and the totals, keeping at most REPORT_ROWS rows of each outcome."""

from dataclasses import dataclass, field

REPORT_ROWS = 200
ACTIONS = ("create", "update", "duplicate", "error")
WRITTEN = ("create", "update")


@dataclass
class RowResult:
    """One row's outcome: the action taken (or refused) and why."""

    number: int
    action: str
    name: str = ""
    messages: list[str] = field(default_factory=list)
    partner_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "row": self.number,
            "action": self.action,
            "name": self.name,
            "messages": self.messages,
            "partner_id": self.partner_id,
        }


@dataclass
class Report:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    rows: list[RowResult] = field(default_factory=list)
    refused: bool = False  # errors found and skip_invalid not chosen: nothing written
    _kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))

    def add(self, result: RowResult) -> None:
        self.counts[result.action] += 1
        if self._kept[result.action] < REPORT_ROWS:
            self._kept[result.action] += 1
            self.rows.append(result)

    @property
    def written(self) -> int:
        return 0 if self.dry_run or self.refused else self.counts["create"] + self.counts["update"]

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "refused": self.refused,
            "total": self.total,
            "counts": dict(self.counts),
            "rows": [r.as_dict() for r in sorted(self.rows, key=lambda r: r.number)],
        }
