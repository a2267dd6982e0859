"""The calendar page (day, week, month) and iCalendar export: one event, private feeds."""

import datetime
import zoneinfo
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.accounts.queries import departments_in_scope_of, people_in_scope_of
from ladoga.core.errors import DomainError

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


HALF_HOURS = 48
SLOT = datetime.timedelta(minutes=30)
LANES = 4


def _placed(events: list, day: datetime.date, zone) -> list[dict]:
    """Events of one day on the hour grid: the half-hour row they start at, how many rows
    they span (at least one, not past midnight) and a lane so that overlaps stay apart."""
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    placed = []
    for event in events:
        begins = timezone.localtime(event.start, zone)
        row = min(int((begins - midnight) / SLOT), HALF_HOURS - 1)
        lasts = (event.end - event.start) if event.end and event.end > event.start else SLOT
        span = max(1, min(-(-lasts // SLOT), HALF_HOURS - row))
        lane = sum(1 for other in placed if other["row"] + other["span"] > row) % LANES
        placed.append({"event": event, "row": row, "span": span, "lane": lane})
    return placed


def _slots(day: datetime.date) -> list[dict]:
    return [
        {"row": row, "start": f"{day.isoformat()}T{row // 2:02d}:{30 * (row % 2):02d}"}
        for row in range(HALF_HOURS)
    ]


def _filter_query(request) -> str:
    kept = {k: request.GET[k] for k in ("person", "department") if request.GET.get(k)}
    return "&" + urlencode(kept) if kept else ""


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
    people = queries.calendar_people(
        user=request.user,
        person_id=request.GET.get("person", ""),
        department_id=request.GET.get("department", ""),
    )
    start, end, anchor = period_of(view, day)
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
    events = list(
        queries.calendar_events(user=request.user, people=people, start=begin, end=finish)
    )
    tasks = list(queries.calendar_tasks(user=request.user, people=people, start=start, end=end))
    days = []
    current = start
    while current < end:
        of_day = [e for e in events if timezone.localtime(e.start, zone).date() == current]
        days.append(
            {
                "date": current,
                "column": len(days) % 7 + 1,
                "today": current == today,
                "in_period": view != "month" or current.month == anchor.month,
                "events": of_day,
                "placed": _placed(of_day, current, zone) if view != "month" else [],
                "slots": _slots(current) if view != "month" else [],
                "tasks": [t for t in tasks if t.due_date == current],
            }
        )
        current += datetime.timedelta(days=1)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    in_scope = list(
        people_in_scope_of(user=request.user).filter(is_active=True).order_by("last_name")
    )
    choosing = len(in_scope) > 1
    return render(
        request,
        "interactions/calendar.html",
        {
            "view": view,
            "views": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
            "anchor": anchor,
            "days": days,
            "weeks": weeks,
            "hours": [f"{hour:02d}:00" for hour in range(24)],
            "previous": _step(view, anchor, False).isoformat(),
            "next": _step(view, anchor, True).isoformat(),
            "today": today.isoformat(),
            "filter_query": _filter_query(request),
            "people": in_scope if choosing else [],
            "departments": (
                departments_in_scope_of(user=request.user).order_by("name") if choosing else []
            ),
            "person": request.GET.get("person", ""),
            "department": request.GET.get("department", ""),
            "can_move": request.user.has_perm("interactions.change_interaction"),
            "empty": not events and not tasks,
            "feed_token": request.session.pop("calendar_feed_token", None),
            "has_feed": request.user.calendar_feeds.filter(revoked_at__isnull=True).exists(),
        },
    )


def _start_from(value: str, zone) -> datetime.datetime | None:
    """A start typed as ISO date and time; a time without a zone is in the user's zone."""
    try:
        start = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return start.replace(tzinfo=zone) if timezone.is_naive(start) else start


@login_required
@require_POST
def reschedule(request, pk: int):
    """The calendar's drag and drop: move an interaction to a new start (JSON answer)."""
    if not request.user.has_perm("interactions.change_interaction"):
        raise PermissionDenied
    interaction = access.get_visible_or_404(
        queries.interactions_visible_to(user=request.user), request.user, pk=pk
    )
    zone = _zone(request.user)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        moved = services.interaction_reschedule(
            interaction=interaction,
            start=_start_from(request.POST.get("start", ""), zone),
            expected_version=version,
            by=request.user,
        )
    except DomainError as error:
        return JsonResponse({"error": error.detail}, status=error.status)
    begins = timezone.localtime(moved.start, zone)
    ends = timezone.localtime(moved.end, zone) if moved.end else None
    return JsonResponse(
        {
            "start": begins.isoformat(),
            "end": ends.isoformat() if ends else None,
            "time": begins.strftime("%H:%M") + (ends.strftime("–%H:%M") if ends else ""),
            "version": moved.version,
        }
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
