"""Stage guards (D3): the rules a deal must meet to enter a stage of a strict kind.

Each guard is a pure function of `DealFacts` (plain values) with a stable code — the code
an integrator receives — a label for the kind's settings and a translated message for a
refused move. A stage lists the codes of its guards (`Stage.guards`); `unmet` returns
every one that does not hold, so a refused move names them all at once.

`facts_of(deal, codes)` gathers only the facts the chosen guards need (a query or two each),
which keeps a move fast. Other domains may add guards with `guard_register` in their
AppConfig.ready(); a guard then reads facts already gathered here.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import Violation


@dataclass(frozen=True)
class DealFacts:
    """What the guards look at. A fact not gathered is None."""

    agreement_set: bool | None = None
    agreement_active: bool | None = None
    agreement_applies: bool | None = None
    proposals: int | None = None
    posted_orders: int | None = None
    contacts: int | None = None
    decision_makers: int | None = None
    amount: Decimal | None = None
    expected_close_date: datetime.date | None = None
    open_required_tasks: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Guard:
    code: str
    label: object
    message: object
    check: Callable[[DealFacts], bool]
    needs: tuple[str, ...] = ()

    def violation(self) -> Violation:
        return Violation(code=self.code, message=self.message, field="stage")


_guards: dict[str, Guard] = {}


def guard_register(
    code: str, *, label, message, check: Callable[[DealFacts], bool], needs: Iterable[str] = ()
) -> Guard:
    """Add a guard rule; `needs` names the DealFacts fields it reads."""
    guard = Guard(code=code, label=label, message=message, check=check, needs=tuple(needs))
    _guards[code] = guard
    return guard


def guards_all() -> list[Guard]:
    return list(_guards.values())


def guard_of(code: str) -> Guard | None:
    return _guards.get(code)


def guard_codes() -> list[str]:
    return list(_guards)


def unmet(facts: DealFacts, codes: Iterable[str]) -> list[Violation]:
    """The violations of every guard in `codes` that `facts` do not meet, in the order
    given (unknown codes are ignored: a kind is checked when it is saved)."""
    violations = []
    for code in codes:
        guard = _guards.get(code)
        if guard is not None and not guard.check(facts):
            violations.append(guard.violation())
    return violations


def needed_facts(codes: Iterable[str]) -> set[str]:
    return {name for code in codes if (g := _guards.get(code)) for name in g.needs}


# --- The built-in rules -------------------------------------------------------------------

AGREEMENT_MISSING = "deal_agreement_missing"
PROPOSAL_MISSING = "deal_proposal_missing"
ORDER_NOT_POSTED = "deal_order_not_posted"
CONTACTS_MISSING = "deal_contacts_missing"
DECISION_MAKER_MISSING = "deal_decision_maker_missing"
AMOUNT_DATE_MISSING = "deal_amount_date_missing"
TASKS_OPEN = "deal_tasks_open"


def client_classified(facts: DealFacts) -> bool:
    """The client is classified: an agreement is set on the deal, it is active and it
    applies to the deal's client (a typical one of a segment the client is not in does not;
    sales.rules.agreement_applies)."""
    return bool(facts.agreement_set and facts.agreement_active and facts.agreement_applies)


def proposal_exists(facts: DealFacts) -> bool:
    return (facts.proposals or 0) > 0


def order_posted(facts: DealFacts) -> bool:
    return (facts.posted_orders or 0) > 0


def contacts_present(facts: DealFacts) -> bool:
    return (facts.contacts or 0) > 0


def decision_maker_known(facts: DealFacts) -> bool:
    return (facts.decision_makers or 0) > 0


def amount_and_date_filled(facts: DealFacts) -> bool:
    return facts.amount is not None and facts.amount > 0 and facts.expected_close_date is not None


def stage_tasks_done(facts: DealFacts) -> bool:
    return (facts.open_required_tasks or 0) == 0


guard_register(
    AGREEMENT_MISSING,
    label=_("Client classified: an active agreement that applies to the client is set"),
    message=_(
        "The client is not classified: set on the deal an active agreement that applies to "
        "the client."
    ),
    check=client_classified,
    needs=("agreement_set", "agreement_active", "agreement_applies"),
)
guard_register(
    PROPOSAL_MISSING,
    label=_("A commercial proposal exists for the deal"),
    message=_("Make a commercial proposal for the deal first."),
    check=proposal_exists,
    needs=("proposals",),
)
guard_register(
    ORDER_NOT_POSTED,
    label=_("A customer order for the deal is posted"),
    message=_("Post a customer order for the deal first."),
    check=order_posted,
    needs=("posted_orders",),
)
guard_register(
    CONTACTS_MISSING,
    label=_("Contact persons are named"),
    message=_("Name at least one contact person of the client on the deal."),
    check=contacts_present,
    needs=("contacts",),
)
guard_register(
    DECISION_MAKER_MISSING,
    label=_("The decision maker is known"),
    message=_(
        "Name the client's decision maker: a contact person of the deal whose role in "
        "decisions is «decision maker», or a decision maker in the deal's environment."
    ),
    check=decision_maker_known,
    needs=("decision_makers",),
)
guard_register(
    AMOUNT_DATE_MISSING,
    label=_("The expected amount and close date are filled"),
    message=_("Fill in the deal's expected amount and close date."),
    check=amount_and_date_filled,
    needs=("amount", "expected_close_date"),
)
guard_register(
    TASKS_OPEN,
    label=_("The previous stage's required tasks are done"),
    message=_("Finish the required tasks of the current stage first."),
    check=stage_tasks_done,
    needs=("open_required_tasks",),
)
