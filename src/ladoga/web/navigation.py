"""The main menu: every area of the product (SPEC.md), in the order people work in."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url_name: str
    icon: str


SECTIONS = [
    Section("dashboard", _("Dashboard"), "dashboard", "home"),
    Section("partners", _("Partners"), "partners:list", "building"),
    Section("interactions", _("Interactions"), "interactions:list", "chat"),
    Section("calendar", _("Calendar"), "interactions:calendar", "calendar"),
    Section("deals", _("Deals"), "deals:list", "funnel"),
    Section("tasks", _("My tasks"), "deals:tasks", "check"),
    Section("sales", _("Agreements and orders"), "sales:orders", "receipt"),
    Section("claims", _("Claims"), "claims:list", "alert"),
    Section("loyalty", _("Loyalty cards"), "loyalty:cards", "card"),
    Section("reports", _("Reports"), "analytics:reports", "chart"),
]


def section_url(section: Section) -> str:
    """The section's page, or the 'coming soon' page while its domain is not built yet."""
    try:
        return reverse(section.url_name)
    except NoReverseMatch:
        return reverse("upcoming", args=[section.key])


def section_by_key(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.key == key), None)
