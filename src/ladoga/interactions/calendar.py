"""The calendar page (day, week, month) and iCalendar export: one event, private feeds."""

import datetime
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access

from . import ical, queries, services
from .views import local_time

VIEWS = ("day", "week", "month")
FEED_PAST = datetime.timedelta(days=90)
FEED_FUTURE = datetime.timedelta(days=400)


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def period_of(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The first and the after-last day shown, and the day the period starts at (pure)."""
    if view == "day":
        return day, day + datetime.timedelta(days=1), day
    if view == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=7), monday
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    start = first - datetime.timedelta(days=first.weekday())
    last = following - datetime.timedelta(days=1)
    end = last + datetime.timedelta(days=7 - last.weekday())
    return start, end, first


def _step(view: str, anchor: datetime.date, forward: bool) -> datetime.date:
    sign = 1 if forward else -1
    if view == "day":
        return anchor + datetime.timedelta(days=sign)
    if view == "week":
        return anchor + datetime.timedelta(days=7 * sign)
    if forward:
        return (anchor + datetime.timedelta(days=32)).replace(day=1)
    return (anchor - datetime.timedelta(days=1)).replace(day=1)


@login_required
@local_time
def calendar_page(request):
    view = request.GET.get("view", "week")
    view = view if view in VIEWS else "week"
    zone = _zone(request.user)
    today = timezone.localdate(timezone=zone)
    try:
        day = (
            datetime.date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else today
        )
    except ValueError:
        day = today
    start, end, anchor = period_of(view, day)
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
    events = list(queries.events_of(user=request.user, start=begin, end=finish))
    tasks = list(queries.tasks_due_between(user=request.user, start=start, end=end))
    days = []
    current = start
    while current < end:
        days.append(
            {
                "date": current,
                "today": current == today,
                "in_period": view != "month" or current.month == anchor.month,
                "events": [
                    e for e in events if timezone.localtime(e.start, zone).date() == current
                ],
                "tasks": [t for t in tasks if t.due_date == current],
            }
        )
        current += datetime.timedelta(days=1)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return render(
        request,
        "interactions/calendar.html",
        {
            "view": view,
            "views": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
            "anchor": anchor,
            "days": days,
            "weeks": weeks,
            "previous": _step(view, anchor, False).isoformat(),
            "next": _step(view, anchor, True).isoformat(),
            "today": today.isoformat(),
            "empty": not events and not tasks,
            "feed_token": request.session.pop("calendar_feed_token", None),
            "has_feed": request.user.calendar_feeds.filter(revoked_at__isnull=True).exists(),
        },
    )


@login_required
def event_ics(request, pk: int):
    interaction = access.get_visible_or_404(
        queries.interactions_visible_to(user=request.user), request.user, pk=pk
    )
    body = ical.calendar_of(
        interactions=[interaction],
        url_of=lambda i: request.build_absolute_uri(reverse("interactions:detail", args=[i.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interaction-{interaction.pk}.ics"'
    return response


def feed(request, token: str):
    """A user's private calendar feed: no sign-in, the secret address is the key."""
    user = services.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    now = timezone.now()
    events = queries.events_of(user=user, start=now - FEED_PAST, end=now + FEED_FUTURE)
    tasks = queries.my_tasks(user=user).filter(
        due_date__gte=(now - FEED_PAST).date(), due_date__isnull=False
    )
    body = ical.calendar_of(
        interactions=events,
        tasks=tasks,
        name=f"Ladoga · {user}",
        url_of=lambda i: request.build_absolute_uri(reverse("interactions:detail", args=[i.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def feed_create(request):
    _feed, token = services.calendar_feed_create(user=request.user)
    # shown once, on the next page only
    request.session["calendar_feed_token"] = request.build_absolute_uri(
        reverse("interactions:feed", args=[token])
    )
    messages.success(request, _("Your calendar address is ready. Copy it now: it is shown once."))
    return redirect("interactions:calendar")


@login_required
@require_POST
def feed_revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("The calendar address no longer works."))
    return redirect("interactions:calendar")
