from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ladoga.core.models import BusinessModel


class Memo(BusinessModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField("title", max_length=100)
    number = models.CharField(max_length=32, blank=True)
    partner_id = models.IntegerField(null=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title
