""" "Create based on" an interaction (I3): the commands a user is offered on its page.

Built in: a follow-up interaction and a new contact person from an unknown participant.
The deals and claims domains register theirs ("a deal", "a claim") in AppConfig.ready():

    from ladoga.interactions.based_on import based_on_register
    based_on_register(
        "deal",
        label=_("Deal"),
        url=lambda interaction: reverse("deals:create") + f"?interaction={interaction.pk}",
    )

`url` gives the page that creates the new record from the interaction; `available`, when
given, hides the command for interactions it does not apply to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.urls import NoReverseMatch


@dataclass(frozen=True)
class BasedOn:
    key: str
    label: object
    url: Callable[[Model], str]
    available: Callable[[Model, object], bool] | None = None


_hooks: dict[str, BasedOn] = {}


def based_on_register(
    key: str,
    *,
    label,
    url: Callable[[Model], str],
    available: Callable[[Model, object], bool] | None = None,
) -> None:
    _hooks[key] = BasedOn(key=key, label=label, url=url, available=available)


def based_on_for(interaction: Model, user) -> list[dict]:
    """The commands offered on `interaction`'s page to `user`: label and URL."""
    offered = []
    for hook in _hooks.values():
        if hook.available is not None and not hook.available(interaction, user):
            continue
        try:
            url = hook.url(interaction)
        except NoReverseMatch:  # a domain whose pages are not mounted (yet): skip its command
            continue
        offered.append({"key": hook.key, "label": hook.label, "url": url})
    return offered
