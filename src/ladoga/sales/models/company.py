"""The own organisation (S10): the requisites printed on proposals and invoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class OwnCompany(BusinessModel):
    """Our own company's requisites; there is one row (pk 1)."""

    name = models.CharField(_("short name"), max_length=255, blank=True)
    full_name = models.CharField(_("full name"), max_length=500, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    address = models.CharField(_("legal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    bik = models.CharField(_("BIK"), max_length=9, blank=True)
    account = models.CharField(_("account number"), max_length=20, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)
    director = models.CharField(_("director"), max_length=255, blank=True)
    accountant = models.CharField(_("chief accountant"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("own company")
        verbose_name_plural = _("own company")

    def __str__(self) -> str:
        return self.name or str(_("Own company"))
