"""References that a partner merge (P9) moves from the duplicate to the survivor.

The partners domain cannot import the domains above it (deals, interactions, sales…), so
each of them registers, in its AppConfig.ready(), the foreign keys of its models that
point at a partner:

    from ladoga.partners.merging import merge_references_register
    merge_references_register(Deal, "partner")

`partner_merge` then moves every registered reference in its transaction. A model whose
references cannot simply be re-pointed (a unique constraint per partner, say) passes a
`mover(survivor, duplicate) -> int` that does the right thing and returns how many rows
it moved.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Model


@dataclass(frozen=True)
class MergeReference:
    model: type[Model]
    field: str
    mover: Callable[[Model, Model], int] | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"

    def move(self, *, survivor: Model, duplicate: Model) -> int:
        if self.mover is not None:
            return self.mover(survivor, duplicate)
        # Primary keys, so both a foreign key ("partner") and a plain id column work.
        changes: dict = {self.field: survivor.pk}
        if any(f.name == "version" for f in self.model._meta.concrete_fields):
            # A moved record changed: a client holding its old ETag must reload it.
            changes["version"] = F("version") + 1
        return self.model._default_manager.filter(**{self.field: duplicate.pk}).update(**changes)


_references: dict[str, MergeReference] = {}


def merge_references_register(
    model: type[Model], field: str, *, mover: Callable[[Model, Model], int] | None = None
) -> None:
    """Declare that `model.field` points at a partner and must follow it in a merge."""
    reference = MergeReference(model=model, field=field, mover=mover)
    _references[reference.label] = reference


def merge_references() -> list[MergeReference]:
    return list(_references.values())
