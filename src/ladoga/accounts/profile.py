"""Panels that higher layers add to the profile page (a registry filled at start-up).

The accounts domain sits low and may not import the domains above it; a domain that has
something to show every user about themselves (the calendar sync addresses, …) registers a
template and a function that gives its context for the request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class ProfilePanel:
    template: str
    context: Callable[[HttpRequest], dict]


_panels: list[ProfilePanel] = []


def profile_panel_register(template: str, context: Callable[[HttpRequest], dict]) -> None:
    if not any(panel.template == template for panel in _panels):
        _panels.append(ProfilePanel(template, context))


def profile_panels(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, context) of every registered panel, in the order they were registered."""
    return [(panel.template, panel.context(request)) for panel in _panels]
