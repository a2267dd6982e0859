"""Stable codes of the partners domain's rule errors, and its error classes.

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ladoga.core.errors import DomainError


class PartnersCode(StrEnum):
    # Partners
    NAME_REQUIRED = "partner_name_required"
    ROLE_UNKNOWN = "partner_role_unknown"
    KIND_UNKNOWN = "partner_kind_unknown"
    PARTNER_ARCHIVED = "partner_archived"
    DUPLICATES_FOUND = "partner_duplicates_found"
    MERGE_INTO_ITSELF = "partner_merge_into_itself"
    MERGE_INTO_ARCHIVED = "partner_merge_into_archived"
    ALREADY_MERGED = "partner_already_merged"
    MANAGER_INVALID = "partner_manager_invalid"
    # Tax numbers and requisites (P10)
    INN_INVALID = "inn_invalid"
    INN_REQUIRED = "inn_required"
    KPP_INVALID = "kpp_invalid"
    KPP_NOT_ALLOWED = "kpp_not_allowed"
    OGRN_INVALID = "ogrn_invalid"
    FOREIGN_TAX_NUMBER_INVALID = "foreign_tax_number_invalid"
    COUNTRY_INVALID = "country_invalid"
    COUNTERPARTY_KIND_UNKNOWN = "counterparty_kind_unknown"
    COUNTERPARTY_NAME_REQUIRED = "counterparty_name_required"
    COUNTERPARTY_INN_KPP_TAKEN = "counterparty_inn_kpp_taken"
    # Bank accounts (P5)
    BIK_INVALID = "bik_invalid"
    ACCOUNT_INVALID = "bank_account_invalid"
    CORRESPONDENT_ACCOUNT_INVALID = "correspondent_account_invalid"
    BANK_ACCOUNT_TAKEN = "bank_account_taken"
    # Contact persons and contact information (P3, P4)
    CONTACT_NAME_REQUIRED = "contact_name_required"
    CONTACT_ROLE_UNKNOWN = "contact_role_unknown"
    CONTACT_INFO_KIND_UNKNOWN = "contact_info_kind_unknown"
    CONTACT_INFO_EMPTY = "contact_info_empty"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"
    WEBSITE_INVALID = "website_invalid"
    CONTACT_INFO_OWNER_INVALID = "contact_info_owner_invalid"
    # Additional properties (P6)
    PROPERTY_NOT_APPLICABLE = "property_not_applicable"
    PROPERTY_VALUE_INVALID = "property_value_invalid"
    PROPERTY_NAME_REQUIRED = "property_name_required"
    PROPERTY_TYPE_UNKNOWN = "property_type_unknown"
    PROPERTY_CHOICES_REQUIRED = "property_choices_required"
    # Relations (P7)
    RELATION_TO_ITSELF = "relation_to_itself"
    RELATION_TYPE_MISMATCH = "relation_type_mismatch"
    RELATION_EXISTS = "relation_exists"
    RELATION_TYPE_NAME_REQUIRED = "relation_type_name_required"
    # Catalogues
    GROUP_NAME_REQUIRED = "partner_group_name_required"
    GROUP_CYCLE = "partner_group_cycle"
    GROUP_NAME_TAKEN = "partner_group_name_taken"
    SEGMENT_NAME_TAKEN = "segment_name_taken"
    SEGMENT_NAME_REQUIRED = "segment_name_required"
    # State registry (P11)
    REGISTRY_NOT_FOUND = "registry_not_found"
    REGISTRY_NOT_CONFIGURED = "registry_not_configured"
    REGISTRY_TOKEN_REJECTED = "registry_token_rejected"
    REGISTRY_UNAVAILABLE = "registry_unavailable"
    REGISTRY_TIMEOUT = "registry_timeout"
    REGISTRY_ANSWER_MALFORMED = "registry_answer_malformed"
    REGISTRY_LIMIT_REACHED = "registry_limit_reached"


class DuplicatesFound(DomainError):
    """The wizard found likely duplicates and the caller did not confirm (409).

    `candidates` holds the ranked candidates (duplicates.Candidate) for the caller to show.
    """

    status = 409
    title = _("Possible duplicates found")

    def __init__(self, violations, candidates=()):
        self.candidates = list(candidates)
        super().__init__(violations)


class RegistryError(DomainError):
    """The state registry could not answer: the base of every registry failure."""

    status = 502
    title = _("The state registry did not answer")


class RegistryNotFound(RegistryError):
    status = 404
    title = _("Not found in the state registry")


class RegistryNotConfigured(RegistryError):
    status = 503
    title = _("The state registry is not configured")


class RegistryTimeout(RegistryError):
    status = 504
    title = _("The state registry did not answer in time")
