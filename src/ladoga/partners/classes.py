"""A client's class (ABC/XYZ, SPEC A7), published for the layers below analytics.

Analytics computes and stores the classification; it registers a provider here in its
`AppConfig.ready()`. Segment rules (sales), contact norms (interactions), cards and
reports read a class through `classes_of`, never from analytics directly. Until a provider
is registered, or for a partner never classified, there is no class (shown as "—").
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClientClass:
    abc: str  # "A", "B", "C"
    xyz: str  # "X", "Y", "Z", or "" when demand could not be measured
    since: datetime.date | None = None  # the day the partner got this class
    previous: str = ""  # the class before, e.g. "BY", or ""

    @property
    def label(self) -> str:
        return f"{self.abc}{self.xyz}"


Provider = Callable[[list[int]], dict[int, ClientClass]]
_providers: list[Provider] = []


def class_provider_set(provider: Provider) -> None:
    """Registers the one function that answers the current class of partners by id."""
    _providers[:] = [provider]


def classes_of(partner_ids: Iterable[int]) -> dict[int, ClientClass]:
    """The current class of each partner that has one (others are missing)."""
    ids = list(partner_ids)
    if not _providers or not ids:
        return {}
    return _providers[0](ids)


def class_of(partner_id: int) -> ClientClass | None:
    return classes_of([partner_id]).get(partner_id)
