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
    description: str = ""


SECTIONS = [
    Section(
        "dashboard",
        _("Dashboard"),
        "dashboard",
        "home",
        _("Today's figures and what needs your attention."),
    ),
    Section(
        "partners",
        _("Partners"),
        "partners:list",
        "building",
        _("Companies and people you work with, their contacts and relations."),
    ),
    Section(
        "interactions",
        _("Interactions"),
        "interactions:list",
        "chat",
        _("Calls, meetings and letters, and what came of them."),
    ),
    Section(
        "calendar",
        _("Calendar"),
        "interactions:calendar",
        "calendar",
        _("Meetings, calls and reminders by day and by week."),
    ),
    Section(
        "deals",
        _("Deals"),
        "deals:list",
        "funnel",
        _("Opportunities from the first contact to won or lost."),
    ),
    Section(
        "tasks",
        _("My tasks"),
        "deals:tasks",
        "check",
        _("What you have to do, and by when."),
    ),
    Section(
        "sales",
        _("Agreements and orders"),
        "sales:orders",
        "receipt",
        _("Price agreements, contracts, proposals and customer orders."),
    ),
    Section(
        "claims",
        _("Claims"),
        "claims:list",
        "alert",
        _("Complaints from clients and how they are resolved."),
    ),
    Section(
        "loyalty",
        _("Loyalty cards"),
        "loyalty:cards",
        "card",
        _("Discount cards and the people who hold them."),
    ),
    Section(
        "reports",
        _("Reports"),
        "analytics:reports",
        "chart",
        _("Sales, funnel and activity reports, with exports."),
    ),
]


def section_link(section: Section) -> tuple[str, bool]:
    """The section's page and True, or the 'coming soon' page and False while its domain is
    not built yet."""
    try:
        return reverse(section.url_name), True
    except NoReverseMatch:
        return reverse("upcoming", args=[section.key]), False


def section_url(section: Section) -> str:
    """The section's page, or the 'coming soon' page while its domain is not built yet."""
    return section_link(section)[0]


def section_by_key(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.key == key), None)
