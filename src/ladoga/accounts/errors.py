"""Stable codes of the accounts domain's rule errors."""

from enum import StrEnum


class AccountsCode(StrEnum):
    ROLE_UNKNOWN = "role_unknown"
    USERNAME_TAKEN = "username_taken"
    USERNAME_INVALID = "username_invalid"
    PASSWORD_WEAK = "password_weak"
    EMAIL_INVALID = "email_invalid"
    DEPARTMENT_UNKNOWN = "department_unknown"
    DEPARTMENT_NAME_TAKEN = "department_name_taken"
    LANGUAGE_UNKNOWN = "language_unknown"
    TIME_ZONE_UNKNOWN = "time_zone_unknown"
    LOGIN_THROTTLED = "login_throttled"
    CREDENTIALS_INVALID = "credentials_invalid"
    PORTAL_PARTNER_REQUIRED = "portal_partner_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_BUSY = "idempotency_key_busy"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    LAST_ADMINISTRATOR = "last_administrator"
    SELF_DEACTIVATION = "self_deactivation"
    PASSWORD_WRONG = "password_wrong"
    PASSWORD_MISMATCH = "password_mismatch"
    DEPARTMENT_HEAD_INVALID = "department_head_invalid"
    DEPARTMENT_PARENT_CYCLE = "department_parent_cycle"
    PORTAL_ROLE_FIXED = "portal_role_fixed"
