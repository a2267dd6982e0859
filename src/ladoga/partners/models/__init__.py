"""The partners domain's models, split by concept (see docs/partners.md)."""

from .contact import ContactInfo, ContactInfoKind, ContactPerson, DecisionRole
from .counterparty import BankAccount, Counterparty, CounterpartyKind, RegistryStatus
from .partner import (
    Partner,
    PartnerGroup,
    PartnerKind,
    PartnerMerge,
    PartnerNameKey,
    PartnerRole,
    PartnerStatus,
    RecordStatus,
    Segment,
)
from .properties import (
    PropertyAppliesTo,
    PropertyChoice,
    PropertyDefinition,
    PropertyType,
    PropertyValue,
)
from .relations import ContactRelation, PartnerRelation, RelationType

__all__ = [
    "BankAccount",
    "ContactInfo",
    "ContactInfoKind",
    "ContactPerson",
    "ContactRelation",
    "Counterparty",
    "CounterpartyKind",
    "DecisionRole",
    "Partner",
    "PartnerGroup",
    "PartnerKind",
    "PartnerMerge",
    "PartnerNameKey",
    "PartnerRelation",
    "PartnerRole",
    "PartnerStatus",
    "PropertyAppliesTo",
    "PropertyChoice",
    "PropertyDefinition",
    "PropertyType",
    "PropertyValue",
    "RecordStatus",
    "RegistryStatus",
    "RelationType",
    "Segment",
]
