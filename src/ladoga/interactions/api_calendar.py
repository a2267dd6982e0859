"""API endpoints that were only in the web UI (issue 17, point 15): the personal calendar
feed address, and a new contact person made from an interaction's participant."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ladoga.accounts import access
from ladoga.partners.models import Partner

from . import queries, services

router = Router(tags=["interactions"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


class FeedOut(Schema):
    url: str = Field(description="the feed address (iCalendar); shown once, keep it secret")


class FeedRevokedOut(Schema):
    revoked: int


@router.post("/calendar-feed", response={201: FeedOut})
def calendar_feed_create(request: HttpRequest):
    """A new address of your calendar feed (interactions and tasks as iCalendar) for a
    calendar program; any earlier address stops working."""
    _require(request, "interactions.view_interaction")
    _feed, token = services.calendar_feed_create(user=request.user)
    return Status(
        201, {"url": request.build_absolute_uri(reverse("interactions:feed", args=[token]))}
    )


@router.delete("/calendar-feed", response=FeedRevokedOut)
def calendar_feed_revoke(request: HttpRequest):
    """Stop your calendar feed address from working."""
    _require(request, "interactions.view_interaction")
    return {"revoked": services.calendar_feed_revoke(user=request.user)}


class ContactFromParticipantIn(Schema):
    partner_id: int
    last_name: str = Field("", max_length=100, description="default: from the participant")
    first_name: str = Field("", max_length=100)
    position: str = Field("", max_length=150)


class ContactFromParticipantOut(Schema):
    id: int
    partner_id: int
    last_name: str
    first_name: str
    position: str


@router.post(
    "/{interaction_id}/participants/{participant_id}/contact",
    response={201: ContactFromParticipantOut},
)
def contact_from_participant(
    request: HttpRequest,
    interaction_id: int,
    participant_id: int,
    payload: ContactFromParticipantIn,
):
    """A new contact person of a partner from an unknown participant ("create based on"),
    with the participant's phone and e-mail; the participant is linked to it."""
    interaction = access.get_visible_or_404(
        queries.interaction_detail_queryset(user=request.user), request.user, pk=interaction_id
    )
    participant = get_object_or_404(interaction.participants.all(), pk=participant_id)
    _require(request, "partners.add_contactperson")
    partner = access.get_visible_or_404(Partner, request.user, pk=payload.partner_id)
    contact = services.contact_from_participant(
        participant=participant,
        partner=partner,
        by=request.user,
        last_name=payload.last_name,
        first_name=payload.first_name,
        position=payload.position,
    )
    return Status(201, contact)
