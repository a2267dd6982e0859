"""Field shapes shared by the sales models: money, quantities and percentages as Decimal."""

from django.db import models


def money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=2, **kwargs)


def quantity(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=3, **kwargs)


def percent(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, **kwargs)
