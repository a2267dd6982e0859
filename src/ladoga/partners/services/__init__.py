"""Writes of the partners domain: one function per business command (DESIGN.md).

Every command takes keyword arguments only, runs in one transaction, raises DomainError
subclasses with PartnersCode codes and writes nothing when it fails. Commands that change
an existing record take `expected_version` (X5; None skips the check for internal use).
"""

from ..merging import merge_references_register
from .batch import (
    PartnerChange,
    PartnerDraft,
    counterparty_by_kpp,
    partners_create_many,
    partners_update_many,
)
from .contacts import (
    ContactInfoItem,
    contact_create,
    contact_info_add,
    contact_info_delete,
    contact_info_normalise,
    contact_info_of,
    contact_info_set,
    contact_update,
)
from .merge import partner_merge
from .partners import (
    partner_archive,
    partner_create,
    partner_group_create,
    partner_group_move,
    partner_name_keys_store,
    partner_restore,
    partner_update,
    segment_create,
)
from .properties import property_definition_create, property_value_parse, property_values_set
from .registry_check import (
    counterparties_registry_recheck,
    counterparty_flagged_listen,
    counterparty_registry_check,
)
from .relations import relation_create, relation_delete, relation_type_create
from .requisites import (
    bank_account_add,
    bank_account_delete,
    bank_requisites_check,
    counterparty_create,
    counterparty_update,
    requisites_check,
)
from .wizard import partner_quick_create, partner_register, quick_counterparty_kind

__all__ = [
    "ContactInfoItem",
    "PartnerChange",
    "PartnerDraft",
    "bank_account_add",
    "bank_account_delete",
    "bank_requisites_check",
    "contact_create",
    "contact_info_add",
    "contact_info_delete",
    "contact_info_normalise",
    "contact_info_of",
    "contact_info_set",
    "contact_update",
    "counterparties_registry_recheck",
    "counterparty_by_kpp",
    "counterparty_create",
    "counterparty_flagged_listen",
    "counterparty_registry_check",
    "counterparty_update",
    "merge_references_register",
    "partner_archive",
    "partner_create",
    "partner_group_create",
    "partner_group_move",
    "partner_merge",
    "partner_name_keys_store",
    "partner_quick_create",
    "partner_register",
    "partner_restore",
    "partner_update",
    "partners_create_many",
    "partners_update_many",
    "property_definition_create",
    "property_value_parse",
    "property_values_set",
    "quick_counterparty_kind",
    "relation_create",
    "relation_delete",
    "relation_type_create",
    "requisites_check",
    "segment_create",
]
