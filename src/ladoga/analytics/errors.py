"""Stable codes of the analytics domain's rule errors.

The codes are part of the API: integrators act on them, so they never change meaning. The
messages are translated; the codes are not.
"""

from enum import StrEnum

from ladoga.core.errors import ValidationFailed


class AnalyticsCode(StrEnum):
    # Classification settings (A7)
    CLASS_SHARES_NOT_100 = "classification_shares_not_100"
    CLASS_SHARE_NOT_POSITIVE = "classification_share_not_positive"
    XYZ_LIMITS_ORDER = "classification_xyz_limits_order"
    MONTHS_OUT_OF_RANGE = "classification_months_out_of_range"
    BASIS_UNKNOWN = "classification_basis_unknown"
    STOPPED_FACTOR_INVALID = "classification_stopped_factor_invalid"


class ClassificationSettingsInvalid(ValidationFailed):
    """Thresholds that do not make sense together; nothing is saved or computed."""
